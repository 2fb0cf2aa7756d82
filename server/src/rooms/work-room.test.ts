import { describe, expect, it } from "vitest";
import { TASK_STATUSES, TASK_TRANSITIONS, transitionRefusal, type TaskStatus } from "../../../shared/agents";
import { until } from "../testing/harness";
import { sleep, useWorkspaceRoomServer, type Joined } from "./workspace-room-fixtures";

// People's task messages over the wire: task-create and task-update, every status transition,
// assignment to agents and people, and every refusal (to the sender only, nothing changed).

const server = useWorkspaceRoomServer("work-room");

/**
 * A fresh workspace with one open, unassigned task already on a board, so the offline
 * planner's "first arrival gets a starter task" stays quiet and only the test's work happens.
 */
async function quietWorkspace(): Promise<{ workspace: string; seed: string }> {
  const workspace = server.freshWorkspace();
  const seed = await server.atrium.store.work.createTask({ workspace, title: "Seed", createdBy: "test", district: "research-lab" });
  return { workspace, seed: seed.id };
}

/** A task already in `status` (written directly: the setup, not the thing under test). */
async function taskIn(workspace: string, status: TaskStatus, title = `in ${status}`) {
  const store = server.atrium.store;
  const t = await store.work.createTask({ workspace, title, createdBy: "test", district: "build-yard" });
  await store.db.updateTable("tasks").set({ status }).where("id", "=", t.id).execute();
  return (await store.work.getTask(t.id))!;
}

/** What the database and a client's state hold of the work right now. */
async function snapshot(j: Joined, workspace: string) {
  const store = server.atrium.store;
  return {
    tasks: await store.work.listTasks(workspace),
    events: Number(
      (await store.db.selectFrom("task_events as e").innerJoin("tasks as t", "t.id", "e.task_id").select((eb) => eb.fn.countAll().as("n")).where("t.workspace", "=", workspace).executeTakeFirstOrThrow()).n,
    ),
    cards: [...j.room.state.tasks.values()].map((c) => ({ id: c.id, status: c.status, assignee: c.assignee })),
  };
}

/** Sends `type` and waits for the error it must bring; checks the other client heard none. */
async function refused(sender: Joined, other: Joined, type: string, payload: unknown) {
  const before = sender.errors.length;
  sender.room.send(type, payload);
  const error = await until(`an error for ${type}`, () => sender.errors[before], 3000);
  await sleep(60); // a patch interval: anything that changed would have arrived
  expect(other.errors).toEqual([]);
  expect(error.rejected).toBe(type);
  return error;
}

