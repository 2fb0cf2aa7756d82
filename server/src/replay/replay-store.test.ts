import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Store } from "../store/store";
import { replayStoreOf } from "./replay-store";

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function open() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-replay-store-"));
  const file = path.join(dir, "atrium.db");
  const store = new Store(file);
  cleanups.push(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const requestOf = (id: number) => JSON.parse((store.db.prepare("SELECT request FROM llm_calls WHERE id = ?").pluck().get(id) as string) ?? "null") as unknown;
  return { store, file, replay: replayStoreOf(store), requestOf };
}

const request = (text: string) => ({ baseURL: "http://upstream/v1", messages: [{ role: "system", content: "You are Iris." }, { role: "user", content: text }], tools: ["say"] });
const done = (req: unknown) => ({ model: "m", request: req, response: { text: "ok", toolCalls: [], finishReason: "stop" }, promptTokens: 10, completionTokens: 2, costUsd: 0, latencyMs: 5, ttftMs: 1, outcome: "ok" });

describe("LLM call rows for provenance", () => {
  it("are committed with their exact request when the call starts, pending, so a crash keeps them", () => {
    const { file, replay } = open();
    const id = replay.startLlmCall({ workspace: "ws", agentId: "iris", model: "m", request: request("mail me at ada@example.com") });
    // Another connection (what a restarted server would read) sees the row at once.
    const other = new Store(file);
    try {
      expect(other.db.prepare("SELECT outcome, request FROM llm_calls WHERE id = ?").get(id)).toEqual({ outcome: "pending", request: JSON.stringify(request("mail me at ada@example.com")) });
    } finally {
      other.close();
    }
  });

  it("keep the request stored at the start when the call finishes with the same one, and take the one that went when it differs", () => {
    const { store, replay, requestOf } = open();
    const same = replay.startLlmCall({ workspace: "ws", agentId: "iris", model: "m", request: request("status?") });
    // Changed behind the store's back: a finish with the start's request must not write the column again.
    store.db.prepare("UPDATE llm_calls SET request = '\"untouched\"' WHERE id = ?").run(same);
    replay.finishLlmCall(same, done(request("status?")));
    expect(requestOf(same)).toBe("untouched");
    expect(replay.getLlmCall(same)).toMatchObject({ outcome: "ok", promptTokens: 10, completionTokens: 2, latencyMs: 5 });

    // The broker redacted something: the row ends with what was sent upstream.
    const redacted = replay.startLlmCall({ workspace: "ws", agentId: "iris", model: "m", request: request("mail me at ada@example.com") });
    replay.finishLlmCall(redacted, done(request("mail me at [redacted:email]")));
    expect(requestOf(redacted)).toEqual(request("mail me at [redacted:email]"));

    // A row finished once is not taken for "same request" again.
    replay.finishLlmCall(same, done(request("status?")));
    expect(requestOf(same)).toEqual(request("status?"));
  });

  it("refuse an unknown call id and bad numbers, changing nothing", () => {
    const { replay } = open();
    expect(() => replay.finishLlmCall(999, done(request("x")))).toThrow(/unknown llm call id 999/);
    const id = replay.startLlmCall({ workspace: "ws", agentId: "iris", model: "m", request: request("x") });
    expect(() => replay.finishLlmCall(id, { ...done(request("x")), latencyMs: -1 })).toThrow(/latencyMs/);
    expect(replay.getLlmCall(id)).toMatchObject({ outcome: "pending" });
  });
});
