import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { chartSchema, type ChartData } from "../../../shared/agents";
import { migrations } from "./migrations";
import { StoreInputError, type Store } from "./store";
import { countRows } from "../testing/db-count";
import { DIALECTS, failInserts, useTestDatabases } from "./store-testing";
import type { AtriumDb } from "./schema";

let store: Store;
const count = (table: keyof AtriumDb) => countRows(store.db, table);

/** Runs fn expecting a StoreInputError whose message matches; returns nothing. */
async function refused(fn: () => Promise<unknown>, message: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(StoreInputError);
  expect((caught as Error).message).toMatch(message);
}

const chart: ChartData = { type: "line", series: [{ name: "p99 ms", points: [{ x: "09:00", y: 4.2 }, { x: 2, y: 3.9 }] }] };

describe.each(DIALECTS)("on %s", (dialect) => {
  const dbs = useTestDatabases(dialect, (fresh) => (store = fresh));

  describe("tasks", () => {
    it("creates a task with a short readable id, defaults and a 'created' event", async () => {
      const before = Date.now();
      const t = await store.work.createTask({ workspace: "main", title: "  Compare pricing  ", createdBy: "cleo" });
      expect(t.id).toMatch(/^T-[2-9a-hjkmnp-z]{6}$/);
      expect(t).toMatchObject({ workspace: "main", title: "Compare pricing", description: "", status: "todo", assignee: null, district: null, createdBy: "cleo" });
      expect(t.createdAt).toBe(t.updatedAt);
      expect(Date.parse(t.createdAt)).toBeGreaterThanOrEqual(before - 1000);
      expect((await store.work.getTask(t.id))).toEqual(t);
      const events = await store.work.taskEvents(t.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ taskId: t.id, actor: "cleo", kind: "created", data: { title: "Compare pricing", status: "todo", assignee: null, district: null } });
    });

    it("stores the assignee, district, description and a given status", async () => {
      const t = await store.work.createTask({
        workspace: "main",
        title: "Fix the build",
        description: "Done when CI is green.",
        status: "doing",
        assignee: { kind: "agent", id: "bram" },
        district: "build-yard",
        createdBy: "otto",
      });
      expect((await store.work.getTask(t.id))).toMatchObject({ description: "Done when CI is green.", status: "doing", assignee: { kind: "agent", id: "bram" }, district: "build-yard" });
    });

    it("gives distinct ids", async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 200; i++) ids.add((await store.work.createTask({ workspace: "main", title: `t${i}`, createdBy: "x" })).id);
      expect(ids.size).toBe(200);
    });

    it("returns null for an unknown task and an empty history", async () => {
      expect((await store.work.getTask("T-nope00"))).toBeNull();
      expect((await store.work.taskEvents("T-nope00"))).toEqual([]);
    });

    it("refuses bad input to createTask and writes nothing", async () => {
      await refused(async () => (await store.work.createTask({ workspace: "main", title: "   ", createdBy: "x" })), /title must be a non-empty string/);
      await refused(async () => (await store.work.createTask({ workspace: "", title: "ok", createdBy: "x" })), /workspace/);
      await refused(async () => (await store.work.createTask({ workspace: "main", title: "ok", createdBy: "x", status: "finished" as never })), /invalid task status "finished"; expected one of todo, doing, review, done, blocked/);
      await refused(async () => (await store.work.createTask({ workspace: "main", title: "ok", createdBy: "x", assignee: { kind: "robot" as never, id: "r2" } })), /invalid assignee kind "robot"/);
      expect(await count("tasks")).toBe(0);
      expect(await count("task_events")).toBe(0);
    });

    it("lists a workspace's tasks oldest first, filtered by status, assignee and district", async () => {
      const mk = (title: string, extra: object = {}, workspace = "main") => store.work.createTask({ workspace, title, createdBy: "cleo", ...extra });
      const a = await mk("a", { district: "research-lab", assignee: { kind: "agent", id: "iris" } });
      const b = await mk("b", { status: "doing", assignee: { kind: "person", id: "Ada" } });
      const c = await mk("c", { status: "done", district: "research-lab" });
      await mk("elsewhere", {}, "other");
      expect((await store.work.listTasks("main")).map((t) => t.title)).toEqual(["a", "b", "c"]);
      expect((await store.work.listTasks("other")).map((t) => t.title)).toEqual(["elsewhere"]);
      expect((await store.work.listTasks("nowhere"))).toEqual([]);
      expect((await store.work.listTasks("main", { status: "doing" })).map((t) => t.id)).toEqual([b.id]);
      expect((await store.work.listTasks("main", { status: ["todo", "done"] })).map((t) => t.id)).toEqual([a.id, c.id]);
      expect((await store.work.listTasks("main", { assignee: "Ada" })).map((t) => t.id)).toEqual([b.id]);
      expect((await store.work.listTasks("main", { district: "research-lab" })).map((t) => t.id)).toEqual([a.id, c.id]);
      expect((await store.work.listTasks("main", { district: "research-lab", status: "todo" })).map((t) => t.id)).toEqual([a.id]);
      expect((await store.work.listTasks("main", { limit: 2 })).map((t) => t.id)).toEqual([a.id, b.id]);
      await refused(async () => (await store.work.listTasks("main", { status: "nope" as never })), /invalid task status "nope"/);
      await refused(async () => (await store.work.listTasks("main", { limit: 0 })), /limit must be a positive integer/);
    });

    it("updates status and notes, each as its own event, and bumps updated_at", async () => {
      const t = await store.work.createTask({ workspace: "main", title: "x", createdBy: "cleo" });
      await new Promise((r) => setTimeout(r, 5));
      const u = await store.work.updateTask(t.id, { status: "doing", notes: "Started on the outline" }, "iris");
      expect(u.status).toBe("doing");
      expect(u.updatedAt > t.updatedAt).toBe(true);
      expect(u.createdAt).toBe(t.createdAt);
      await store.work.updateTask(t.id, { notes: "Outline done" }, "iris");
      await store.work.updateTask(t.id, { status: "review" }, "iris");
      // same status again and no notes: nothing to record
      await store.work.updateTask(t.id, { status: "review" }, "iris");
      const events = await store.work.taskEvents(t.id);
      expect(events.map((e) => [e.kind, e.actor, e.data])).toEqual([
        ["created", "cleo", { title: "x", status: "todo", assignee: null, district: null }],
        ["status", "iris", { from: "todo", to: "doing" }],
        ["notes", "iris", { notes: "Started on the outline" }],
        ["notes", "iris", { notes: "Outline done" }],
        ["status", "iris", { from: "doing", to: "review" }],
      ]);
      expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((p, q) => p - q));
    });

    it("refuses an unknown task, an invalid status, empty notes or an empty update, and changes nothing", async () => {
      const t = await store.work.createTask({ workspace: "main", title: "x", createdBy: "cleo" });
      const snapshot = async () => ({ task: await store.work.getTask(t.id), events: await store.work.taskEvents(t.id) });
      const before = await snapshot();
      await refused(async () => (await store.work.updateTask("T-zzzzzz", { status: "done" }, "iris")), /unknown task id "T-zzzzzz"/);
      await refused(async () => (await store.work.updateTask(t.id, { status: "finished" as never, notes: "n" }, "iris")), /invalid task status "finished"/);
      await refused(async () => (await store.work.updateTask(t.id, { status: "done", notes: "  " }, "iris")), /notes must be a non-empty string/);
      await refused(async () => (await store.work.updateTask(t.id, {}, "iris")), /status, notes or both/);
      await refused(async () => (await store.work.updateTask(t.id, { status: "done" }, "")), /actor/);
      expect(await snapshot()).toEqual(before);
    });

    it("assigns and hands off tasks, recording who had it and who has it now", async () => {
      const t = await store.work.createTask({ workspace: "main", title: "x", createdBy: "cleo" });
      expect((await store.work.assignTask(t.id, { kind: "agent", id: "iris" }, "cleo")).assignee).toEqual({ kind: "agent", id: "iris" });
      const h = await store.work.handOffTask(t.id, "bram", "  Brief is in A-abc; build the parser first.  ", "iris");
      expect(h.assignee).toEqual({ kind: "agent", id: "bram" });
      expect((await store.work.assignTask(t.id, { kind: "person", id: "Ada" }, "bram", "needs a human eye")).assignee).toEqual({ kind: "person", id: "Ada" });
      expect((await store.work.assignTask(t.id, null, "Ada")).assignee).toBeNull();
      expect((await store.work.taskEvents(t.id)).slice(1).map((e) => [e.kind, e.actor, e.data])).toEqual([
        ["assigned", "cleo", { from: null, to: { kind: "agent", id: "iris" } }],
        ["handoff", "iris", { from: { kind: "agent", id: "iris" }, to: { kind: "agent", id: "bram" }, note: "Brief is in A-abc; build the parser first." }],
        ["assigned", "bram", { from: { kind: "agent", id: "bram" }, to: { kind: "person", id: "Ada" }, note: "needs a human eye" }],
        ["assigned", "Ada", { from: { kind: "person", id: "Ada" }, to: null }],
      ]);
      const events = await count("task_events");
      await refused(async () => (await store.work.handOffTask("T-nope00", "bram", "", "iris")), /unknown task id/);
      await refused(async () => (await store.work.handOffTask(t.id, " ", "", "iris")), /assignee id must be a non-empty string/);
      expect(await count("task_events")).toBe(events);
    });

    it("adds free-form events (escalated, approval) with their data, and refuses an unknown task", async () => {
      const t = await store.work.createTask({ workspace: "main", title: "x", createdBy: "cleo" });
      const e = await store.work.addTaskEvent(t.id, "otto", "escalated", { reason: "prod is down", nested: { n: [1, 2] } });
      expect(e).toMatchObject({ taskId: t.id, actor: "otto", kind: "escalated", data: { reason: "prod is down", nested: { n: [1, 2] } } });
      expect((await store.work.taskEvents(t.id)).at(-1)).toEqual(e);
      expect((await store.work.getTask(t.id))!.updatedAt).toBe(e.at);
      await refused(async () => (await store.work.addTaskEvent("T-nope00", "otto", "escalated")), /unknown task id "T-nope00"/);
      await refused(async () => (await store.work.addTaskEvent(t.id, "otto", "")), /kind/);
      expect((await store.work.taskEvents(t.id))).toHaveLength(2);
    });

    it("rolls a multi-row change back when its second write fails", async () => {
      const t = await store.work.createTask({ workspace: "main", title: "x", createdBy: "cleo" });
      const restore = await failInserts(store, "task_events", "disk on fire");
      await expect(store.work.handOffTask(t.id, "bram", "over to you", "iris")).rejects.toThrow(/disk on fire/);
      await expect(store.work.updateTask(t.id, { status: "done" }, "iris")).rejects.toThrow(/disk on fire/);
      await expect(store.work.createTask({ workspace: "main", title: "y", createdBy: "cleo" })).rejects.toThrow(/disk on fire/);
      await restore();
      expect((await store.work.getTask(t.id))).toMatchObject({ assignee: null, status: "todo", updatedAt: t.updatedAt });
      expect(await count("tasks")).toBe(1);
    });

    it("is backed by constraints in the database too", async () => {
      const insert = (status: string, kind: string | null, who: string | null) =>
        store.db
          .insertInto("tasks")
          .values({ id: "T-x", workspace: "main", title: "t", status, assignee_kind: kind, assignee: who, created_by: "x", created_at: "now", updated_at: "now" })
          .execute();
      const check = /CHECK constraint failed|violates check constraint/;
      await expect(insert("finished", null, null)).rejects.toThrow(check);
      await expect(insert("todo", "robot", "r2")).rejects.toThrow(check);
      await expect(insert("todo", "agent", null)).rejects.toThrow(check);
      await expect(store.db.insertInto("task_events").values({ task_id: "T-none", at: "now", actor: "x", kind: "k" }).execute()).rejects.toThrow(/FOREIGN KEY|violates foreign key constraint/);
    });
  });

  describe("artifacts", () => {
    it("writes markdown and chart artifacts, attached to a task or not, listed newest first", async () => {
      const t = await store.work.createTask({ workspace: "main", title: "Research", createdBy: "cleo" });
      const doc = await store.work.writeArtifact({ workspace: "main", taskId: t.id, title: "Brief", kind: "markdown", body: "# Findings\n\nIt works.", createdBy: "iris" });
      expect(doc.id).toMatch(/^A-[2-9a-z]{6}$/);
      expect(doc).toMatchObject({ workspace: "main", taskId: t.id, title: "Brief", kind: "markdown", body: "# Findings\n\nIt works.", createdBy: "iris" });
      const plot = await store.work.writeArtifact({ workspace: "main", title: "Latency", kind: "chart", body: chart, createdBy: "otto" });
      expect(plot.taskId).toBeNull();
      expect(chartSchema.parse(JSON.parse(plot.body))).toEqual(chart);
      await store.work.writeArtifact({ workspace: "other", title: "Elsewhere", kind: "markdown", body: "x", createdBy: "otto" });

      expect((await store.work.listArtifacts({ workspace: "main" }))).toEqual([plot, doc]);
      expect((await store.work.listArtifacts({ workspace: "main" }, 1))).toEqual([plot]);
      expect((await store.work.listArtifacts({ taskId: t.id }))).toEqual([doc]);
      expect((await store.work.listArtifacts({ taskId: "T-nope00" }))).toEqual([]);
      expect((await store.work.taskEvents(t.id)).at(-1)).toMatchObject({ kind: "artifact", actor: "iris", data: { artifactId: doc.id, title: "Brief", kind: "markdown" } });
    });

    it("refuses an unknown task, a task of another workspace, a bad chart or kind, and writes nothing", async () => {
      const t = await store.work.createTask({ workspace: "other", title: "x", createdBy: "cleo" });
      await refused(async () => (await store.work.writeArtifact({ workspace: "main", taskId: "T-nope00", title: "B", kind: "markdown", body: "x", createdBy: "iris" })), /unknown task id "T-nope00"/);
      await refused(async () => (await store.work.writeArtifact({ workspace: "main", taskId: t.id, title: "B", kind: "markdown", body: "x", createdBy: "iris" })), /belongs to workspace "other", not "main"/);
      await refused(async () => (await store.work.writeArtifact({ workspace: "main", title: "C", kind: "chart", body: { type: "pie", series: [] } as never, createdBy: "otto" })), /invalid chart: type: .*; series: /);
      await refused(async () => (await store.work.writeArtifact({ workspace: "main", title: "C", kind: "pdf" as never, body: "x", createdBy: "otto" })), /invalid artifact kind "pdf"/);
      await refused(async () => (await store.work.writeArtifact({ workspace: "main", title: "", kind: "markdown", body: "x", createdBy: "otto" })), /title/);
      await refused(async () => (await store.work.writeArtifact({ workspace: "main", title: "B", kind: "markdown", body: "", createdBy: "otto" })), /body/);
      expect(await count("artifacts")).toBe(0);
      expect((await store.work.taskEvents(t.id))).toHaveLength(1);
    });
  });

  describe("messages", () => {
    it("keeps who said what to whom, returning the latest in the order they were said", async () => {
      const m1 = await store.messages.addMessage({ workspace: "main", fromId: "p1", fromKind: "person", toId: "iris", text: "Can you look at pricing?" });
      expect(m1).toMatchObject({ workspace: "main", fromId: "p1", fromKind: "person", toId: "iris", text: "Can you look at pricing?" });
      expect(m1.id).toBeGreaterThan(0);
      await store.messages.addMessage({ workspace: "main", fromId: "iris", fromKind: "agent", toId: "p1", text: "On it." });
      await store.messages.addMessage({ workspace: "main", fromId: "bram", fromKind: "agent", text: "Build is green." });
      await store.messages.addMessage({ workspace: "main", fromId: "system", fromKind: "system", toId: null, text: "Otto joined." });
      await store.messages.addMessage({ workspace: "other", fromId: "iris", fromKind: "agent", text: "Elsewhere." });

      expect((await store.messages.recentMessages("main")).map((m) => m.text)).toEqual(["Can you look at pricing?", "On it.", "Build is green.", "Otto joined."]);
      expect((await store.messages.recentMessages("main", 2)).map((m) => m.text)).toEqual(["Build is green.", "Otto joined."]);
      expect((await store.messages.recentMessages("main", 10, "iris")).map((m) => m.text)).toEqual(["Can you look at pricing?", "On it."]);
      expect((await store.messages.recentMessages("main", 1, "iris")).map((m) => m.text)).toEqual(["On it."]);
      expect((await store.messages.recentMessages("main", 10, "bram"))[0]).toMatchObject({ toId: null, fromKind: "agent" });
      expect((await store.messages.recentMessages("nowhere"))).toEqual([]);
    });

    it("refuses an empty text or an unknown sender kind", async () => {
      await refused(async () => (await store.messages.addMessage({ workspace: "main", fromId: "p1", fromKind: "person", text: "  " })), /text must not be empty/);
      await refused(async () => (await store.messages.addMessage({ workspace: "main", fromId: "p1", fromKind: "robot" as never, text: "hi" })), /invalid fromKind "robot"/);
      expect(await count("messages")).toBe(0);
    });
  });

  describe("LLM calls", () => {
    const call = (agentId: string, costUsd: number, workspace = "main") => ({
      workspace,
      agentId,
      model: "gpt-test",
      request: { messages: [{ role: "system", content: "You are Iris." }, { role: "user", content: "hi" }], tools: [] },
      response: { content: "Hello", toolCalls: [] },
      promptTokens: 120,
      completionTokens: 8,
      costUsd,
      latencyMs: 812.5,
      ttftMs: 140,
      outcome: "ok",
    });

    it("records the exact request and response and lists calls newest first", async () => {
      const id1 = await store.llm.recordLlmCall(call("iris", 0.0012));
      const id2 = await store.llm.recordLlmCall({ workspace: "main", agentId: "bram", model: "gpt-test", request: { messages: [] }, outcome: "error", error: "HTTP 429: rate limited" });
      expect(id2).toBeGreaterThan(id1);
      const [latest, first] = await store.llm.llmCalls();
      expect(latest).toMatchObject({ id: id2, agentId: "bram", response: null, promptTokens: 0, completionTokens: 0, costUsd: 0, latencyMs: null, ttftMs: null, outcome: "error", error: "HTTP 429: rate limited" });
      expect(first).toMatchObject({ id: id1, workspace: "main", agentId: "iris", model: "gpt-test", promptTokens: 120, completionTokens: 8, costUsd: 0.0012, latencyMs: 812.5, ttftMs: 140, outcome: "ok", error: null });
      expect(first!.request).toEqual(call("iris", 0).request);
      expect(first!.response).toEqual({ content: "Hello", toolCalls: [] });
      expect(first!.at).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect((await store.llm.llmCalls(1)).map((c) => c.id)).toEqual([id2]);
      await store.llm.recordLlmCall(call("iris", 0, "other"));
      expect((await store.llm.llmCalls(100, "main"))).toHaveLength(2);
    });

    it("sums spend per agent within a workspace", async () => {
      await store.llm.recordLlmCall(call("iris", 0.25));
      await store.llm.recordLlmCall(call("iris", 0.5));
      await store.llm.recordLlmCall(call("bram", 0.125));
      await store.llm.recordLlmCall(call("iris", 9, "other"));
      expect((await store.llm.spendByAgent("main"))).toEqual(new Map([["bram", 0.125], ["iris", 0.75]]));
      expect((await store.llm.spendByAgent("other"))).toEqual(new Map([["iris", 9]]));
      expect((await store.llm.spendByAgent("nowhere")).size).toBe(0);
    });

    it("refuses negative or non-finite numbers and a missing outcome", async () => {
      await refused(async () => (await store.llm.recordLlmCall(call("iris", -1))), /costUsd must be a finite, non-negative number, got -1/);
      await refused(async () => (await store.llm.recordLlmCall({ ...call("iris", 0), promptTokens: Number.NaN })), /promptTokens/);
      await refused(async () => (await store.llm.recordLlmCall({ ...call("iris", 0), outcome: "" })), /outcome/);
      expect(await count("llm_calls")).toBe(0);
    });
  });

  describe("persistence", () => {
    it("keeps tasks, events, artifacts, messages and LLM calls across a reopen", async () => {
      const file = await dbs.target();
      const first = await dbs.openStore(file);
      const t = await first.work.createTask({ workspace: "main", title: "Survive", createdBy: "cleo", assignee: { kind: "agent", id: "iris" } });
      await first.work.updateTask(t.id, { status: "doing", notes: "n" }, "iris");
      const a = await first.work.writeArtifact({ workspace: "main", taskId: t.id, title: "Chart", kind: "chart", body: chart, createdBy: "iris" });
      await first.messages.addMessage({ workspace: "main", fromId: "iris", fromKind: "agent", text: "Saved." });
      await first.llm.recordLlmCall({ workspace: "main", agentId: "iris", model: "m", request: { messages: [] }, costUsd: 0.3, outcome: "ok" });
      const events = await first.work.taskEvents(t.id);
      await first.close();

      const second = await dbs.openStore(file);
      expect((await second.work.getTask(t.id))).toMatchObject({ title: "Survive", status: "doing", assignee: { kind: "agent", id: "iris" } });
      expect((await second.work.taskEvents(t.id))).toEqual(events);
      expect((await second.work.listArtifacts({ taskId: t.id }))).toEqual([a]);
      expect((await second.messages.recentMessages("main")).map((m) => m.text)).toEqual(["Saved."]);
      expect((await second.llm.spendByAgent("main"))).toEqual(new Map([["iris", 0.3]]));
    });

  });
});

