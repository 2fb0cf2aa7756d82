import { describe, expect, it } from "vitest";
import { chartSchema } from "../../../shared/agents";
import { ServerMessage, type HandOffPayload } from "../../../shared/protocol/messages";
import { useToolExecutor, WS } from "./tool-executor-fixtures";

// Refused calls, and the tools that work on tasks: create_task, update_task, hand_off and
// write_artifact. move_to, ask_human, say and escalate are in tool-executor-people.test.ts.

const fx = useToolExecutor();
const { settle } = fx;
const { agent, run, snapshot, toolAudit, lastToolAudit, of, newTask } = fx;

describe("refused calls change nothing, say why, and are audited", () => {
  it("an unknown tool", async () => {
    const before = await snapshot();
    const out = await run("cleo", "fly_to_moon", { title: "x" });
    expect(out.ok).toBe(false);
    expect(out.content).toMatch(/^error: unknown tool "fly_to_moon"; available tools: say, move_to, create_task/);
    expect(await snapshot()).toEqual(before);
    const row = await lastToolAudit();
    expect(row.actor).toBe("cleo");
    expect(row.data).toMatchObject({ tool: "fly_to_moon", allowed: false, ok: false });
    expect(row.data.error).toContain("unknown tool");
  });

  it("a tool not in the agent's allow-list", async () => {
    const before = await snapshot();
    const out = await run("iris", "create_task", { title: "Sneak a task in", assignee: "bram" });
    expect(out.ok).toBe(false);
    expect(out.content).toMatch(/tool "create_task" is not allowed for you; available tools: say, move_to, update_task/);
    expect(await snapshot()).toEqual(before);
    expect(await fx.store.work.listTasks(WS)).toEqual([]);
    await settle();
    expect(fx.brain.events).toEqual([]);
    expect((await lastToolAudit()).data).toMatchObject({ tool: "create_task", allowed: false, ok: false });
    expect((await lastToolAudit()).actor).toBe("iris");
  });

  it("arguments that are not JSON", async () => {
    const before = await snapshot();
    const raw = '{"title": "Half a';
    const out = await run("cleo", "create_task", raw);
    expect(out.ok).toBe(false);
    expect(out.content).toMatch(/arguments for create_task are not valid JSON .*; send one JSON object/);
    expect(await snapshot()).toEqual(before);
    expect((await lastToolAudit()).data).toMatchObject({ tool: "create_task", arguments: raw, allowed: true, ok: false });
  });

  it("arguments that fail the schema or name things that do not exist", async () => {
    const before = await snapshot();
    const empty = await run("cleo", "create_task", { title: "" });
    expect(empty.ok).toBe(false);
    expect(empty.content).toMatch(/^error: invalid arguments for create_task: title/);
    const moon = await run("cleo", "create_task", { title: "Open a branch", district: "moon-base" });
    expect(moon.ok).toBe(false);
    expect(moon.content).toContain('district: unknown district "moon-base"');
    const array = await run("cleo", "create_task", "[1, 2]");
    expect(array.ok).toBe(false);
    expect(array.content).toContain("must be a JSON object");

    expect(await snapshot()).toEqual(before);
    expect(await fx.store.work.listTasks(WS)).toEqual([]);
    expect(fx.broadcasts).toEqual([]);
    expect(agent("cleo").view.state).toBe("idle");
    const rows = (await toolAudit()).slice(0, 3);
    expect(rows.every((r) => r.data.allowed === true && r.data.ok === false)).toBe(true);
  });
});

