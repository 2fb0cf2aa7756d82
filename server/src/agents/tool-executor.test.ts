import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chartSchema } from "../../../shared/agents";
import { AgentServerMessage, type SpeechPayload } from "../../../shared/protocol/agent-messages";
import { ServerMessage, type HandOffPayload, type QuestionClosedPayload, type QuestionPayload } from "../../../shared/protocol/messages";
import { Person, WorkspaceState } from "../../../shared/state";
import { createLogger } from "../logger";
import { Store } from "../store/store";
import { loadWorld } from "../world/load-world";
import { loadRoster } from "./roster";
import { AgentRuntime, type LiveAgent } from "./runtime";
import { AGENT_ARRIVE_DISTANCE, AGENT_WALK_SPEED } from "./steering";
import type { AgentEvent, Brain, ToolOutcome } from "./types";

const WORLD_FILE = path.resolve(__dirname, "../../../config/world.yaml");
const AGENTS_FILE = path.resolve(__dirname, "../../../config/agents.yaml");
const world = loadWorld(WORLD_FILE);
const roster = loadRoster(AGENTS_FILE, world);
const WS = "tools-test";

/** A brain that only records the events the executor delivers; the executor is what is tested. */
class RecordingBrain implements Brain {
  readonly kind = "llm" as const;
  readonly events: Array<{ agentId: string; event: AgentEvent }> = [];
  async handle(body: { config: { id: string } }, event: AgentEvent): Promise<void> {
    this.events.push({ agentId: body.config.id, event });
  }
}

let dir: string;
let store: Store;
let state: WorkspaceState;
let brain: RecordingBrain;
let runtime: AgentRuntime;
let broadcasts: Array<{ type: string; payload: unknown }>;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-tools-"));
  store = new Store(path.join(dir, "atrium.db"));
  state = new WorkspaceState();
  state.workspace = WS;
  brain = new RecordingBrain();
  broadcasts = [];
  runtime = new AgentRuntime({
    workspace: WS,
    world,
    roster,
    store,
    log: createLogger("silent"),
    state,
    brain,
    broadcast: (type, payload) => broadcasts.push({ type, payload }),
  });
});