describe("on sqlite only", () => {
  const dbs = useTestDatabases("sqlite", (fresh) => (store = fresh));

  it("upgrades a version-1 database, keeping its audit rows", async () => {
    const file = await dbs.target();
    const raw = new Database(file);
    raw.exec(migrations[0]!);
    raw.pragma("user_version = 1");
    raw.prepare("INSERT INTO audit (at, workspace, actor, kind, data) VALUES ('2024-01-01T00:00:00.000Z', 'main', 'p1', 'join', '{}')").run();
    raw.close();

    const upgraded = await dbs.openStore(file);
    expect(upgraded.schemaVersion).toBe(migrations.length);
    expect(migrations.length).toBeGreaterThanOrEqual(2);
    expect((await upgraded.recentAudit())).toEqual([{ id: 1, at: "2024-01-01T00:00:00.000Z", workspace: "main", actor: "p1", kind: "join", data: {} }]);
    const tables = upgraded.sqlite!.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(["artifacts", "audit", "llm_calls", "messages", "task_events", "tasks"]));
    const t = await upgraded.work.createTask({ workspace: "main", title: "after upgrade", createdBy: "x" });
    expect((await upgraded.work.getTask(t.id))?.title).toBe("after upgrade");
  });

  it("uses indexes for the common lookups", async () => {
    const plan = (sql: string) => (store.sqlite!.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join(" | ");
    expect(plan("SELECT * FROM task_events WHERE task_id = 'T-1' ORDER BY id")).toMatch(/USING INDEX task_events_task/);
    expect(plan("SELECT * FROM artifacts WHERE task_id = 'T-1'")).toMatch(/USING INDEX artifacts_task/);
    expect(plan("SELECT * FROM messages WHERE workspace = 'main' ORDER BY at DESC")).toMatch(/USING INDEX messages_workspace_at/);
    expect(plan("SELECT agent_id, SUM(cost_usd) FROM llm_calls WHERE workspace = 'main' GROUP BY agent_id")).toMatch(/USING INDEX llm_calls_workspace_agent/);
    expect(plan("SELECT * FROM tasks WHERE workspace = 'main' AND status = 'todo'")).toMatch(/USING INDEX tasks_workspace_/);
  });
});
