import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentState } from "../../../shared/agents";
import { AgentServerMessage, type SpeechPayload } from "../../../shared/protocol/agent-messages";
import { ServerMessage, type QuestionClosedPayload, type QuestionPayload } from "../../../shared/protocol/messages";
import { WorkspaceState } from "../../../shared/state";
import { createLogger } from "../logger";
import { Store } from "../store/store";
import { loadWorld } from "../world/load-world";
import { loadRoster } from "./roster";
import { AgentFreedError, AgentRuntime, MAILBOX_LIMIT, type LiveAgent } from "./runtime";
import type { AgentBody, AgentEvent, Brain } from "./types";

const WORLD_FILE = path.resolve(__dirname, "../../../config/world.yaml");
const AGENTS_FILE = path.resolve(__dirname, "../../../config/agents.yaml");
const world = loadWorld(WORLD_FILE);
const roster = loadRoster(AGENTS_FILE, world);
const WS = "rt-test";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}
function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const label = (e: AgentEvent) => (e.kind === "message" ? e.text : `task:${e.taskId}`);
const msg = (text: string): AgentEvent => ({ kind: "message", from: { id: "p1", name: "Ada", kind: "person" }, text });

type Script = (body: AgentBody, event: AgentEvent, brain: TestBrain) => Promise<void>;

/** The runtime's plug-in for these tests: records what it was given and when, and runs a script. */
class TestBrain implements Brain {
  readonly kind = "llm" as const;
  /** "start:<agent>:<label>" and "end:<agent>:<label>", in the order they happened. */
  readonly log: string[] = [];
  readonly bodies: AgentBody[] = [];
  private readonly running = new Map<string, number>();
  maxPerAgent = 0;
  maxOverall = 0;

  constructor(private readonly script: Script = async () => {}) {}

  async handle(body: AgentBody, event: AgentEvent): Promise<void> {
    const id = body.config.id;
    this.bodies.push(body);
    const n = (this.running.get(id) ?? 0) + 1;
    this.running.set(id, n);
    this.maxPerAgent = Math.max(this.maxPerAgent, n);
    this.maxOverall = Math.max(this.maxOverall, [...this.running.values()].reduce((a, b) => a + b, 0));
    this.log.push(`start:${id}:${label(event)}`);
    try {
      await this.script(body, event, this);
    } finally {
      this.running.set(id, (this.running.get(id) ?? 1) - 1);
      this.log.push(`end:${id}:${label(event)}`);
    }
  }

  started(agentId: string): string[] {
    return this.log.filter((l) => l.startsWith(`start:${agentId}:`)).map((l) => l.slice(`start:${agentId}:`.length));
  }
}

interface Harness {
  runtime: AgentRuntime;
  store: Store;
  state: WorkspaceState;
  broadcasts: Array<{ type: string; payload: unknown }>;
  agent(id: string): LiveAgent;
}

const cleanups: Array<() => void> = [];

