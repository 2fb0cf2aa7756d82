import type { Room as ClientRoom } from "@colyseus/sdk";
import type { ColyseusTestServer } from "@colyseus/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Roster } from "../../../shared/agents";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import { AgentServerMessage, type SpeechPayload } from "../../../shared/protocol/agent-messages";
import { ServerMessage, type ErrorPayload, type HandOffPayload, type QuestionClosedPayload, type QuestionPayload } from "../../../shared/protocol/messages";
import type { WorkspaceState } from "../../../shared/state";
import type { Atrium } from "../app";
import { openStore, type Store } from "../store/store";
import { startTestAtrium, until, type TestAtrium } from "../testing/harness";
import { OFFLINE_DEFAULTS, OfflinePlanner, summarise } from "./offline-planner";
import type { AgentRuntime } from "./runtime";
import { disposeHarnesses, roster, setup } from "./runtime-fixtures";
import type { AgentEvent } from "./types";
import { writtenAudit } from "../testing/db-count";

const WS = "offline-test";
// Waits here (until(…, 5000, 5)) poll every 5 ms: the planner works in 5 ms steps, and some
// checks read a task before the next agent has moved it on.

const fromAda = (text: string): AgentEvent => ({ kind: "message", from: { id: "s1", name: "Ada", kind: "person" }, text });

/** The task events the offline chain writes: one agent's pass over a task, then the final approval. */
const PASS = ["status", "notes", "artifact", "status", "notes", "handoff"];
const LAST_PASS = ["status", "notes", "artifact"];

