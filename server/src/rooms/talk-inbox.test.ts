import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../logger";
import { openStore } from "../store/store";
import { TalkInbox } from "./talk-inbox";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function inbox() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-talk-"));
  const store = await openStore(path.join(dir, "atrium.db"));
  cleanups.push(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const flushes: Array<() => Promise<void>> = [];
  const talk = new TalkInbox(store, createLogger("silent"), (flush) => flushes.push(flush));
  const events: string[] = [];
  const say = (who: string, text: string) =>
    talk.push({
      message: { workspace: "ws", fromId: who, fromKind: "person", toId: "iris", text },
      deliver: () => events.push(`deliver:${who}:${text}`),
      refuse: (reason) => events.push(`refuse:${who}:${reason}`),
    });
  const saved = async () => (await store.messages.recentMessages("ws", 50)).map((m) => `${m.fromId}:${m.text}`);
  return { talk, say, saved, flushes, events };
}

describe("what people say to agents", () => {
  it("is saved together when its owner flushes the batch, then delivered in the order it arrived", async () => {
    const { say, saved, flushes, events } = await inbox();
    say("p1", "one");
    await new Promise((r) => setImmediate(r)); // a later socket read, a turn later
    say("p2", "two");
    say("p1", "three");
    expect(flushes).toHaveLength(1); // one flush arranged for the whole batch
    expect(await saved()).toEqual([]);
    expect(events).toEqual([]);
    await flushes[0]!();
    expect(await saved()).toEqual(["p1:one", "p2:two", "p1:three"]);
    expect(events).toEqual(["deliver:p1:one", "deliver:p2:two", "deliver:p1:three"]);
    say("p2", "four");
    expect(flushes).toHaveLength(2); // the next batch
  });

  it("saves at once when flushed directly (the room closing), and the arranged flush then saves nothing twice", async () => {
    const { talk, say, saved, flushes, events } = await inbox();
    say("p1", "bye");
    await talk.flush();
    expect(await saved()).toEqual(["p1:bye"]);
    expect(events).toEqual(["deliver:p1:bye"]);
    await flushes[0]!();
    expect(await saved()).toEqual(["p1:bye"]);
    expect(events).toEqual(["deliver:p1:bye"]);
  });

  it("is saved all or not at all: a batch the store refuses is refused to every sender and changes nothing", async () => {
    const { say, saved, flushes, events } = await inbox();
    say("p1", "fine");
    say("p2", "   ");
    await flushes[0]!();
    expect(await saved()).toEqual([]);
    expect(events).toEqual([
      "refuse:p1:your message could not be saved; please send it again",
      "refuse:p2:your message could not be saved; please send it again",
    ]);
  });
});