function setup(brain: Brain, deadlinesS?: Partial<Record<AgentState, number>>): Harness {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-runtime-"));
  const store = new Store(path.join(dir, "atrium.db"));
  const state = new WorkspaceState();
  state.workspace = WS;
  const broadcasts: Harness["broadcasts"] = [];
  const runtime = new AgentRuntime({
    workspace: WS,
    world,
    roster,
    store,
    log: createLogger("silent"),
    state,
    brain,
    broadcast: (type, payload) => broadcasts.push({ type, payload }),
    ...(deadlinesS ? { deadlinesS } : {}),
  });
  cleanups.push(() => {
    runtime.dispose();
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    runtime,
    store,
    state,
    broadcasts,
    agent(id) {
      const a = runtime.agents.get(id);
      if (!a) throw new Error(`no agent ${id}`);
      return a;
    },
  };
}

afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

describe("placement", () => {
  it("puts every roster agent in its home district, idle, with the brain's kind and its looks", () => {
    const h = setup(new TestBrain());
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

  it("labels agents with the brain that drives them", () => {
    const offline: Brain = { kind: "offline", handle: async () => {} };
    const h = setup(offline);
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
    const h = setup(brain);
    const irisTexts = ["a", "b", "c", "d", "e"];
    for (const t of irisTexts) expect(h.runtime.deliver("iris", msg(t))).toBe(true);
    for (const t of ["x", "y"]) expect(h.runtime.deliver("bram", msg(t))).toBe(true);
    // The first event starts at once; the rest wait in the mailbox.
    expect(brain.started("iris")).toEqual(["a"]);
    expect(h.agent("iris").mailbox.map(label)).toEqual(["b", "c", "d", "e"]);

    await until("all events handled", () => brain.log.filter((l) => l.startsWith("end:")).length === 7);
    expect(brain.started("iris")).toEqual(irisTexts);
    expect(brain.started("bram")).toEqual(["x", "y"]);
    // Each of iris's events ends before the next one starts.
    const irisLog = brain.log.filter((l) => l.includes(":iris:"));
    expect(irisLog).toEqual(irisTexts.flatMap((t) => [`start:iris:${t}`, `end:iris:${t}`]));
    expect(brain.maxPerAgent).toBe(1);
    expect(brain.maxOverall).toBeGreaterThanOrEqual(2);
    // Busy states are cleared when the work ends.
    await until("idle", () => !h.agent("iris").busy && !h.agent("bram").busy);
    expect(h.agent("iris").view.state).toBe("idle");
    expect(h.agent("bram").view.state).toBe("idle");
  });

  it("refuses mail for an agent that does not exist", () => {
    const h = setup(new TestBrain());
    expect(h.runtime.deliver("zed", msg("hello?"))).toBe(false);
  });

  it("drops the oldest waiting event past the limit, and audits it as mailbox-overflow", async () => {
    const gate = deferred();
    const brain = new TestBrain(async (_body, event) => {
      if (label(event) === "first") await gate.promise;
    });
    const h = setup(brain);
    h.runtime.deliver("otto", msg("first"));
    const waiting = Array.from({ length: MAILBOX_LIMIT + 2 }, (_, k) => `m${k}`);
    for (const t of waiting) h.runtime.deliver("otto", msg(t));

    expect(h.agent("otto").mailbox).toHaveLength(MAILBOX_LIMIT);
    expect(h.agent("otto").mailbox.map(label)).toEqual(waiting.slice(2));
    const rows = h.store.recentAudit(100, WS).filter((r) => r.kind === "mailbox-overflow");
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.actor === "otto")).toBe(true);
    // Newest first: m1 was dropped after m0.
    expect((rows[0]!.data.dropped as { text: string }).text).toBe("m1");
    expect((rows[1]!.data.dropped as { text: string }).text).toBe("m0");

    gate.resolve();
    await until("mailbox drained", () => brain.log.filter((l) => l.startsWith("end:")).length === MAILBOX_LIMIT + 1);
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
    const h = setup(brain);
    h.runtime.deliver("mira", msg("boom"));
    await until("the failure", () => !h.agent("mira").busy);
    expect(h.agent("mira").view.state).toBe("idle");
    expect(h.agent("mira").view.reason).toBe("error: the model exploded");

    h.runtime.deliver("mira", msg("string"));
    await until("the second failure", () => brain.log.includes("end:mira:string") && !h.agent("mira").busy);
    expect(h.agent("mira").view.reason).toBe("error: not an Error");

    h.runtime.deliver("mira", msg("fine"));
    await until("the next event", () => brain.log.includes("end:mira:fine") && !h.agent("mira").busy);
    expect(h.agent("mira").view.state).toBe("idle");
  });
});

describe("watchdog", () => {
  it("frees an agent stuck thinking past its deadline: idle with the reason, audited, aborted, and on to its next event", async () => {
    let lateSetStateIgnored = false;
    let lateToolRejected = false;
    const brain = new TestBrain(async (body, event) => {
      if (label(event) !== "stuck") return;
      body.setState("thinking");
      try {
        await body.pause(60_000);
      } catch (err) {
        // A late brain can no longer change the agent or run tools.
        body.setState("working");
        lateSetStateIgnored = true;
        await body.runTool("say", JSON.stringify({ text: "still here" })).catch(() => (lateToolRejected = true));
        throw err;
      }
    });
    const h = setup(brain, { thinking: 0.05 });
    const cleo = h.agent("cleo");
    h.runtime.deliver("cleo", msg("stuck"));
    h.runtime.deliver("cleo", msg("next"));
    const stuckBody = brain.bodies[0]!;
    expect(cleo.view.state).toBe("thinking");

    // Before the deadline the watchdog leaves it alone.
    h.runtime.tick(0.05);
    expect(cleo.view.state).toBe("thinking");
    expect(stuckBody.signal.aborted).toBe(false);

    await sleep(80);
    h.runtime.tick(0.05);
    expect(stuckBody.signal.aborted).toBe(true);
    expect(stuckBody.signal.reason).toBeInstanceOf(AgentFreedError);
    expect(cleo.view.state).toBe("idle");
    expect(cleo.view.reason).toMatch(/watchdog/);
    expect(cleo.view.reason).toContain("0.05 s thinking");

    const rows = h.store.recentAudit(100, WS).filter((r) => r.kind === "watchdog");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actor).toBe("cleo");
    expect(rows[0]!.data).toMatchObject({ was: "thinking", reason: cleo.view.reason });

    // It takes the next event at once.
    expect(brain.started("cleo")).toEqual(["stuck", "next"]);
    await until("the old brain gave up", () => lateToolRejected);
    expect(lateSetStateIgnored).toBe(true);
    expect(cleo.view.state).toBe("idle");
    expect(h.store.work.recentMessages(WS).map((m) => m.text)).not.toContain("still here");
    await until("cleo free", () => !cleo.busy);
    // Only one watchdog run for it.
    expect(h.store.recentAudit(100, WS).filter((r) => r.kind === "watchdog")).toHaveLength(1);
  });

  it("leaves states without a deadline alone", async () => {
    const gate = deferred();
    const brain = new TestBrain(async (body) => {
      body.setState("working");
      await gate.promise;
    });
    const h = setup(brain, { thinking: 0.01 });
    h.runtime.deliver("bram", msg("work"));
    await sleep(30);
    h.runtime.tick(0.05);
    expect(h.agent("bram").view.state).toBe("working");
    expect(h.store.recentAudit(100, WS).filter((r) => r.kind === "watchdog")).toHaveLength(0);
    gate.resolve();
    await until("done", () => !h.agent("bram").busy);
  });
});