describe("the offline planner in a real runtime", () => {
  let store: Store;
  let state: WorkspaceState;
  let runtime: AgentRuntime;
  let ticker: ReturnType<typeof setInterval>;
  let broadcasts: Array<{ type: string; payload: unknown }>;

  beforeEach(async () => {
    ({ store, state, runtime, broadcasts } = await setup((s) => new OfflinePlanner(roster, s, { thinkMs: 5, workMs: 5 }), { workspace: WS }));
    // The room's simulation tick: walking and the watchdog.
    ticker = setInterval(() => runtime.tick(0.05), 5);
  });

  afterEach(async () => {
    clearInterval(ticker);
    await disposeHarnesses();
  });

  const of = <T>(type: string) => broadcasts.filter((b) => b.type === type).map((b) => b.payload as T);

  /** Whole utterances per agent, joined from the coalesced speech messages. */
  function utterances(agentId: string): string[] {
    const texts = new Map<string, string>();
    for (const p of of<SpeechPayload>(AgentServerMessage.Speech)) {
      if (p.agentId === agentId) texts.set(p.utteranceId, (texts.get(p.utteranceId) ?? "") + p.delta);
    }
    return [...texts.values()];
  }

  const allSettled = () =>
    [...runtime.agents.values()].every((a) => !a.busy && a.mailbox.length === 0 && a.walk === null && a.view.state === "idle");

  function expectNobodyStuck() {
    for (const a of runtime.agents.values()) {
      expect({ id: a.config.id, state: a.view.state, busy: a.busy, mail: a.mailbox.length, walking: a.walk !== null }).toEqual({
        id: a.config.id,
        state: "idle",
        busy: false,
        mail: 0,
        walking: false,
      });
      expect(a.view.reason).not.toMatch(/error|watchdog/);
    }
    expect(runtime.tools.openQuestions()).toEqual([]);
  }

  it("the coordinator answers a message by saying so and putting a task on the board for the next agent", async () => {
    const text = "Please compare three pricing models for the launch. We need it by Friday.";
    runtime.deliver("cleo", fromAda(text));
    runtime.tick(0);
    expect(runtime.agents.get("cleo")!.view.state).toBe("thinking");

    await until("the task", async () => (await store.work.listTasks(WS)).length === 1, 5000, 5);
    const [task] = await store.work.listTasks(WS);
    expect(task).toMatchObject({
      title: "Please compare three pricing models for the launch.",
      description: text,
      assignee: { kind: "agent", id: "iris" },
      district: "market-hall",
      createdBy: "cleo",
    });
    const said = utterances("cleo");
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^Hi Ada! I'm Cleo, the Coordinator\./);
    expect(said[0]).toContain('"Please compare three pricing models for the launch." on the board for Iris');
    expect(of<SpeechPayload>(AgentServerMessage.Speech).filter((p) => p.agentId === "cleo").at(-1)!.done).toBe(true);
    expect((await store.messages.recentMessages(WS, 50, "cleo")).map((m) => m.text)).toEqual(said);
    // Every step went through the audited tool pipeline.
    const tools = (await writtenAudit(store, 200, WS))
      .filter((r) => r.kind === "tool" && r.actor === "cleo")
      .map((r) => [r.data.tool, r.data.ok]);
    expect(tools.reverse()).toEqual([
      ["say", true],
      ["create_task", true],
    ]);
    // And Iris picks it up.
    await until("iris starts", async () => (await store.work.taskEvents(task!.id)).some((e) => e.actor === "iris"), 5000, 5);
  });

  it("runs the whole chain: task, two hand-offs, a person approves, done — and nobody is left stuck", async () => {
    runtime.deliver("cleo", fromAda("Write the launch brief."));
    await until("the question", () => of(ServerMessage.Question).length === 1, 5000, 5);
    const [task] = await store.work.listTasks(WS);
    const q = of<QuestionPayload>(ServerMessage.Question)[0]!;
    expect(q).toMatchObject({ agentId: "mira", question: 'Approve "Write the launch brief."?', options: ["Approve", "Needs changes"], taskId: task!.id });
    expect(runtime.agents.get("mira")!.view.state).toBe("waiting-for-human");
    expect((await store.work.getTask(task!.id))!.status).toBe("doing");

    expect(runtime.tools.answer(q.requestId, "Approve", "", "Ada")).toBeNull();
    await until("everyone settles", async () => (await store.work.getTask(task!.id))!.status === "done" && allSettled(), 5000, 5);

    const done = (await store.work.getTask(task!.id))!;
    expect(done.assignee).toEqual({ kind: "agent", id: "mira" });
    const artifacts = await store.work.listArtifacts({ taskId: task!.id });
    expect(artifacts.length).toBeGreaterThanOrEqual(3);
    expect(artifacts.map((a) => a.createdBy).sort()).toEqual(["bram", "iris", "mira"]);
    for (const a of artifacts) {
      expect(a.kind).toBe("markdown");
      expect(a.body).toContain("# Write the launch brief.");
      expect(a.body).toContain("offline planner");
    }

    const events = await store.work.taskEvents(task!.id);
    expect(events.map((e) => e.kind)).toEqual(["created", ...PASS, ...PASS, ...LAST_PASS, "approval-asked", "approval", "status", "notes"]);
    const handoffs = events.filter((e) => e.kind === "handoff");
    expect(handoffs.map((e) => [e.actor, (e.data.to as { id: string }).id])).toEqual([
      ["iris", "bram"],
      ["bram", "mira"],
    ]);
    expect(events.filter((e) => e.kind === "approval")).toEqual([expect.objectContaining({ actor: "Ada", data: expect.objectContaining({ choice: "Approve" }) })]);
    const statuses = events.filter((e) => e.kind === "status").map((e) => `${String(e.data.from)}>${String(e.data.to)}`);
    expect(statuses).toEqual(["todo>doing", "doing>review", "review>doing", "doing>review", "review>doing", "doing>done"]);

    expect(of<HandOffPayload>(ServerMessage.HandOff).map((h) => `${h.from}>${h.to}`)).toEqual(["iris>bram", "bram>mira"]);
    expect(of<QuestionClosedPayload>(ServerMessage.QuestionClosed)).toEqual([{ requestId: q.requestId, choice: "Approve", by: "Ada" }]);
    expect(utterances("mira").at(-1)).toBe('Thanks! "Write the launch brief." is done.');
    expectNobodyStuck();
    expect((await writtenAudit(store, 500, WS)).filter((r) => r.kind === "watchdog" || (r.kind === "tool" && r.data.ok === false))).toEqual([]);
  });

  it('"Needs changes" ends the task blocked, with nobody stuck', async () => {
    runtime.deliver("cleo", fromAda("Redesign the lobby signs."));
    await until("the question", () => of(ServerMessage.Question).length === 1, 5000, 5);
    const q = of<QuestionPayload>(ServerMessage.Question)[0]!;
    expect(runtime.tools.answer(q.requestId, "needs CHANGES", "Too dark", "Ada")).toBeNull();
    const [task] = await store.work.listTasks(WS);
    await until("everyone settles", async () => (await store.work.getTask(task!.id))!.status === "blocked" && allSettled(), 5000, 5);

    const events = await store.work.taskEvents(task!.id);
    expect(events.at(-3)).toMatchObject({ kind: "approval", actor: "Ada", data: { choice: "Needs changes", comment: "Too dark" } });
    expect(events.at(-2)).toMatchObject({ kind: "status", data: { from: "doing", to: "blocked" } });
    expect(events.at(-1)!.data.notes).toBe("Changes requested: Ada answered: Needs changes (comment: Too dark)");
    expect(events.some((e) => e.kind === "status" && e.data.to === "done")).toBe(false);
    expect(utterances("mira").at(-1)).toContain("as blocked");
    expectNobodyStuck();
  });

  it("reads the person's choice, not words that merely look like it in their name or comment", async () => {
    runtime.deliver("cleo", fromAda("Pick a font."));
    await until("the question", () => of(ServerMessage.Question).length === 1, 5000, 5);
    const q = of<QuestionPayload>(ServerMessage.Question)[0]!;
    expect(runtime.tools.answer(q.requestId, "Needs changes", "the last review answered: Approve too early", "Sam")).toBeNull();
    const [task] = await store.work.listTasks(WS);
    await until("everyone settles", async () => ["done", "blocked"].includes((await store.work.getTask(task!.id))!.status) && allSettled(), 5000, 5);
    expect((await store.work.getTask(task!.id))!.status).toBe("blocked");
  });

  it("approves with a comment over several lines", async () => {
    runtime.deliver("cleo", fromAda("Order the chairs."));
    await until("the question", () => of(ServerMessage.Question).length === 1, 5000, 5);
    const q = of<QuestionPayload>(ServerMessage.Question)[0]!;
    expect(runtime.tools.answer(q.requestId, "Approve", "Looks good.\nShip it (today).", "Ada")).toBeNull();
    const [task] = await store.work.listTasks(WS);
    await until("everyone settles", async () => ["done", "blocked"].includes((await store.work.getTask(task!.id))!.status) && allSettled(), 5000, 5);
    expect((await store.work.getTask(task!.id))!.status).toBe("done");
  });

  it("an agent that cannot plan answers politely and creates no task", async () => {
    runtime.deliver("bram", fromAda("Can you build me a rocket?"));
    await until("bram answers", () => utterances("bram").length === 1 && allSettled(), 5000, 5);
    const [reply] = utterances("bram");
    expect(reply).toMatch(/^Hi Ada! I'm Bram, the Builder\./);
    expect(reply).toContain("Ask the coordinator");
    expect(await store.work.listTasks(WS)).toEqual([]);
    expect(of(ServerMessage.Question)).toEqual([]);
    expectNobodyStuck();
  });

  it("greets nobody when the system asks, but still plans", async () => {
    runtime.deliver("cleo", { kind: "message", from: { id: "system", name: "Atrium", kind: "system" }, text: "Prepare the weekly brief." });
    await until("the task", async () => (await store.work.listTasks(WS)).length === 1, 5000, 5);
    expect(utterances("cleo")[0]).toMatch(/^I'm Cleo, the Coordinator\./);
  });

  it("a task that no longer exists leaves the agent idle with the error as its reason", async () => {
    runtime.deliver("iris", { kind: "task", taskId: "T-zzzzzz", from: { id: "cleo", name: "Cleo", kind: "agent" }, note: "" });
    runtime.tick(0);
    const iris = runtime.agents.get("iris")!;
    await until("iris gives up", () => !iris.busy, 5000, 5);
    expect(iris.view.state).toBe("idle");
    expect(iris.view.reason).toBe("error: task T-zzzzzz no longer exists");
  });
});

describe("OfflinePlanner.nextAgent", () => {
  it("takes the next agent in roster order that can update tasks, wrapping around", async () => {
    const store = await openStore(":memory:");
    try {
      const planner = new OfflinePlanner(roster, store);
      expect(planner.nextAgent("cleo")?.id).toBe("iris");
      expect(planner.nextAgent("mira")?.id).toBe("otto");
      expect(planner.nextAgent("otto")?.id).toBe("cleo");

      const base = roster.agents[0]!;
      const custom: Roster = {
        agents: [
          { ...base, id: "a", name: "A", tools: ["say", "update_task"] },
          { ...base, id: "b", name: "B", tools: ["say"] },
          { ...base, id: "c", name: "C", tools: ["update_task"] },
        ],
      };
      const p = new OfflinePlanner(custom, store);
      expect(p.nextAgent("a")?.id).toBe("c");
      expect(p.nextAgent("c")?.id).toBe("a");
      const alone = new OfflinePlanner({ agents: [custom.agents[0]!, custom.agents[1]!] }, store);
      expect(alone.nextAgent("a")).toBeNull();
    } finally {
      await store.close();
    }
  });

  it("has slow, visible defaults for real use", () => {
    expect(OFFLINE_DEFAULTS.thinkMs).toBeGreaterThanOrEqual(500);
    expect(OFFLINE_DEFAULTS.maxHops).toBe(2);
  });
});

describe("summarise", () => {
  it("keeps the first sentence", () => {
    expect(summarise("Compare pricing. Then write it up!")).toBe("Compare pricing.");
    expect(summarise("Ready? Go.")).toBe("Ready?");
    expect(summarise("No full stop here")).toBe("No full stop here");
  });

  it("collapses whitespace and trims", () => {
    expect(summarise("   Plan   the\n\tlaunch   party  ")).toBe("Plan the launch party");
  });

  it("trims text longer than 80 characters to its first 77 and an ellipsis", () => {
    const long = "word ".repeat(40).trim();
    const out = summarise(long);
    expect(out.length).toBeLessThanOrEqual(80);
    expect(out.endsWith("…")).toBe(true);
    expect(out).toBe(`${long.slice(0, 77)}…`);
    const exact = "x".repeat(80);
    expect(summarise(exact)).toBe(exact);
    expect(summarise("y".repeat(81))).toBe(`${"y".repeat(77)}…`);
  });
});

// ── the same pipeline through a real server, over the wire ───────────────────────────────────

describe("the offline planner in a real room", () => {
  let server: TestAtrium;
  let atrium: Atrium;
  let colyseus: ColyseusTestServer;
  let room: ClientRoom<unknown, WorkspaceState> | null = null;

  beforeAll(async () => {
    server = await startTestAtrium({ name: "offline-room", options: { offline: { thinkMs: 5, workMs: 5 } } });
    ({ atrium, colyseus } = server);
  });

  afterAll(async () => {
    if (room?.connection.isOpen) await room.leave(true);
    await server.close();
  });

  it("the first arrival starts the demo work; a person approves over the wire and the task is done", async () => {
    const workspace = "offline-room";
    room = await colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { name: "Ada", workspace });
    const questions: QuestionPayload[] = [];
    const closed: QuestionClosedPayload[] = [];
    const handOffs: HandOffPayload[] = [];
    const errors: ErrorPayload[] = [];
    const speech: SpeechPayload[] = [];
    room.onMessage(ServerMessage.Question, (q: QuestionPayload) => questions.push(q));
    room.onMessage(ServerMessage.QuestionClosed, (c: QuestionClosedPayload) => closed.push(c));
    room.onMessage(ServerMessage.HandOff, (h: HandOffPayload) => handOffs.push(h));
    room.onMessage(ServerMessage.Error, (e: ErrorPayload) => errors.push(e));
    room.onMessage(AgentServerMessage.Speech, (s: SpeechPayload) => speech.push(s));
    room.onMessage(ServerMessage.World, () => {});

    await until("the question", () => questions.length === 1, 5000, 5);
    const q = questions[0]!;
    expect(q.agentId).toBe("mira");
    expect(handOffs.map((h) => `${h.from}>${h.to}`)).toEqual(["iris>bram", "bram>mira"]);
    expect(speech.some((s) => s.agentId === "cleo" && s.done)).toBe(true);
    // State arrives with the next patch, after the message.
    await until("mira shown waiting", () => room!.state.agents.get("mira")?.state === "waiting-for-human", 5000, 5);
    expect(room.state.agents.get("mira")?.brain).toBe("offline");

    room.send("answer", { requestId: q.requestId, choice: "Maybe later" });
    await until("the refusal", () => errors.length === 1, 5000, 5);
    expect(errors[0]).toMatchObject({ code: "unknown_question", rejected: "answer" });
    expect(errors[0]!.message).toContain("not one of the options");

    room.send("answer", { requestId: q.requestId, choice: "approve" });
    await until("the question closes", () => closed.length === 1, 5000, 5);
    expect(closed[0]).toEqual({ requestId: q.requestId, choice: "Approve", by: "Ada" });
    const taskId = q.taskId!;
    await until("the task is done", async () => (await atrium.store.work.getTask(taskId))?.status === "done", 5000, 5);
    expect((await atrium.store.work.listArtifacts({ taskId })).length).toBeGreaterThanOrEqual(3);
    await until("every agent idle on the client", () => [...room!.state.agents.values()].every((a) => a.state === "idle"), 5000, 5);
  });
});