describe("task-create", () => {
  it("puts a person's task on the board: store, every client's state, the feed and the audit", async () => {
    const { workspace } = await quietWorkspace();
    const ada = await server.join({ workspace, name: "Ada" });
    const bob = await server.join({ workspace, name: "Bob" });
    ada.room.send("task-create", { title: "  Plan the offsite  ", description: "Two days, twelve people.", district: "design-studio" });

    const card = await until("Bob to see the card", () => [...bob.room.state.tasks.values()].find((c) => c.title === "Plan the offsite"), 3000);
    expect(card).toMatchObject({ status: "todo", district: "design-studio", assigneeKind: "", assignee: "", escalated: false, artifacts: 0 });
    const task = (await server.atrium.store.work.getTask(card.id))!;
    expect(task).toMatchObject({ workspace, title: "Plan the offsite", description: "Two days, twelve people.", createdBy: "Ada", district: "design-studio", assignee: null });
    expect(card.createdAt).toBe(Date.parse(task.createdAt));

    const item = await until("the feed item", () => bob.activity.find((a) => a.taskId === card.id), 3000);
    expect(item).toMatchObject({ kind: "task-created", actor: "Ada", actorName: "Ada", district: "design-studio", severity: "info", text: "Ada put “Plan the offsite” on the Design Studio board" });
    expect(await server.auditFor(ada.room.sessionId, "task-create")).toMatchObject([{ data: { name: "Ada", taskId: card.id, district: "design-studio" } }]);
  });

  it("gives a task assigned to an agent to that agent, who starts on it", async () => {
    const { workspace } = await quietWorkspace();
    const ada = await server.join({ workspace });
    ada.room.send("task-create", { title: "Survey the market", district: "market-hall", assignee: { kind: "agent", id: "mira" } });
    const card = await until("the card", () => [...ada.room.state.tasks.values()].find((c) => c.title === "Survey the market"), 3000);
    expect(card).toMatchObject({ assigneeKind: "agent", assignee: "mira" });
    await until("Mira to pick it up (doing)", () => card.status === "doing", 5000);
    const events = await server.atrium.store.work.taskEvents(card.id);
    expect(events.map((e) => [e.kind, e.actor])).toEqual(expect.arrayContaining([["created", "Ada"], ["status", "mira"]]));
    expect(ada.room.state.agents.get("mira")?.taskId).toBe(card.id);
  });

  it("assigns to a person by name", async () => {
    const { workspace } = await quietWorkspace();
    const ada = await server.join({ workspace });
    ada.room.send("task-create", { title: "Review copy", district: "design-studio", assignee: { kind: "person", id: "Bob" } });
    const card = await until("the card", () => [...ada.room.state.tasks.values()].find((c) => c.title === "Review copy"), 3000);
    expect(card).toMatchObject({ assigneeKind: "person", assignee: "Bob", status: "todo" });
  });

  it("refuses an unknown district, an unknown agent and malformed payloads, to the sender only, changing nothing", async () => {
    const { workspace } = await quietWorkspace();
    const ada = await server.join({ workspace, name: "Ada" });
    const bob = await server.join({ workspace, name: "Bob" });
    const before = await snapshot(ada, workspace);
    const audits = (await server.auditFor(ada.room.sessionId, "task-create")).length;

    const district = await refused(ada, bob, "task-create", { title: "x", district: "moon-base" });
    expect(district.code).toBe("unknown_district");
    expect(district.message).toMatch(/^there is no district "moon-base"; boards stand in research-lab, /);
    const agent = await refused(ada, bob, "task-create", { title: "x", district: "build-yard", assignee: { kind: "agent", id: "hal" } });
    expect(agent).toMatchObject({ code: "unknown_agent", message: 'there is no agent "hal" here to give the task to' });
    expect(await refused(ada, bob, "task-create", { title: "   ", district: "build-yard" })).toMatchObject({ code: "invalid_message", message: "title: a task needs a title" });
    expect((await refused(ada, bob, "task-create", { title: "x".repeat(121), district: "build-yard" })).message).toMatch(/title: at most 120 characters/);
    expect((await refused(ada, bob, "task-create", { title: "x", district: "build-yard", status: "done" })).message).toMatch(/status/);
    expect((await refused(ada, bob, "task-create", { title: "x", district: "build-yard", assignee: { kind: "robot", id: "r2" } })).code).toBe("invalid_message");

    expect(await snapshot(ada, workspace)).toEqual(before);
    expect(await server.auditFor(ada.room.sessionId, "task-create")).toHaveLength(audits);
  });
});