describe("pausing", () => {
  it("a paused agent starts no events until it is resumed, then takes them in order", async () => {
    const brain = new TestBrain();
    const h = setup(brain);
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
    await until("the mail is taken", () => brain.log.includes("end:iris:two"));
    expect(brain.started("iris")).toEqual(["one", "two"]);
    expect(iris.mailbox).toEqual([]);
  });

  it("an agent paused during an event finishes it but takes no more until resumed", async () => {
    const brain = new TestBrain(async (body, event) => {
      if (label(event) === "one") body.setState("paused", "paused: budget reached");
    });
    const h = setup(brain);
    const iris = h.agent("iris");
    h.runtime.deliver("iris", msg("one"));
    h.runtime.deliver("iris", msg("two"));
    await until("the first event", () => brain.log.includes("end:iris:one"));
    await sleep(10);
    expect(brain.started("iris")).toEqual(["one"]);
    expect(iris.view.state).toBe("paused");
    h.runtime.setState(iris, "idle");
    await until("the second event", () => brain.log.includes("end:iris:two"));
  });
});

describe("questions and waiting", () => {
  it("an agent whose question is withdrawn is not left waiting: its brain hears why, and it takes its next event", async () => {
    const outcomes: string[] = [];
    const brain = new TestBrain(async (body, event) => {
      if (label(event) !== "ask") return;
      const out = await body.runTool("ask_human", JSON.stringify({ question: "Ship it?", options: ["Yes", "No"] }));
      outcomes.push(`${out.ok}:${out.content}`);
    });
    const h = setup(brain);
    const iris = h.agent("iris");
    h.runtime.deliver("iris", msg("ask"));
    await until("the question", () => h.broadcasts.some((b) => b.type === ServerMessage.Question));
    expect(iris.view.state).toBe("waiting-for-human");
    h.runtime.deliver("iris", msg("next"));
    expect(brain.started("iris")).toEqual(["ask"]);

    h.runtime.tools.cancelQuestionsOf("iris", "nobody is here");
    await until("the next event", () => brain.log.includes("end:iris:next"));
    expect(outcomes).toEqual(["false:error: the question was withdrawn"]);
    await until("iris free", () => !iris.busy);
    expect(iris.view.state).toBe("idle");
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
    const h = setup(brain);
    h.runtime.deliver("otto", msg("talk"));
    expect(h.agent("otto").view.state).toBe("speaking");
    await until("done", () => brain.log.includes("end:otto:talk"));
    const speech = h.broadcasts.filter((b) => b.type === AgentServerMessage.Speech).map((b) => b.payload as SpeechPayload);
    const first = speech.filter((p) => p.utteranceId === speech[0]!.utteranceId);
    expect(first.map((p) => p.delta).join("")).toBe("Hello there. Bye.");
    expect(first.at(-1)!.done).toBe(true);
    // Coalesced: the two first deltas went out together, not one by one.
    expect(first[0]).toMatchObject({ agentId: "otto", delta: "Hello there.", done: false });
    const stored = h.store.work.recentMessages(WS);
    expect(stored.map((m) => [m.fromId, m.fromKind, m.text])).toEqual([["otto", "agent", "Hello there. Bye."]]);
    await until("otto free", () => !h.agent("otto").busy);
    expect(h.agent("otto").view.state).toBe("idle");
  });
});

