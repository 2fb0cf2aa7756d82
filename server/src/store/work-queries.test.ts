import { describe, expect, it } from "vitest";
import type { TaskStatus } from "../../../shared/agents";
import type { Store } from "./store";
import { WALL_PAGE } from "./work-queries";
import { DIALECTS, useTestDatabases } from "./store-testing";

/** The read-only views the room mirror, the feed and the REST API are built on. */

let store: Store;

/** Stored times are milliseconds: space writes out so "newest" is well defined. */
const tick = () => new Promise((r) => setTimeout(r, 3));

async function mk(title: string, district: string, status: TaskStatus = "todo", workspace = "main") {
  const t = await store.work.createTask({ workspace, title, createdBy: "cleo", district });
  if (status !== "todo") {
    if (status === "review" || status === "done") await store.work.updateTask(t.id, { status: "doing" }, "iris");
    await store.work.updateTask(t.id, { status }, "iris");
  }
  return (await store.work.getTask(t.id))!;
}

describe.each(DIALECTS)("on %s", (dialect) => {
  useTestDatabases(dialect, (fresh) => (store = fresh));

  describe("boards", () => {
    it("hold every open task and only the newest done ones of each district", async () => {
      const open = [await mk("a", "research-lab"), await mk("b", "research-lab", "doing"), await mk("c", "build-yard", "blocked"), await mk("d", "build-yard", "review")];
      const doneLab: string[] = [];
      for (let i = 0; i < 4; i++) {
        doneLab.push((await mk(`lab done ${i}`, "research-lab", "done")).id);
        await tick();
      }
      const doneYard = [(await mk("yard done", "build-yard", "done")).id];
      await mk("elsewhere", "research-lab", "todo", "other");

      const board = await store.queries.boardTasks("main", 2);
      expect(board.filter((t) => t.status !== "done").map((t) => t.id)).toEqual(open.map((t) => t.id));
      expect(board.filter((t) => t.status === "done").map((t) => t.id).sort()).toEqual([...doneLab.slice(-2), ...doneYard].sort());
      expect((await store.queries.doneTasks("main", "research-lab", 3)).map((t) => t.id)).toEqual(doneLab.slice(-3).reverse());
    });

    it("flag a task escalated until its status changes, and count its artifacts", async () => {
      const t = await mk("x", "ops-center", "doing");
      expect((await store.queries.boardTask(t.id))).toMatchObject({ escalated: false, artifacts: 0 });
      await store.work.addTaskEvent(t.id, "otto", "escalated", { reason: "prod is down" });
      await store.work.updateTask(t.id, { notes: "looking" }, "otto");
      await store.work.writeArtifact({ workspace: "main", taskId: t.id, title: "log", kind: "markdown", body: "x", createdBy: "otto" });
      await store.work.writeArtifact({ workspace: "main", taskId: t.id, title: "log 2", kind: "markdown", body: "y", createdBy: "otto" });
      expect((await store.queries.boardTask(t.id))).toMatchObject({ escalated: true, artifacts: 2 });
      await store.work.updateTask(t.id, { status: "blocked" }, "Ada");
      expect((await store.queries.boardTask(t.id))).toMatchObject({ escalated: false, artifacts: 2 });
      expect((await store.queries.boardTask("T-nope00"))).toBeNull();
    });
  });

  describe("walls", () => {
    it("keep the newest artifacts per wall, by the wall function, and read no bodies", async () => {
      const lab = await mk("lab task", "research-lab");
      const ids: Record<string, string[]> = { "research-lab": [], "build-yard": [] };
      for (let i = 0; i < 3; i++) {
        ids["research-lab"]!.push((await store.work.writeArtifact({ workspace: "main", taskId: lab.id, title: `lab ${i}`, kind: "markdown", body: "b", createdBy: "iris" })).id);
        await tick();
        ids["build-yard"]!.push((await store.work.writeArtifact({ workspace: "main", title: `loose ${i}`, kind: "markdown", body: "b", createdBy: "bram" })).id);
        await tick();
      }
      const seen: Array<[string, string | null]> = [];
      const wall = await store.queries.wallArtifacts("main", ["research-lab", "build-yard"], 2, (a, taskDistrict) => {
        seen.push([a.id, taskDistrict]);
        return taskDistrict ?? "build-yard";
      });
      expect(wall.map((a) => a.id)).toEqual([ids["build-yard"]![2], ids["research-lab"]![2], ids["build-yard"]![1], ids["research-lab"]![1]]);
      expect(wall.every((a) => !("body" in a))).toBe(true);
      expect(seen).toHaveLength(4); // stopped once both walls were full
      expect(seen.find(([id]) => id === ids["research-lab"]![2])?.[1]).toBe("research-lab");
    });
  });

  describe("walls over many artifacts", () => {
    it("read on past the first page until every wall is full, newest first", async () => {
      // Set up directly (not the thing under test): the one artifact of the quiet wall is the oldest of all.
      const rows = Array.from({ length: WALL_PAGE + 50 }, (_, i) => ({
        id: `A-${String(i).padStart(6, "0")}`,
        workspace: "main",
        task_id: null,
        title: i === 0 ? "quiet" : `busy ${i}`,
        kind: "markdown",
        body: "b",
        created_by: "iris",
        created_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
      }));
      await store.db.insertInto("artifacts").values(rows).execute();
      let seen = 0;
      const wall = await store.queries.wallArtifacts("main", ["busy", "quiet"], 2, (a) => {
        seen++;
        return a.title === "quiet" ? "quiet" : "busy";
      });
      expect(wall.map((a) => a.title)).toEqual([`busy ${WALL_PAGE + 49}`, `busy ${WALL_PAGE + 48}`, "quiet"]);
      expect(seen).toBe(WALL_PAGE + 50);
    });
  });

  describe("the feed's sources", () => {
    it("are feed-worthy task events (not notes), artifacts of no task, and audit rows about no task", async () => {
      const t = await mk("x", "research-lab", "doing");
      await store.work.updateTask(t.id, { notes: "not in the feed" }, "iris");
      await store.work.writeArtifact({ workspace: "main", taskId: t.id, title: "on task", kind: "markdown", body: "b", createdBy: "iris" });
      const loose = await store.work.writeArtifact({ workspace: "main", title: "loose", kind: "markdown", body: "b", createdBy: "bram" });
      await store.audit({ workspace: "main", actor: "iris", kind: "ask-human", data: { question: "Free?", taskId: null } });
      await store.audit({ workspace: "main", actor: "iris", kind: "ask-human", data: { question: "On task?", taskId: t.id } });
      await store.audit({ workspace: "main", actor: "iris", kind: "ask-human", data: { question: "Old row without the field" } });
      await store.audit({ workspace: "main", actor: "iris", kind: "tool", data: { taskId: null } });
      await store.audit({ workspace: "other", actor: "iris", kind: "escalation", data: { reason: "elsewhere", taskId: null } });

      const src = await store.queries.feedSources("main", 50);
      expect(src.events.map((e) => e.kind)).toEqual(["artifact", "status", "created"]);
      expect([...src.tasks.keys()]).toEqual([t.id]);
      expect(src.artifacts.map((a) => a.id)).toEqual([loose.id]);
      expect(src.audit.map((r) => r.data.question)).toEqual(["Free?"]);
      expect((await store.queries.feedSources("main", 1)).events).toHaveLength(1);
    });
  });

  describe("resumable tasks", () => {
    it("are agents' todo and doing tasks, and review tasks handed to them since their last status change", async () => {
      const todo = await mk("todo", "research-lab");
      await store.work.assignTask(todo.id, { kind: "agent", id: "iris" }, "cleo");
      const doing = await mk("doing", "research-lab", "doing");
      await store.work.assignTask(doing.id, { kind: "agent", id: "bram" }, "cleo");
      const handed = await mk("handed in review", "research-lab", "review");
      await store.work.handOffTask(handed.id, "mira", "yours", "iris");
      const waiting = await mk("waiting in review", "research-lab");
      await store.work.assignTask(waiting.id, { kind: "agent", id: "otto" }, "cleo");
      await store.work.updateTask(waiting.id, { status: "doing" }, "otto");
      await store.work.updateTask(waiting.id, { status: "review" }, "otto");
      const person = await mk("person's", "research-lab");
      await store.work.assignTask(person.id, { kind: "person", id: "Ada" }, "cleo");
      const done = await mk("done", "research-lab", "done");
      await store.work.assignTask(done.id, { kind: "agent", id: "iris" }, "cleo");
      await mk("unassigned", "research-lab");

      expect((await store.queries.resumableTasks("main")).map((t) => t.title).sort()).toEqual(["doing", "handed in review", "todo"]);
      expect((await store.queries.resumableTasks("other"))).toEqual([]);
    });
  });

  describe("audit pages and the export", () => {
    it("pages the audit trail from a time, oldest first, or gives the newest rows", async () => {
      for (let i = 0; i < 5; i++) {
        await store.audit({ workspace: "main", actor: `p${i}`, kind: "join" });
        await tick();
      }
      await store.audit({ workspace: "other", actor: "x", kind: "join" });
      const all = await store.queries.audit("main", null, 100);
      expect(all.map((r) => r.actor)).toEqual(["p0", "p1", "p2", "p3", "p4"]);
      expect((await store.queries.audit("main", null, 2)).map((r) => r.actor)).toEqual(["p3", "p4"]);
      expect((await store.queries.audit("main", all[2]!.at, 100)).map((r) => r.actor)).toEqual(["p2", "p3", "p4"]);
      expect((await store.queries.audit("main", all[1]!.at, 2)).map((r) => r.actor)).toEqual(["p1", "p2"]);
    });

    it("exports one workspace whole: tasks with events, artifacts with bodies, messages, audit and LLM calls", async () => {
      const t = await mk("x", "research-lab", "doing");
      const a = await store.work.writeArtifact({ workspace: "main", taskId: t.id, title: "doc", kind: "markdown", body: "# full body", createdBy: "iris" });
      await store.messages.addMessage({ workspace: "main", fromId: "iris", fromKind: "agent", text: "hi" });
      await store.audit({ workspace: "main", actor: "p1", kind: "join" });
      await store.llm.recordLlmCall({ workspace: "main", agentId: "iris", model: "m", request: { messages: [] }, outcome: "ok" });
      await mk("not mine", "research-lab", "todo", "other");
      await store.messages.addMessage({ workspace: "other", fromId: "iris", fromKind: "agent", text: "elsewhere" });

      const x = await store.queries.exportWorkspace("main");
      expect(x.workspace).toBe("main");
      expect(x.tasks).toEqual([{ ...(await store.work.getTask(t.id)), events: (await store.work.taskEvents(t.id)) }]);
      expect(x.artifacts).toEqual([a]);
      expect(x.messages.map((m) => m.text)).toEqual(["hi"]);
      expect(x.audit.map((r) => r.kind)).toEqual(["join"]);
      expect(x.llmCalls.map((c) => c.agentId)).toEqual(["iris"]);
    });
  });
});
