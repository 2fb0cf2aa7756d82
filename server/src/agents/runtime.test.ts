import { afterEach, describe, expect, it } from "vitest";
import { AgentServerMessage, type SpeechPayload } from "../../../shared/protocol/agent-messages";
import { until } from "../testing/harness";
import { MAILBOX_LIMIT } from "./runtime";
import { deferred, disposeHarnesses, label, msg, roster, setup, sleep, TestBrain, world, WS } from "./runtime-fixtures";
import type { Brain } from "./types";
import { writtenAudit } from "../testing/db-count";

// Placement, the mailbox, failures, pausing and speech. The watchdog, withdrawn questions and
// dispose are in runtime-abort.test.ts.

afterEach(disposeHarnesses);

describe("placement", () => {
  it("puts every roster agent in its home district, idle, with the brain's kind and its looks", async () => {
    const h = await setup(new TestBrain());
    expect([...h.state.agents.keys()]).toEqual(roster.agents.map((a) => a.id));
    expect([...h.runtime.agents.keys()]).toEqual(roster.agents.map((a) => a.id));
    const spots = new Set<string>();
    for (const config of roster.agents) {
      const view = h.state.agents.get(config.id)!;
      const home = world.districts.find((d) => d.id === config.home)!;
      expect(Math.hypot(view.x - home.position[0], view.z - home.position[1])).toBeLessThan(home.radius);
      // …and outside every other district.
      for (const d of world.districts) {
        if (d.id !== home.id) expect(Math.hypot(view.x - d.position[0], view.z - d.position[1])).toBeGreaterThan(d.radius);
      }
      expect(view.state).toBe("idle");
      expect(view.reason).toBe("");
      expect(view.taskId).toBe("");
      expect(view.brain).toBe("llm");
      expect(view.name).toBe(config.name);
      expect(view.role).toBe(config.role);
      expect(view.colour).toBe(config.appearance.colour);
      expect(view.shape).toBe(config.appearance.shape);
      expect(Number.isFinite(view.yaw)).toBe(true);
      spots.add(`${view.x.toFixed(2)},${view.z.toFixed(2)}`);
    }
    expect(spots.size).toBe(roster.agents.length);
  });

  it("labels agents with the brain that drives them", async () => {
    const offline: Brain = { kind: "offline", handle: async () => {} };
    const h = await setup(offline);
    for (const view of h.state.agents.values()) expect(view.brain).toBe("offline");
  });
});

describe("mailbox", () => {
  it("runs one agent's events one at a time, in the order delivered, while other agents run alongside", async () => {
    let i = 0;
    const brain = new TestBrain(async (body) => {
      body.setState("thinking");
      await sleep(1 + (i++ % 3));
    });
    const h = await setup(brain);
    const irisTexts = ["a", "b", "c", "d", "e"];
    for (const t of irisTexts) expect(h.runtime.deliver("iris", msg(t))).toBe(true);
    for (const t of ["x", "y"]) expect(h.runtime.deliver("bram", msg(t))).toBe(true);
    h.runtime.tick(0);
    // The first event starts on the next tick; the rest wait in the mailbox.
    expect(brain.started("iris")).toEqual(["a"]);
    expect(h.agent("iris").mailbox.map(label)).toEqual(["b", "c", "d", "e"]);

    await until("all events handled", () => brain.log.filter((l) => l.startsWith("end:")).length === 7, 2000);
    expect(brain.started("iris")).toEqual(irisTexts);
    expect(brain.started("bram")).toEqual(["x", "y"]);
    // Each of iris's events ends before the next one starts.
    const irisLog = brain.log.filter((l) => l.includes(":iris:"));
    expect(irisLog).toEqual(irisTexts.flatMap((t) => [`start:iris:${t}`, `end:iris:${t}`]));
    expect(brain.maxPerAgent).toBe(1);
    expect(brain.maxOverall).toBeGreaterThanOrEqual(2);
    // Busy states are cleared when the work ends.
    await until("idle", () => !h.agent("iris").busy && !h.agent("bram").busy, 2000);
    expect(h.agent("iris").view.state).toBe("idle");
    expect(h.agent("bram").view.state).toBe("idle");
  });

  it("refuses mail for an agent that does not exist", async () => {
    const h = await setup(new TestBrain());
    expect(h.runtime.deliver("zed", msg("hello?"))).toBe(false);
  });

  it("drops the oldest waiting event past the limit, and audits it as mailbox-overflow", async () => {
    const gate = deferred();
    const brain = new TestBrain(async (_body, event) => {
      if (label(event) === "first") await gate.promise;
    });
    const h = await setup(brain);
    h.runtime.deliver("otto", msg("first"));
    h.runtime.tick(0);
    const waiting = Array.from({ length: MAILBOX_LIMIT + 2 }, (_, k) => `m${k}`);
    for (const t of waiting) h.runtime.deliver("otto", msg(t));

    expect(h.agent("otto").mailbox).toHaveLength(MAILBOX_LIMIT);
    expect(h.agent("otto").mailbox.map(label)).toEqual(waiting.slice(2));
    const rows = (await writtenAudit(h.store, 100, WS)).filter((r) => r.kind === "mailbox-overflow");
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.actor === "otto")).toBe(true);
    // Newest first: m1 was dropped after m0.
    expect((rows[0]!.data.dropped as { text: string }).text).toBe("m1");
    expect((rows[1]!.data.dropped as { text: string }).text).toBe("m0");

    gate.resolve();
    await until("mailbox drained", () => brain.log.filter((l) => l.startsWith("end:")).length === MAILBOX_LIMIT + 1, 2000);
    expect(brain.started("otto")).toEqual(["first", ...waiting.slice(2)]);
  });
});