describe("dispose", () => {
  it("aborts every agent's work, walks and questions, refuses new mail and stops the speech timer", async () => {
    const outcomes: string[] = [];
    const brain = new TestBrain(async (body, event) => {
      if (label(event) === "ask") {
        await body.runTool("ask_human", JSON.stringify({ question: "Deploy?", options: ["Yes", "No"] })).then((o) => outcomes.push(o.content));
        return;
      }
      if (label(event) === "walk") {
        await body.runTool("move_to", JSON.stringify({ district: "research-lab" }));
        return;
      }
      body.setState("thinking");
      body.beginSpeech().append("I was saying");
      await body.pause(60_000);
    });
    const h = setup(brain);
    h.runtime.deliver("cleo", msg("think"));
    h.runtime.deliver("otto", msg("ask"));
    h.runtime.deliver("bram", msg("walk"));
    await until("all started", () => brain.bodies.length === 3 && h.broadcasts.some((b) => b.type === ServerMessage.Question));
    await until("bram walking", () => h.agent("bram").walk !== null);
    const question = h.broadcasts.find((b) => b.type === ServerMessage.Question)!.payload as QuestionPayload;

    h.runtime.dispose();
    for (const body of brain.bodies) {
      expect(body.signal.aborted).toBe(true);
      expect((body.signal.reason as Error).message).toBe("the room closed");
    }
    const closed = h.broadcasts.filter((b) => b.type === ServerMessage.QuestionClosed).map((b) => b.payload as QuestionClosedPayload);
    expect(closed).toEqual([{ requestId: question.requestId, choice: null, by: null }]);
    expect(h.runtime.tools.openQuestions()).toEqual([]);
    expect(h.runtime.deliver("cleo", msg("after"))).toBe(false);

    await until("all brains ended", () => brain.log.filter((l) => l.startsWith("end:")).length === 3);
    expect(outcomes).toEqual(["error: the question was withdrawn"]);
    const speechCount = h.broadcasts.filter((b) => b.type === AgentServerMessage.Speech).length;
    await sleep(120);
    expect(h.broadcasts.filter((b) => b.type === AgentServerMessage.Speech)).toHaveLength(speechCount);
    expect(brain.started("cleo")).toEqual(["think"]);
    // No late error is written over the agents by the aborted brains.
    for (const id of ["cleo", "bram"]) expect(h.agent(id).view.reason).not.toMatch(/^error:/);
  });
});
