import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "../store/store";
import { replayStoreOf } from "./replay-store";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function open() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-replay-store-"));
  const file = path.join(dir, "atrium.db");
  const store = await openStore(file);
  cleanups.push(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const requestOf = async (id: number) => {
    const row = await store.db.selectFrom("llm_calls").select("request").where("id", "=", id).executeTakeFirst();
    return JSON.parse(row?.request ?? "null") as unknown;
  };
  return { store, file, replay: replayStoreOf(store), requestOf };
}

const request = (text: string) => ({ baseURL: "http://upstream/v1", messages: [{ role: "system", content: "You are Iris." }, { role: "user", content: text }], tools: ["say"] });
const done = (req: unknown) => ({ model: "m", request: req, response: { text: "ok", toolCalls: [], finishReason: "stop" }, promptTokens: 10, completionTokens: 2, costUsd: 0, latencyMs: 5, ttftMs: 1, outcome: "ok" });

describe("LLM call rows for provenance", () => {
  it("are committed with their exact request when the call starts, pending, so a crash keeps them", async () => {
    const { file, replay } = await open();
    const id = await replay.startLlmCall({ workspace: "ws", agentId: "iris", model: "m", request: request("mail me at ada@example.com") });
    // Another connection (what a restarted server would read) sees the row at once.
    const other = await openStore(file);
    try {
      expect(await other.db.selectFrom("llm_calls").select(["outcome", "request"]).where("id", "=", id).executeTakeFirst()).toEqual({ outcome: "pending", request: JSON.stringify(request("mail me at ada@example.com")) });
    } finally {
      await other.close();
    }
  });

  it("keep the request stored at the start when the call finishes with the same one, and take the one that went when it differs", async () => {
    const { store, replay, requestOf } = await open();
    const same = await replay.startLlmCall({ workspace: "ws", agentId: "iris", model: "m", request: request("status?") });
    // Changed behind the store's back: a finish with the start's request must not write the column again.
    await store.db.updateTable("llm_calls").set({ request: '"untouched"' }).where("id", "=", same).execute();
    await replay.finishLlmCall(same, done(request("status?")));
    expect(await requestOf(same)).toBe("untouched");
    expect(await replay.getLlmCall(same)).toMatchObject({ outcome: "ok", promptTokens: 10, completionTokens: 2, latencyMs: 5 });

    // The broker redacted something: the row ends with what was sent upstream.
    const redacted = await replay.startLlmCall({ workspace: "ws", agentId: "iris", model: "m", request: request("mail me at ada@example.com") });
    await replay.finishLlmCall(redacted, done(request("mail me at [redacted:email]")));
    expect(await requestOf(redacted)).toEqual(request("mail me at [redacted:email]"));

    // A row finished once is not taken for "same request" again.
    await replay.finishLlmCall(same, done(request("status?")));
    expect(await requestOf(same)).toEqual(request("status?"));
  });

  it("refuse an unknown call id and bad numbers, changing nothing", async () => {
    const { replay } = await open();
    await expect(replay.finishLlmCall(999, done(request("x")))).rejects.toThrow(/unknown llm call id 999/);
    const id = await replay.startLlmCall({ workspace: "ws", agentId: "iris", model: "m", request: request("x") });
    await expect(replay.finishLlmCall(id, { ...done(request("x")), latencyMs: -1 })).rejects.toThrow(/latencyMs/);
    expect(await replay.getLlmCall(id)).toMatchObject({ outcome: "pending" });
  });
});