describe("failures", () => {
  it("leaves the agent idle with the error as its reason when the brain throws, and goes on with its mail", async () => {
    const brain = new TestBrain(async (body, event) => {
      body.setState("thinking");
      await sleep(1);
      if (label(event) === "boom") throw new Error("the model exploded");
      if (label(event) === "string") throw "not an Error";
    });
    const h = await setup(brain);
    h.runtime.deliver("mira", msg("boom"));
    h.runtime.tick(0);
    await until("the failure", () => !h.agent("mira").busy, 2000);
    expect(h.agent("mira").view.state).toBe("idle");
    expect(h.agent("mira").view.reason).toBe("error: the model exploded");

    h.runtime.deliver("mira", msg("string"));
    h.runtime.tick(0);
    await until("the second failure", () => brain.log.includes("end:mira:string") && !h.agent("mira").busy, 2000);
    expect(h.agent("mira").view.reason).toBe("error: not an Error");

    h.runtime.deliver("mira", msg("fine"));
    await until("the next event", () => brain.log.includes("end:mira:fine") && !h.agent("mira").busy, 2000);
    expect(h.agent("mira").view.state).toBe("idle");
  });
});

describe("pausing", () => {
  it("a paused agent starts no events until it is resumed, then takes them in order", async () => {
    const brain = new TestBrain();
    const h = await setup(brain);
    const iris = h.agent("iris");
    h.runtime.setState(iris, "paused", "paused: budget reached");
    h.runtime.deliver("iris", msg("one"));
    h.runtime.deliver("iris", msg("two"));
    await sleep(20);
    h.runtime.tick(0.05);
    expect(brain.started("iris")).toEqual([]);
    expect(iris.mailbox.map(label)).toEqual(["one", "two"]);
    expect(iris.view.state).toBe("paused");
    expect(iris.view.reason).toBe("paused: budget reached");

    h.runtime.setState(iris, "idle");
    await until("the mail is taken", () => brain.log.includes("end:iris:two"), 2000);
    expect(brain.started("iris")).toEqual(["one", "two"]);
    expect(iris.mailbox).toEqual([]);
  });

  it("an agent paused during an event finishes it but takes no more until resumed", async () => {
    const brain = new TestBrain(async (body, event) => {
      if (label(event) === "one") body.setState("paused", "paused: budget reached");
    });
    const h = await setup(brain);
    const iris = h.agent("iris");
    h.runtime.deliver("iris", msg("one"));
    h.runtime.deliver("iris", msg("two"));
    await until("the first event", () => brain.log.includes("end:iris:one"), 2000);
    await sleep(10);
    expect(brain.started("iris")).toEqual(["one"]);
    expect(iris.view.state).toBe("paused");
    h.runtime.setState(iris, "idle");
    await until("the second event", () => brain.log.includes("end:iris:two"), 2000);
  });
});

describe("speech", () => {
  it("streams an utterance as speech messages, shows the agent speaking, and stores the whole text", async () => {
    const brain = new TestBrain(async (body) => {
      const s = body.beginSpeech();
      s.append("Hello ");
      s.append("there.");
      await sleep(80);
      s.append(" Bye.");
      s.end();
      const quiet = body.beginSpeech();
      quiet.append("   ");
      quiet.end();
    });
    const h = await setup(brain);
    h.runtime.deliver("otto", msg("talk"));
    h.runtime.tick(0);
    expect(h.agent("otto").view.state).toBe("speaking");
    await until("done", () => brain.log.includes("end:otto:talk"), 2000);
    const speech = h.broadcasts.filter((b) => b.type === AgentServerMessage.Speech).map((b) => b.payload as SpeechPayload);
    const first = speech.filter((p) => p.utteranceId === speech[0]!.utteranceId);
    expect(first.map((p) => p.delta).join("")).toBe("Hello there. Bye.");
    expect(first.at(-1)!.done).toBe(true);
    // Coalesced: the two first deltas went out together, not one by one.
    expect(first[0]).toMatchObject({ agentId: "otto", delta: "Hello there.", done: false });
    const stored = await h.store.messages.recentMessages(WS);
    expect(stored.map((m) => [m.fromId, m.fromKind, m.text])).toEqual([["otto", "agent", "Hello there. Bye."]]);
    await until("otto free", () => !h.agent("otto").busy, 2000);
    expect(h.agent("otto").view.state).toBe("idle");
  });
});