afterEach(() => {
  runtime.dispose();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function agent(id: string): LiveAgent {
  const a = runtime.agents.get(id);
  if (!a) throw new Error(`no agent ${id}`);
  return a;
}

const run = (id: string, tool: string, args: unknown) => runtime.tools.run(agent(id), tool, typeof args === "string" ? args : JSON.stringify(args));

function count(table: "tasks" | "task_events" | "artifacts" | "messages" | "audit"): number {
  return store.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
}

/** Row counts of everything a tool may change. */
function snapshot() {
  return { tasks: count("tasks"), events: count("task_events"), artifacts: count("artifacts"), messages: count("messages") };
}

function toolAudit() {
  return store.recentAudit(1000, WS).filter((r) => r.kind === "tool");
}

function lastToolAudit() {
  const row = toolAudit()[0];
  if (!row) throw new Error("no tool audit row");
  return row;
}

const of = <T>(type: string) => broadcasts.filter((b) => b.type === type).map((b) => b.payload as T);

/** Lets delivered events reach the brain (the runtime hands them over on a microtask). */
const settle = () => new Promise<void>((r) => setImmediate(r));

function newTask(assignee: string | null = null, title = "Compare pricing models") {
  return store.work.createTask({
    workspace: WS,
    title,
    description: "Three models, one page.",
    district: "market-hall",
    assignee: assignee ? { kind: "agent", id: assignee } : null,
    createdBy: "cleo",
  });
}

/** Ticks the runtime until the agent stops walking; returns how many ticks it took. */
function walkUntilArrived(a: LiveAgent, dtS = 0.1, max = 5000): number {
  let ticks = 0;
  while (a.walk) {
    runtime.tick(dtS);
    if (++ticks > max) throw new Error(`${a.config.id} never arrived`);
  }
  return ticks;
}

describe("refused calls change nothing, say why, and are audited", () => {
  it("an unknown tool", async () => {
    const before = snapshot();
    const out = await run("cleo", "fly_to_moon", { title: "x" });
    expect(out.ok).toBe(false);
    expect(out.content).toMatch(/^error: unknown tool "fly_to_moon"; available tools: say, move_to, create_task/);
    expect(snapshot()).toEqual(before);
    const row = lastToolAudit();
    expect(row.actor).toBe("cleo");
    expect(row.data).toMatchObject({ tool: "fly_to_moon", allowed: false, ok: false });
    expect(row.data.error).toContain("unknown tool");
  });

  it("a tool not in the agent's allow-list", async () => {
    const before = snapshot();
    const out = await run("iris", "create_task", { title: "Sneak a task in", assignee: "bram" });
    expect(out.ok).toBe(false);
    expect(out.content).toMatch(/tool "create_task" is not allowed for you; available tools: say, move_to, update_task/);
    expect(snapshot()).toEqual(before);
    expect(store.work.listTasks(WS)).toEqual([]);
    await settle();
    expect(brain.events).toEqual([]);
    expect(lastToolAudit().data).toMatchObject({ tool: "create_task", allowed: false, ok: false });
    expect(lastToolAudit().actor).toBe("iris");
  });

  it("arguments that are not JSON", async () => {
    const before = snapshot();
    const raw = '{"title": "Half a';
    const out = await run("cleo", "create_task", raw);
    expect(out.ok).toBe(false);
    expect(out.content).toMatch(/arguments for create_task are not valid JSON .*; send one JSON object/);
    expect(snapshot()).toEqual(before);
    expect(lastToolAudit().data).toMatchObject({ tool: "create_task", arguments: raw, allowed: true, ok: false });
  });

  it("arguments that fail the schema or name things that do not exist", async () => {
    const before = snapshot();
    const empty = await run("cleo", "create_task", { title: "" });
    expect(empty.ok).toBe(false);
    expect(empty.content).toMatch(/^error: invalid arguments for create_task: title/);
    const moon = await run("cleo", "create_task", { title: "Open a branch", district: "moon-base" });
    expect(moon.ok).toBe(false);
    expect(moon.content).toContain('district: unknown district "moon-base"');
    const array = await run("cleo", "create_task", "[1, 2]");
    expect(array.ok).toBe(false);
    expect(array.content).toContain("must be a JSON object");

    expect(snapshot()).toEqual(before);
    expect(store.work.listTasks(WS)).toEqual([]);
    expect(broadcasts).toEqual([]);
    expect(agent("cleo").view.state).toBe("idle");
    const rows = toolAudit().slice(0, 3);
    expect(rows.every((r) => r.data.allowed === true && r.data.ok === false)).toBe(true);
  });
});

describe("create_task", () => {
  it("creates the task and delivers it to the agent it is assigned to", async () => {
    const out = await run("cleo", "create_task", { title: "Draft the release plan", description: "A checklist, done when Otto signs off.", assignee: "bram", district: "build-yard" });
    expect(out.ok).toBe(true);
    const [task] = store.work.listTasks(WS);
    expect(task).toBeDefined();
    expect(out.content).toBe(`task ${task!.id} created and assigned to bram`);
    expect(task).toMatchObject({
      title: "Draft the release plan",
      description: "A checklist, done when Otto signs off.",
      status: "todo",
      assignee: { kind: "agent", id: "bram" },
      district: "build-yard",
      createdBy: "cleo",
    });
    expect(store.work.taskEvents(task!.id).map((e) => e.kind)).toEqual(["created"]);

    await settle();
    expect(brain.events).toEqual([
      { agentId: "bram", event: { kind: "task", taskId: task!.id, from: { id: "cleo", name: "Cleo", kind: "agent" }, note: "A checklist, done when Otto signs off." } },
    ]);
    expect(lastToolAudit().data).toMatchObject({ tool: "create_task", allowed: true, ok: true, arguments: { title: "Draft the release plan", assignee: "bram" } });
  });

  it("puts an unplaced task in the creator's home district, and gives a person's task to nobody's mailbox", async () => {
    const out = await run("otto", "create_task", { title: "Check the error rate", assignee: "Ada" });
    expect(out.ok).toBe(true);
    const [task] = store.work.listTasks(WS);
    expect(task).toMatchObject({ district: "ops-center", assignee: { kind: "person", id: "Ada" }, description: "" });
    await settle();
    expect(brain.events).toEqual([]);
  });
});

describe("update_task", () => {
  it("refuses an unknown task id and changes nothing", async () => {
    newTask("iris");
    const before = snapshot();
    const out = await run("iris", "update_task", { task_id: "T-zzzzzz", status: "doing", notes: "starting" });
    expect(out.ok).toBe(false);
    expect(out.content).toBe('error: unknown task id "T-zzzzzz"');
    expect(snapshot()).toEqual(before);
    expect(agent("iris").view.taskId).toBe("");
    expect(lastToolAudit().data).toMatchObject({ tool: "update_task", allowed: true, ok: false });
  });

  it("records status and notes, and tracks the agent's current task", async () => {
    const task = newTask("iris");
    expect((await run("iris", "update_task", { task_id: task.id, status: "doing", notes: "on it" })).content).toBe(`task ${task.id} is now doing`);
    expect(agent("iris").view.taskId).toBe(task.id);
    expect(store.work.getTask(task.id)!.status).toBe("doing");
    expect((await run("iris", "update_task", { task_id: task.id, status: "done" })).ok).toBe(true);
    expect(agent("iris").view.taskId).toBe("");
    expect(store.work.taskEvents(task.id).map((e) => e.kind)).toEqual(["created", "status", "notes", "status"]);
  });
});

describe("hand_off", () => {
  it("refuses a hand-off to yourself and changes nothing", async () => {
    const task = newTask("iris");
    const before = snapshot();
    const out = await run("iris", "hand_off", { task_id: task.id, to_agent: "iris", note: "to me" });
    expect(out).toEqual({ ok: false, content: "error: you cannot hand a task to yourself" });
    expect(snapshot()).toEqual(before);
    expect(store.work.getTask(task.id)!.assignee).toEqual({ kind: "agent", id: "iris" });
    expect(of(ServerMessage.HandOff)).toEqual([]);
    expect(lastToolAudit().data).toMatchObject({ tool: "hand_off", allowed: true, ok: false });
  });

  it("refuses a hand-off to an unknown agent and changes nothing", async () => {
    const task = newTask("iris");
    const before = snapshot();
    const out = await run("iris", "hand_off", { task_id: task.id, to_agent: "zed", note: "over to you" });
    expect(out.ok).toBe(false);
    expect(out.content).toContain('to_agent: unknown agent "zed"');
    expect(snapshot()).toEqual(before);
    expect(store.work.getTask(task.id)!.assignee).toEqual({ kind: "agent", id: "iris" });
    expect(of(ServerMessage.HandOff)).toEqual([]);
    await settle();
    expect(brain.events).toEqual([]);
  });

  it("refuses a hand-off of an unknown task without telling anyone", async () => {
    const out = await run("iris", "hand_off", { task_id: "T-zzzzzz", to_agent: "bram", note: "here" });
    expect(out.ok).toBe(false);
    expect(out.content).toContain('unknown task id "T-zzzzzz"');
    expect(of(ServerMessage.HandOff)).toEqual([]);
    await settle();
    expect(brain.events).toEqual([]);
  });

  it("moves the task to the other agent, records it, tells everyone and delivers it", async () => {
    const task = newTask("iris");
    await run("iris", "update_task", { task_id: task.id, status: "doing" });
    expect(agent("iris").view.taskId).toBe(task.id);

    const out = await run("iris", "hand_off", { task_id: task.id, to_agent: "bram", note: "Read the brief first." });
    expect(out).toEqual({ ok: true, content: `task ${task.id} handed to Bram` });
    expect(store.work.getTask(task.id)!.assignee).toEqual({ kind: "agent", id: "bram" });
    const last = store.work.taskEvents(task.id).at(-1)!;
    expect(last).toMatchObject({ kind: "handoff", actor: "iris", data: { from: { kind: "agent", id: "iris" }, to: { kind: "agent", id: "bram" }, note: "Read the brief first." } });
    expect(of<HandOffPayload>(ServerMessage.HandOff)).toEqual([{ taskId: task.id, from: "iris", to: "bram", title: task.title }]);
    expect(agent("iris").view.taskId).toBe("");

    await settle();
    expect(brain.events).toEqual([
      { agentId: "bram", event: { kind: "task", taskId: task.id, from: { id: "iris", name: "Iris", kind: "agent" }, note: "Read the brief first." } },
    ]);
  });
});

describe("write_artifact", () => {
  const chart = { type: "line", series: [{ name: "p99 ms", points: [{ x: 1, y: 4.2 }, { x: 2, y: 3.9 }] }] };

  it("stores a markdown document and a chart for a task", async () => {
    const task = newTask("otto");
    const md = await run("otto", "write_artifact", { task_id: task.id, title: "Runbook", kind: "markdown", markdown: "# Runbook\n\n1. Check the logs." });
    expect(md.ok).toBe(true);
    expect(md.content).toMatch(new RegExp(`^artifact A-\\w+ "Runbook" written for task ${task.id}$`));
    const ch = await run("otto", "write_artifact", { task_id: task.id, title: "Latency", kind: "chart", chart });
    expect(ch.ok).toBe(true);

    const artifacts = store.work.listArtifacts({ taskId: task.id });
    expect(artifacts).toHaveLength(2);
    const doc = artifacts.find((a) => a.kind === "markdown")!;
    const plot = artifacts.find((a) => a.kind === "chart")!;
    expect(doc).toMatchObject({ title: "Runbook", body: "# Runbook\n\n1. Check the logs.", createdBy: "otto", workspace: WS });
    expect(plot.title).toBe("Latency");
    expect(chartSchema.parse(JSON.parse(plot.body))).toEqual(chart);
    expect(store.work.taskEvents(task.id).filter((e) => e.kind === "artifact")).toHaveLength(2);
  });

  it("stores an artifact with no task on the workspace wall", async () => {
    const out = await run("mira", "write_artifact", { title: "Moodboard", kind: "markdown", markdown: "Warm colours." });
    expect(out.content).toMatch(/^artifact A-\w+ "Moodboard" written$/);
    expect(store.work.listArtifacts({ workspace: WS }).map((a) => [a.title, a.taskId])).toEqual([["Moodboard", null]]);
  });

  it("refuses a chart without data, or an artifact for an unknown task, and stores nothing", async () => {
    const before = snapshot();
    const noData = await run("otto", "write_artifact", { title: "Latency", kind: "chart" });
    expect(noData.ok).toBe(false);
    expect(noData.content).toContain('chart: required when kind is "chart"');
    const noTask = await run("otto", "write_artifact", { task_id: "T-zzzzzz", title: "Runbook", kind: "markdown", markdown: "x" });
    expect(noTask.ok).toBe(false);
    expect(noTask.content).toContain('unknown task id "T-zzzzzz"');
    expect(snapshot()).toEqual(before);
  });
});

describe("move_to", () => {
  it("walks the agent to a district at walking speed and resolves on arrival", async () => {
    const cleo = agent("cleo");
    const start = { x: cleo.view.x, z: cleo.view.z };
    const yard = world.districts.find((d) => d.id === "build-yard")!;
    let outcome: ToolOutcome | null = null;
    const walking = run("cleo", "move_to", { district: "build-yard" }).then((o) => (outcome = o));
    expect(cleo.view.state).toBe("walking");
    expect(cleo.walk).not.toBeNull();

    runtime.tick(0.1);
    await settle();
    expect(outcome).toBeNull();
    // float32 state fields: compare at that precision.
    expect(Math.hypot(cleo.view.x - start.x, cleo.view.z - start.z)).toBeCloseTo(AGENT_WALK_SPEED * 0.1, 4);

    const target = { x: cleo.walk!.x, z: cleo.walk!.z };
    const ticks = 1 + walkUntilArrived(cleo);
    const dist = Math.hypot(target.x - start.x, target.z - start.z);
    // Ticks match the distance at walking speed: no teleport, no dawdling.
    expect(ticks).toBeGreaterThanOrEqual(Math.floor((dist - AGENT_ARRIVE_DISTANCE) / (AGENT_WALK_SPEED * 0.1)));
    expect(ticks).toBeLessThanOrEqual(Math.ceil(dist / (AGENT_WALK_SPEED * 0.1)) + 1);

    await walking;
    expect(outcome).toEqual({ ok: true, content: "arrived at Build Yard" });
    expect(Math.hypot(cleo.view.x - yard.position[0], cleo.view.z - yard.position[1])).toBeLessThan(yard.radius);
    expect(lastToolAudit().data).toMatchObject({ tool: "move_to", allowed: true, ok: true, arguments: { district: "build-yard" } });
  });

  it("walks over to a person by name, stopping short of them", async () => {
    const ada = new Person();
    ada.id = "s1";
    ada.name = "Ada Lovelace";
    ada.x = 0;
    ada.z = 8;
    state.people.set("s1", ada);
    const otto = agent("otto");
    const walking = run("otto", "move_to", { person: "ada lovelace" });
    walkUntilArrived(otto);
    expect(await walking).toEqual({ ok: true, content: "arrived next to Ada Lovelace" });
    const d = Math.hypot(otto.view.x - ada.x, otto.view.z - ada.z);
    expect(d).toBeGreaterThan(1);
    expect(d).toBeLessThan(2.2);
  });

  it("refuses a person who is not there, without moving", async () => {
    const otto = agent("otto");
    const at = { x: otto.view.x, z: otto.view.z };
    const out = await run("otto", "move_to", { person: "Zed" });
    expect(out).toEqual({ ok: false, content: 'error: nobody called "Zed" is in the workspace' });
    expect(otto.walk).toBeNull();
    expect(otto.view.state).toBe("idle");
    runtime.tick(0.5);
    expect({ x: otto.view.x, z: otto.view.z }).toEqual(at);
    expect(lastToolAudit().data).toMatchObject({ tool: "move_to", allowed: true, ok: false });
  });

  it("a new walk replaces the one in progress, which reports it", async () => {
    const first = run("bram", "move_to", { district: "ops-center" });
    runtime.tick(0.1);
    const second = run("bram", "move_to", { district: "design-studio" });
    const out = await first;
    expect(out.ok).toBe(false);
    expect(out.content).toContain("a new walk replaced this one");
    walkUntilArrived(agent("bram"));
    expect((await second).content).toBe("arrived at Design Studio");
  });
});

describe("ask_human", () => {
  const question = 'Approve "Compare pricing models"?';
  const options = ["Approve", "Needs changes"];

  it("waits for a person, refuses a wrong option, and resolves with the right one (any case)", async () => {
    const task = newTask("mira");
    await run("mira", "update_task", { task_id: task.id, status: "doing" });
    const mira = agent("mira");
    let outcome: ToolOutcome | null = null;
    const asking = run("mira", "ask_human", { question, options }).then((o) => (outcome = o));

    expect(mira.view.state).toBe("waiting-for-human");
    expect(mira.view.reason).toBe(question);
    const asked = of<QuestionPayload>(ServerMessage.Question);
    expect(asked).toHaveLength(1);
    const q = asked[0]!;
    expect(q).toEqual({ requestId: q.requestId, agentId: "mira", agentName: "Mira", question, options, taskId: task.id });
    expect(runtime.tools.openQuestions()).toEqual([q]);
    expect(store.recentAudit(100, WS).some((r) => r.kind === "ask-human" && r.actor === "mira" && r.data.requestId === q.requestId)).toBe(true);

    expect(runtime.tools.answer(q.requestId, "Maybe", "", "Ada")).toBe('"Maybe" is not one of the options: Approve, Needs changes');
    expect(runtime.tools.answer("Q-999-mira", "Approve", "", "Ada")).toMatch(/there is no open question Q-999-mira/);
    await settle();
    expect(outcome).toBeNull();
    expect(runtime.tools.openQuestions()).toEqual([q]);
    expect(of(ServerMessage.QuestionClosed)).toEqual([]);
    expect(store.work.taskEvents(task.id).some((e) => e.kind === "approval")).toBe(false);

    expect(runtime.tools.answer(q.requestId, "aPPROVE", "Ship it", "Ada")).toBeNull();
    await asking;
    expect(outcome).toEqual({ ok: true, content: "Ada answered: Approve (comment: Ship it)" });
    expect(of<QuestionClosedPayload>(ServerMessage.QuestionClosed)).toEqual([{ requestId: q.requestId, choice: "Approve", by: "Ada" }]);
    expect(runtime.tools.openQuestions()).toEqual([]);
    expect(mira.view.state).not.toBe("waiting-for-human");
    const approval = store.work.taskEvents(task.id).filter((e) => e.kind === "approval");
    expect(approval).toHaveLength(1);
    expect(approval[0]).toMatchObject({ actor: "Ada", data: { question, choice: "Approve", comment: "Ship it" } });
    expect(store.recentAudit(100, WS).find((r) => r.kind === "answer")).toMatchObject({ actor: "Ada", data: { requestId: q.requestId, agent: "mira", choice: "Approve" } });
    // Answered once only.
    expect(runtime.tools.answer(q.requestId, "Needs changes", "", "Bob")).toMatch(/no open question/);
  });

  it("adds no approval event when the agent has no task", async () => {
    const before = snapshot();
    const asking = run("otto", "ask_human", { question: "Restart the cache?", options: ["Yes", "No"] });
    const q = of<QuestionPayload>(ServerMessage.Question)[0]!;
    expect(q.taskId).toBeNull();
    expect(runtime.tools.answer(q.requestId, "no", "", "Ada")).toBeNull();
    expect(await asking).toEqual({ ok: true, content: "Ada answered: No" });
    expect(snapshot()).toEqual(before);
  });

  it("refuses bad options before asking anyone", async () => {
    const out = await run("mira", "ask_human", { question: "Which?", options: ["A", "a"] });
    expect(out.ok).toBe(false);
    expect(out.content).toContain('duplicate option "a"');
    expect(of(ServerMessage.Question)).toEqual([]);
    expect(agent("mira").view.state).toBe("idle");
  });

  it("cancelQuestionsOf withdraws that agent's questions only", async () => {
    const mira = run("mira", "ask_human", { question: "Blue or green?", options: ["Blue", "Green"] });
    const otto = run("otto", "ask_human", { question: "Deploy now?", options: ["Yes", "No"] });
    const [qm, qo] = of<QuestionPayload>(ServerMessage.Question);
    runtime.tools.cancelQuestionsOf("mira", "mira was freed");
    expect(await mira).toEqual({ ok: false, content: "error: the question was withdrawn" });
    expect(of<QuestionClosedPayload>(ServerMessage.QuestionClosed)).toEqual([{ requestId: qm!.requestId, choice: null, by: null }]);
    expect(runtime.tools.openQuestions()).toEqual([qo]);
    expect(runtime.tools.answer(qm!.requestId, "Blue", "", "Ada")).toMatch(/no open question/);
    expect(runtime.tools.answer(qo!.requestId, "Yes", "", "Ada")).toBeNull();
    expect((await otto).ok).toBe(true);
  });
});

describe("say and escalate", () => {
  it("say streams the text as speech and stores it as the agent's message", async () => {
    expect(await run("iris", "say", { text: "  The brief is ready.  " })).toEqual({ ok: true, content: "said" });
    const speech = of<SpeechPayload>(AgentServerMessage.Speech);
    expect(speech.map((s) => s.delta).join("")).toBe("The brief is ready.");
    expect(speech.at(-1)!.done).toBe(true);
    expect(store.work.recentMessages(WS).map((m) => [m.fromId, m.text])).toEqual([["iris", "The brief is ready."]]);
  });

  it("escalate records it on the task, audits it and says it out loud", async () => {
    const task = newTask("bram");
    const out = await run("bram", "escalate", { reason: "No access to the deploy key.", task_id: task.id });
    expect(out.ok).toBe(true);
    expect(store.work.taskEvents(task.id).at(-1)).toMatchObject({ kind: "escalated", actor: "bram", data: { reason: "No access to the deploy key." } });
    expect(store.recentAudit(100, WS).find((r) => r.kind === "escalation")).toMatchObject({ actor: "bram", data: { taskId: task.id } });
    expect(store.work.recentMessages(WS).at(-1)!.text).toBe("I need help: No access to the deploy key.");
  });
});