describe("create_task", () => {
  it("creates the task and delivers it to the agent it is assigned to", async () => {
    const out = await run("cleo", "create_task", { title: "Draft the release plan", description: "A checklist, done when Otto signs off.", assignee: "bram", district: "build-yard" });
    expect(out.ok).toBe(true);
    const [task] = await fx.store.work.listTasks(WS);
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
    expect((await fx.store.work.taskEvents(task!.id)).map((e) => e.kind)).toEqual(["created"]);

    await settle();
    expect(fx.brain.events).toEqual([
      { agentId: "bram", event: { kind: "task", taskId: task!.id, from: { id: "cleo", name: "Cleo", kind: "agent" }, note: "A checklist, done when Otto signs off." } },
    ]);
    expect((await lastToolAudit()).data).toMatchObject({ tool: "create_task", allowed: true, ok: true, arguments: { title: "Draft the release plan", assignee: "bram" } });
  });

  it("puts an unplaced task in the creator's home district, and gives a person's task to nobody's mailbox", async () => {
    const out = await run("otto", "create_task", { title: "Check the error rate", assignee: "Ada" });
    expect(out.ok).toBe(true);
    const [task] = await fx.store.work.listTasks(WS);
    expect(task).toMatchObject({ district: "ops-center", assignee: { kind: "person", id: "Ada" }, description: "" });
    await settle();
    expect(fx.brain.events).toEqual([]);
  });
});

describe("update_task", () => {
  it("refuses an unknown task id and changes nothing", async () => {
    await newTask("iris");
    const before = await snapshot();
    const out = await run("iris", "update_task", { task_id: "T-zzzzzz", status: "doing", notes: "starting" });
    expect(out.ok).toBe(false);
    expect(out.content).toBe('error: unknown task id "T-zzzzzz"');
    expect(await snapshot()).toEqual(before);
    expect(agent("iris").view.taskId).toBe("");
    expect((await lastToolAudit()).data).toMatchObject({ tool: "update_task", allowed: true, ok: false });
  });

  it("records status and notes, and tracks the agent's current task", async () => {
    const task = await newTask("iris");
    expect((await run("iris", "update_task", { task_id: task.id, status: "doing", notes: "on it" })).content).toBe(`task ${task.id} is now doing`);
    expect(agent("iris").view.taskId).toBe(task.id);
    expect((await fx.store.work.getTask(task.id))!.status).toBe("doing");
    expect((await run("iris", "update_task", { task_id: task.id, status: "done" })).ok).toBe(true);
    expect(agent("iris").view.taskId).toBe("");
    expect((await fx.store.work.taskEvents(task.id)).map((e) => e.kind)).toEqual(["created", "status", "notes", "status"]);
  });
});

describe("hand_off", () => {
  it("refuses a hand-off to yourself and changes nothing", async () => {
    const task = await newTask("iris");
    const before = await snapshot();
    const out = await run("iris", "hand_off", { task_id: task.id, to_agent: "iris", note: "to me" });
    expect(out).toEqual({ ok: false, content: "error: you cannot hand a task to yourself" });
    expect(await snapshot()).toEqual(before);
    expect((await fx.store.work.getTask(task.id))!.assignee).toEqual({ kind: "agent", id: "iris" });
    expect(of(ServerMessage.HandOff)).toEqual([]);
    expect((await lastToolAudit()).data).toMatchObject({ tool: "hand_off", allowed: true, ok: false });
  });

  it("refuses a hand-off to an unknown agent and changes nothing", async () => {
    const task = await newTask("iris");
    const before = await snapshot();
    const out = await run("iris", "hand_off", { task_id: task.id, to_agent: "zed", note: "over to you" });
    expect(out.ok).toBe(false);
    expect(out.content).toContain('to_agent: unknown agent "zed"');
    expect(await snapshot()).toEqual(before);
    expect((await fx.store.work.getTask(task.id))!.assignee).toEqual({ kind: "agent", id: "iris" });
    expect(of(ServerMessage.HandOff)).toEqual([]);
    await settle();
    expect(fx.brain.events).toEqual([]);
  });

  it("refuses a hand-off of an unknown task without telling anyone", async () => {
    const out = await run("iris", "hand_off", { task_id: "T-zzzzzz", to_agent: "bram", note: "here" });
    expect(out.ok).toBe(false);
    expect(out.content).toContain('unknown task id "T-zzzzzz"');
    expect(of(ServerMessage.HandOff)).toEqual([]);
    await settle();
    expect(fx.brain.events).toEqual([]);
  });

  it("moves the task to the other agent, records it, tells everyone and delivers it", async () => {
    const task = await newTask("iris");
    await run("iris", "update_task", { task_id: task.id, status: "doing" });
    expect(agent("iris").view.taskId).toBe(task.id);

    const out = await run("iris", "hand_off", { task_id: task.id, to_agent: "bram", note: "Read the brief first." });
    expect(out).toEqual({ ok: true, content: `task ${task.id} handed to Bram` });
    expect((await fx.store.work.getTask(task.id))!.assignee).toEqual({ kind: "agent", id: "bram" });
    const last = (await fx.store.work.taskEvents(task.id)).at(-1)!;
    expect(last).toMatchObject({ kind: "handoff", actor: "iris", data: { from: { kind: "agent", id: "iris" }, to: { kind: "agent", id: "bram" }, note: "Read the brief first." } });
    expect(of<HandOffPayload>(ServerMessage.HandOff)).toEqual([{ taskId: task.id, from: "iris", to: "bram", title: task.title }]);
    expect(agent("iris").view.taskId).toBe("");

    await settle();
    expect(fx.brain.events).toEqual([
      { agentId: "bram", event: { kind: "task", taskId: task.id, from: { id: "iris", name: "Iris", kind: "agent" }, note: "Read the brief first." } },
    ]);
  });
});

