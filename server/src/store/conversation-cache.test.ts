import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Store } from "./store";
import { CONVERSATION_CACHE } from "./message-store";

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function fresh(): { store: Store; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-conv-"));
  const file = path.join(dir, "atrium.db");
  const store = new Store(file);
  cleanups.push(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { store, file };
}

/** What a second connection to the same file reads: the database's own answer, no cache. */
function fromDisk(file: string, who: string, limit: number) {
  const other = new Store(file);
  try {
    return other.messages.recentMessages("ws", limit, who);
  } finally {
    other.close();
  }
}

describe("an agent's conversation, served from memory", () => {
  it("always equals what the database holds, through writes, for every limit", () => {
    const { store, file } = fresh();
    const say = (fromId: string, toId: string | null, text: string) =>
      store.messages.addMessage({ workspace: "ws", fromId, fromKind: fromId.startsWith("p") ? "person" : "agent", toId, text });
    say("p1", "iris", "first");
    // Cached now, before most of the conversation exists.
    expect(store.messages.recentMessages("ws", 12, "iris").map((m) => m.text)).toEqual(["first"]);
    for (let i = 0; i < CONVERSATION_CACHE + 15; i++) {
      say(i % 2 ? "iris" : "p1", i % 2 ? null : "iris", `m${i}`);
      say("bram", "p1", `noise ${i}`); // someone else's conversation
      if (i % 7 === 0) say("iris", "iris", `note to self ${i}`);
    }
    for (const limit of [1, 12, CONVERSATION_CACHE, CONVERSATION_CACHE + 10]) {
      expect(store.messages.recentMessages("ws", limit, "iris")).toEqual(fromDisk(file, "iris", limit));
    }
    expect(store.messages.recentMessages("ws", 12, "p1")).toEqual(fromDisk(file, "p1", 12));
    // Other workspaces are other conversations.
    expect(store.messages.recentMessages("elsewhere", 12, "iris")).toEqual([]);
  });

  it("hands out copies: a caller that edits what it got changes nothing", () => {
    const { store } = fresh();
    store.messages.addMessage({ workspace: "ws", fromId: "p1", fromKind: "person", toId: "iris", text: "hello" });
    store.messages.recentMessages("ws", 5, "iris")[0]!.text = "tampered";
    expect(store.messages.recentMessages("ws", 5, "iris")[0]!.text).toBe("hello");
  });
});
