import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "./store";
import { CONVERSATION_CACHE } from "./message-store";
import { DIALECTS, START_TIMEOUT_MS, TestDatabases } from "./store-testing";

let dbs: TestDatabases;

async function fresh(): Promise<{ store: Store; target: string }> {
  const target = await dbs.target();
  return { store: await dbs.openStore(target), target };
}

/** What a second connection to the same database reads: the database's own answer, no cache. */
async function fromDisk(target: string, who: string, limit: number) {
  const other = await dbs.openStore(target);
  try {
    return await other.messages.recentMessages("ws", limit, who);
  } finally {
    await other.close();
  }
}

describe.each(DIALECTS)("on %s", (dialect) => {
  beforeAll(async () => {
    dbs = new TestDatabases(dialect);
    await dbs.start();
  }, START_TIMEOUT_MS);
  afterEach(() => dbs.closeAll());
  afterAll(() => dbs.stop());

  describe("an agent's conversation, served from memory", () => {
    it("always equals what the database holds, through writes, for every limit", async () => {
      const { store, target } = await fresh();
      const say = (fromId: string, toId: string | null, text: string) =>
        store.messages.addMessage({ workspace: "ws", fromId, fromKind: fromId.startsWith("p") ? "person" : "agent", toId, text });
      await say("p1", "iris", "first");
      // Cached now, before most of the conversation exists.
      expect((await store.messages.recentMessages("ws", 12, "iris")).map((m) => m.text)).toEqual(["first"]);
      for (let i = 0; i < CONVERSATION_CACHE + 15; i++) {
        await say(i % 2 ? "iris" : "p1", i % 2 ? null : "iris", `m${i}`);
        await say("bram", "p1", `noise ${i}`); // someone else's conversation
        if (i % 7 === 0) await say("iris", "iris", `note to self ${i}`);
      }
      for (const limit of [1, 12, CONVERSATION_CACHE, CONVERSATION_CACHE + 10]) {
        expect(await store.messages.recentMessages("ws", limit, "iris")).toEqual(await fromDisk(target, "iris", limit));
      }
      expect(await store.messages.recentMessages("ws", 12, "p1")).toEqual(await fromDisk(target, "p1", 12));
      // Other workspaces are other conversations.
      expect(await store.messages.recentMessages("elsewhere", 12, "iris")).toEqual([]);
    });

    it("hands out copies: a caller that edits what it got changes nothing", async () => {
      const { store } = await fresh();
      await store.messages.addMessage({ workspace: "ws", fromId: "p1", fromKind: "person", toId: "iris", text: "hello" });
      (await store.messages.recentMessages("ws", 5, "iris"))[0]!.text = "tampered";
      expect((await store.messages.recentMessages("ws", 5, "iris"))[0]!.text).toBe("hello");
    });
  });
});