describe("write_artifact", () => {
  const chart = { type: "line", series: [{ name: "p99 ms", points: [{ x: 1, y: 4.2 }, { x: 2, y: 3.9 }] }] };

  it("stores a markdown document and a chart for a task", async () => {
    const task = await newTask("otto");
    const md = await run("otto", "write_artifact", { task_id: task.id, title: "Runbook", kind: "markdown", markdown: "# Runbook\n\n1. Check the logs." });
    expect(md.ok).toBe(true);
    expect(md.content).toMatch(new RegExp(`^artifact A-\\w+ "Runbook" written for task ${task.id}$`));
    const ch = await run("otto", "write_artifact", { task_id: task.id, title: "Latency", kind: "chart", chart });
    expect(ch.ok).toBe(true);

    const artifacts = await fx.store.work.listArtifacts({ taskId: task.id });
    expect(artifacts).toHaveLength(2);
    const doc = artifacts.find((a) => a.kind === "markdown")!;
    const plot = artifacts.find((a) => a.kind === "chart")!;
    expect(doc).toMatchObject({ title: "Runbook", body: "# Runbook\n\n1. Check the logs.", createdBy: "otto", workspace: WS });
    expect(plot.title).toBe("Latency");
    expect(chartSchema.parse(JSON.parse(plot.body))).toEqual(chart);
    expect((await fx.store.work.taskEvents(task.id)).filter((e) => e.kind === "artifact")).toHaveLength(2);
  });

  it("stores an artifact with no task on the workspace wall", async () => {
    const out = await run("mira", "write_artifact", { title: "Moodboard", kind: "markdown", markdown: "Warm colours." });
    expect(out.content).toMatch(/^artifact A-\w+ "Moodboard" written$/);
    expect((await fx.store.work.listArtifacts({ workspace: WS })).map((a) => [a.title, a.taskId])).toEqual([["Moodboard", null]]);
  });

  it("refuses a chart without data, or an artifact for an unknown task, and stores nothing", async () => {
    const before = await snapshot();
    const noData = await run("otto", "write_artifact", { title: "Latency", kind: "chart" });
    expect(noData.ok).toBe(false);
    expect(noData.content).toContain('chart: required when kind is "chart"');
    const noTask = await run("otto", "write_artifact", { task_id: "T-zzzzzz", title: "Runbook", kind: "markdown", markdown: "x" });
    expect(noTask.ok).toBe(false);
    expect(noTask.content).toContain('unknown task id "T-zzzzzz"');
    expect(await snapshot()).toEqual(before);
  });
});