describe("task-update", () => {
  const pairs = TASK_STATUSES.flatMap((from) => TASK_STATUSES.filter((to) => to !== from).map((to) => [from, to] as const));

  it("moves a card exactly along the allowed transitions and refuses the others with a sentence", async () => {
    const { workspace } = await quietWorkspace();
    const ada = await server.join({ workspace, name: "Ada" });
    const bob = await server.join({ workspace, name: "Bob" });
    for (const [from, to] of pairs) {
      const t = await taskIn(workspace, from, `${from} to ${to}`);
      // The card comes with the next change; make one that touches nothing but the history.
      await server.atrium.store.work.updateTask(t.id, { notes: "ready" }, "test");
      await until(`the ${from} card`, () => ada.room.state.tasks.get(t.id)?.status === from, 3000);
      const events = await server.atrium.store.work.taskEvents(t.id);
      if (TASK_TRANSITIONS[from].includes(to)) {
        ada.room.send("task-update", { taskId: t.id, status: to });
        await until(`${from} → ${to} on Bob's board`, () => bob.room.state.tasks.get(t.id)?.status === to, 3000);
        expect((await server.atrium.store.work.taskEvents(t.id)).at(-1)).toMatchObject({ kind: "status", actor: "Ada", data: { from, to } });
      } else {
        const error = await refused(ada, bob, "task-update", { taskId: t.id, status: to });
        expect(error).toMatchObject({ code: "not_allowed", message: `“${from} to ${to}” stays ${from}: ${transitionRefusal(from, to)}` });
        expect(ada.room.state.tasks.get(t.id)?.status).toBe(from);
        expect(await server.atrium.store.work.taskEvents(t.id)).toEqual(events);
        ada.errors.length = 0;
      }
    }
    const feed = ada.activity.filter((a) => a.kind === "status" && a.actor === "Ada");
    expect(feed).toHaveLength(pairs.filter(([f, t]) => TASK_TRANSITIONS[f].includes(t)).length);
    expect(feed.find((a) => a.text === "Ada marked “doing to done” done")).toBeDefined();
    expect(feed.find((a) => a.text === "Ada moved “todo to doing” from todo to doing")).toBeDefined();
  });

  it("assigns to an agent (who starts on it), to a person, and unassigns, with a note", async () => {
    const { workspace } = await quietWorkspace();
    const ada = await server.join({ workspace, name: "Ada" });
    const t = await taskIn(workspace, "todo", "Tune the build");
    ada.room.send("task-update", { taskId: t.id, assignee: { kind: "agent", id: "bram" }, note: "CI is slow again" });
    await until("Bram to pick it up", () => ada.room.state.tasks.get(t.id)?.status === "doing", 5000);
    expect(ada.room.state.tasks.get(t.id)).toMatchObject({ assigneeKind: "agent", assignee: "bram" });
    const events = await server.atrium.store.work.taskEvents(t.id);
    expect(events.map((e) => [e.kind, e.actor, e.data])).toEqual(
      expect.arrayContaining([
        ["assigned", "Ada", { from: null, to: { kind: "agent", id: "bram" } }],
        ["notes", "Ada", { notes: "CI is slow again" }],
        ["status", "bram", { from: "todo", to: "doing" }],
      ]),
    );
    const assigned = await until("the feed item", () => ada.activity.find((a) => a.kind === "assigned" && a.taskId === t.id), 3000);
    expect(assigned.text).toBe("Ada assigned “Tune the build” to Bram");

    ada.room.send("task-update", { taskId: t.id, assignee: { kind: "person", id: "Cy" } });
    await until("Cy's card", () => ada.room.state.tasks.get(t.id)?.assignee === "Cy", 3000);
    expect(ada.room.state.tasks.get(t.id)?.assigneeKind).toBe("person");
    ada.room.send("task-update", { taskId: t.id, assignee: null });
    await until("the unassigned card", () => ada.room.state.tasks.get(t.id)?.assigneeKind === "", 3000);
    expect((await server.atrium.store.work.getTask(t.id))?.assignee).toBeNull();
    expect((await server.auditFor(ada.room.sessionId, "task-update")).map((r) => r.data.changed)).toEqual([["assigned"], ["assigned"], ["assigned", "notes"]]); // newest first
  });

  it("refuses unknown tasks (and other workspaces' tasks), unknown agents and empty updates, changing nothing", async () => {
    const { workspace } = await quietWorkspace();
    const ada = await server.join({ workspace, name: "Ada" });
    const bob = await server.join({ workspace, name: "Bob" });
    const t = await taskIn(workspace, "todo");
    const elsewhere = await taskIn(server.freshWorkspace(), "todo");
    await until("the card", () => ada.room.state.tasks.has(t.id), 3000);
    const before = { ...(await snapshot(ada, workspace)), elsewhere: await server.atrium.store.work.taskEvents(elsewhere.id) };

    expect(await refused(ada, bob, "task-update", { taskId: "T-nope00", status: "doing" })).toMatchObject({ code: "unknown_task", message: 'there is no task "T-nope00" in this workspace' });
    expect((await refused(ada, bob, "task-update", { taskId: elsewhere.id, status: "doing" })).code).toBe("unknown_task");
    expect((await refused(ada, bob, "task-update", { taskId: t.id, status: "doing", assignee: { kind: "agent", id: "hal" } })).code).toBe("unknown_agent");
    expect(await refused(ada, bob, "task-update", { taskId: t.id })).toMatchObject({ code: "invalid_message", message: "(top level): say what changes: a status or an assignee" });
    expect((await refused(ada, bob, "task-update", { taskId: t.id, status: "finished" })).code).toBe("invalid_message");
    expect((await refused(ada, bob, "task-update", { taskId: t.id, status: "doing", extra: 1 })).code).toBe("invalid_message");

    expect({ ...(await snapshot(ada, workspace)), elsewhere: await server.atrium.store.work.taskEvents(elsewhere.id) }).toEqual(before);
    expect(await server.auditFor(ada.room.sessionId, "task-update")).toEqual([]);
  });
});

describe("the activity feed over the wire", () => {
  it("sends the backlog on join, newest first, and each change live to everyone", async () => {
    const { workspace } = await quietWorkspace();
    const ada = await server.join({ workspace, name: "Ada" });
    expect(ada.backlogs).toHaveLength(1);
    ada.room.send("task-create", { title: "First", district: "ops-center" });
    await until("the first item", () => ada.activity.length === 1, 3000);
    ada.room.send("task-create", { title: "Second", district: "ops-center" });
    await until("the second item", () => ada.activity.length === 2, 3000);

    const bob = await server.join({ workspace, name: "Bob" });
    await until("Bob's backlog", () => bob.backlogs.length === 1, 3000);
    const backlog = bob.backlogs[0]!;
    expect(backlog.slice(0, 2).map((a) => a.text)).toEqual(["Ada put “Second” on the Ops Center board", "Ada put “First” on the Ops Center board"]);
    expect(backlog.slice(0, 2)).toEqual([...ada.activity].reverse());
    expect(backlog.map((a) => a.id)).toEqual([...backlog.map((a) => a.id)].sort().reverse());
  });
});
