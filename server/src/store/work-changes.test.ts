import { describe, expect, it, vi } from "vitest";
import { TASK_STATUSES, TASK_TRANSITIONS, transitionRefusal, type TaskStatus } from "../../../shared/agents";
import { StoreInputError, TransitionError, type Store, type WorkChange } from "./store";
import { countRows } from "../testing/db-count";
import { DIALECTS, failInserts, useTestDatabases } from "./store-testing";

/** Task status transitions, combined changes and the change listeners of WorkStore. */

let store: Store;

const count = (table: "task_events") => countRows(store.db, table);

/** A task already in `status` (set directly: the setup, not the thing under test). */
async function taskIn(status: TaskStatus) {
  const t = await store.work.createTask({ workspace: "main", title: `in ${status}`, createdBy: "cleo", district: "research-lab" });
  await store.db.updateTable("tasks").set({ status }).where("id", "=", t.id).execute();
  return (await store.work.getTask(t.id))!;
}

async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe.each(DIALECTS)("on %s", (dialect) => {
  useTestDatabases(dialect, (fresh) => (store = fresh));

  describe("task status transitions", () => {
    it("defines one table where done reopens to todo or doing, anything can be blocked, and review follows work", async () => {
      for (const s of TASK_STATUSES) if (s !== "blocked") expect(TASK_TRANSITIONS[s]).toContain("blocked");
      expect([...TASK_TRANSITIONS.done].sort()).toEqual(["blocked", "doing", "todo"]);
      expect(TASK_TRANSITIONS.todo).not.toContain("review");
      expect(TASK_TRANSITIONS.review).not.toContain("todo");
      expect([...TASK_TRANSITIONS.blocked].sort()).toEqual(["doing", "todo"]);
      expect(transitionRefusal("done", "review")).toBe("a done task cannot move to review; from done it can go to todo, doing or blocked");
      expect(transitionRefusal("done", "done")).toBeNull();
    });

    const pairs = TASK_STATUSES.flatMap((from) => TASK_STATUSES.filter((to) => to !== from).map((to) => [from, to] as const));
    it.each(pairs)("%s → %s: allowed exactly when the table says so, and a refusal changes nothing", async (from, to) => {
      const t = await taskIn(from);
      const events = await store.work.taskEvents(t.id);
      if (TASK_TRANSITIONS[from].includes(to)) {
        const u = await store.work.updateTask(t.id, { status: to }, "iris");
        expect(u.status).toBe(to);
        expect((await store.work.taskEvents(t.id)).at(-1)).toMatchObject({ kind: "status", actor: "iris", data: { from, to } });
      } else {
        const err = await caught(async () => (await store.work.updateTask(t.id, { status: to, notes: "trying" }, "iris")));
        expect(err).toBeInstanceOf(TransitionError);
        expect(err).toBeInstanceOf(StoreInputError);
        expect((err as Error).message).toBe(`task ${t.id}: ${transitionRefusal(from, to)}`);
        expect((await store.work.getTask(t.id))).toEqual(t);
        expect((await store.work.taskEvents(t.id))).toEqual(events);
      }
    });
  });

  describe("changeTask", () => {
    it("writes status, assignee and notes in one go, one event each, and returns them", async () => {
      const t = await taskIn("todo");
      const { task, events } = await store.work.changeTask(t.id, { status: "doing", assignee: { kind: "agent", id: "iris" }, notes: "Over to Iris" }, "Ada");
      expect(task).toMatchObject({ status: "doing", assignee: { kind: "agent", id: "iris" } });
      expect(events.map((e) => [e.kind, e.actor, e.data])).toEqual([
        ["status", "Ada", { from: "todo", to: "doing" }],
        ["assigned", "Ada", { from: null, to: { kind: "agent", id: "iris" } }],
        ["notes", "Ada", { notes: "Over to Iris" }],
      ]);
      expect((await store.work.taskEvents(t.id)).slice(-3)).toEqual(events);
    });

    it("writes nothing for a change that changes nothing (same status, same assignee)", async () => {
      const t = await taskIn("doing");
      await store.work.assignTask(t.id, { kind: "person", id: "Ada" }, "cleo");
      const before = await count("task_events");
      const { task, events } = await store.work.changeTask(t.id, { status: "doing", assignee: { kind: "person", id: "Ada" } }, "Ada");
      expect(events).toEqual([]);
      expect(task.status).toBe("doing");
      expect(await count("task_events")).toBe(before);
    });

    it("checks everything before writing: a bad assignee or empty notes leave a valid status change unwritten", async () => {
      const t = await taskIn("todo");
      const before = { task: (await store.work.getTask(t.id)), events: await count("task_events") };
      expect(await caught(async () => (await store.work.changeTask(t.id, { status: "doing", assignee: { kind: "robot" as never, id: "r2" } }, "Ada")))).toBeInstanceOf(StoreInputError);
      expect(await caught(async () => (await store.work.changeTask(t.id, { status: "doing", notes: "   " }, "Ada")))).toBeInstanceOf(StoreInputError);
      expect(await caught(async () => (await store.work.changeTask(t.id, { status: "review" }, "Ada")))).toBeInstanceOf(TransitionError);
      expect(await caught(async () => (await store.work.changeTask("T-nope00", { status: "doing" }, "Ada")))).toBeInstanceOf(StoreInputError);
      expect({ task: (await store.work.getTask(t.id)), events: await count("task_events") }).toEqual(before);
    });

    it("unassigns with null", async () => {
      const t = await taskIn("todo");
      await store.work.assignTask(t.id, { kind: "agent", id: "iris" }, "cleo");
      expect((await store.work.changeTask(t.id, { assignee: null }, "Ada")).task.assignee).toBeNull();
    });
  });

  describe("change listeners", () => {
    function listen() {
      const changes: WorkChange[] = [];
      const stop = store.work.onChange((c) => changes.push(c));
      return { changes, stop };
    }

    it("hear every committed work change with the rows as a later read returns them", async () => {
      const { changes } = listen();
      const t = await store.work.createTask({ workspace: "main", title: "Brief", createdBy: "cleo", district: "research-lab" });
      await store.work.updateTask(t.id, { status: "doing", notes: "on it" }, "iris");
      await store.work.assignTask(t.id, { kind: "agent", id: "iris" }, "cleo");
      await store.work.handOffTask(t.id, "bram", "yours", "iris");
      await store.work.addTaskEvent(t.id, "bram", "escalated", { reason: "stuck" });
      const a = await store.work.writeArtifact({ workspace: "main", taskId: t.id, title: "Notes", kind: "markdown", body: "# x", createdBy: "bram" });
      const loose = await store.work.writeArtifact({ workspace: "main", title: "Loose", kind: "markdown", body: "# y", createdBy: "mira" });
      await store.audit({ workspace: "main", actor: "p1", kind: "join" });

      expect(changes.map((c) => c.kind)).toEqual(["task", "task", "task", "task", "task", "artifact", "artifact", "audit"]);
      const taskEvents = changes.flatMap((c) => (c.kind === "task" ? c.events : c.kind === "artifact" && c.event ? [c.event] : []));
      expect(taskEvents).toEqual((await store.work.taskEvents(t.id)));
      expect(taskEvents.map((e) => e.kind)).toEqual(["created", "status", "notes", "assigned", "handoff", "escalated", "artifact"]);
      const last = changes[4]!;
      // The task as it was right after that change: bumped by the escalation, handed to Bram.
      expect(last.kind === "task" && last.task).toEqual({ ...(await store.work.getTask(t.id)), updatedAt: taskEvents[5]!.at });
      const art = changes[5]!;
      expect(art).toMatchObject({ kind: "artifact", workspace: "main", artifact: { id: a.id, title: "Notes", taskId: t.id }, task: { id: t.id } });
      expect(art.kind === "artifact" && "body" in art.artifact).toBe(false);
      expect(changes[6]).toMatchObject({ kind: "artifact", artifact: { id: loose.id }, task: null, event: null });
      expect(changes[7]).toMatchObject({ kind: "audit", workspace: "main", audit: { actor: "p1", kind: "join", data: {} } });
      expect(changes[7]!.kind === "audit" && changes[7]!.audit).toEqual((await store.recentAudit(1))[0]);
    });

    it("hear nothing of refused input or of a write that rolled back", async () => {
      const t = await taskIn("done");
      const { changes } = listen();
      await caught(async () => (await store.work.updateTask(t.id, { status: "review" }, "iris")));
      await caught(async () => (await store.work.createTask({ workspace: "main", title: " ", createdBy: "cleo" })));
      const restore = await failInserts(store, "task_events", "disk on fire");
      expect(await caught(async () => (await store.work.createTask({ workspace: "main", title: "y", createdBy: "cleo" })))).toBeInstanceOf(Error);
      expect(await caught(async () => (await store.work.changeTask(t.id, { status: "doing", notes: "n" }, "Ada")))).toBeInstanceOf(Error);
      await restore();
      expect(changes).toEqual([]);
      // ...and the next good write is told alone.
      await store.work.updateTask(t.id, { status: "todo" }, "Ada");
      expect(changes).toHaveLength(1);
    });

    it("a listener that throws fails neither the write nor the other listeners; unsubscribed ones hear nothing", async () => {
      const report = vi.spyOn(console, "error").mockImplementation(() => undefined);
      try {
        const heard: string[] = [];
        store.work.onChange(() => {
          throw new Error("listener broke");
        });
        const { stop } = listen();
        const other = store.work.onChange((c) => heard.push(c.kind));
        const t = await store.work.createTask({ workspace: "main", title: "x", createdBy: "cleo" });
        expect((await store.work.getTask(t.id))).not.toBeNull();
        expect(heard).toEqual(["task"]);
        expect(report).toHaveBeenCalledWith("work listener failed", expect.objectContaining({ message: "listener broke" }));
        stop();
        other();
        await store.work.updateTask(t.id, { status: "doing" }, "iris");
        expect(heard).toEqual(["task"]);
      } finally {
        report.mockRestore();
      }
    });
  });
});
