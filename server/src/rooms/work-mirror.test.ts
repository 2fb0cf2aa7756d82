import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ACTIVITY_BACKLOG, BOARD_DONE_CARDS, WALL_ARTIFACTS } from "../../../shared/constants";
import { WorkServerMessage, type ActivityItem } from "../../../shared/protocol/work-messages";
import { WorkspaceState } from "../../../shared/state";
import { loadRoster } from "../agents/roster";
import { createLogger } from "../logger";
import { openStore as open, type Store } from "../store/store";
import { loadWorld } from "../world/load-world";
import { WorkMirror } from "./work-mirror";

// The room's mirror of the work, with a real store on a real file and a real schema state:
// filled from the database alone (as after a restart), kept bounded, and turned into the feed.

const ROOT = path.resolve(__dirname, "../../..");
const world = loadWorld(path.join(ROOT, "config/world.yaml"));
const roster = loadRoster(path.join(ROOT, "config/agents.yaml"), world);
const log = createLogger("silent");

let dir: string;
let n = 0;
const opened: Array<{ close(): unknown }> = [];
const mirrors: WorkMirror[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-mirror-"));
});
afterEach(async () => {
  mirrors.length = 0;
  for (const o of opened.splice(0).reverse()) await o.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const tick = () => new Promise((r) => setTimeout(r, 3));

/** Every card refresh the mirrors were told of is done. */
const settle = () => Promise.all(mirrors.map((m) => m.settled()));

async function openStore(file: string): Promise<Store> {
  const store = await open(file);
  opened.push(store);
  return store;
}

/** A mirror of `workspace` with its own state, recording what it broadcasts. */
async function mirror(store: Store, workspace = "main") {
  const state = new WorkspaceState();
  const sent: Array<{ type: string; payload: ActivityItem }> = [];
  const m = new WorkMirror({ workspace, world, roster, store, state, log, broadcast: (type, payload) => sent.push({ type, payload: payload as ActivityItem }) });
  opened.push({ close: () => m.dispose() });
  mirrors.push(m);
  await m.start();
  return { m, state, sent, items: () => sent.map((s) => s.payload) };
}

async function done(store: Store, title: string, district: string, workspace = "main") {
  const t = await store.work.createTask({ workspace, title, createdBy: "cleo", district });
  await store.work.updateTask(t.id, { status: "doing" }, "iris");
  return await store.work.updateTask(t.id, { status: "done" }, "iris");
}

const cardIds = (state: WorkspaceState, pick: (c: { status: string; district: string }) => boolean = () => true) =>
  [...state.tasks.values()].filter(pick).map((c) => c.id).sort();

describe("rebuilding from the database", () => {
  it("fills boards, walls and the feed from the file alone, the same as the live room had them", async () => {
    const file = path.join(dir, `rebuild-${++n}.db`);
    const first = await openStore(file);
    const live = await mirror(first);

    const open = await first.work.createTask({ workspace: "main", title: "Open one", createdBy: "Ada", district: "research-lab", assignee: { kind: "agent", id: "iris" } });
    const doneLab: string[] = [];
    for (let i = 0; i < BOARD_DONE_CARDS + 6; i++) {
      doneLab.push((await done(first, `lab ${i}`, "research-lab")).id);
      await tick();
    }
    const doneYard = await done(first, "yard", "build-yard");
    const stuck = await first.work.createTask({ workspace: "main", title: "Stuck", createdBy: "otto", district: "ops-center" });
    await first.work.addTaskEvent(stuck.id, "otto", "escalated", { reason: "prod is down" });
    const wall: string[] = [];
    for (let i = 0; i < WALL_ARTIFACTS + 1; i++) {
      wall.push((await first.work.writeArtifact({ workspace: "main", taskId: open.id, title: `notes ${i}`, kind: "markdown", body: "b", createdBy: "iris" })).id);
      await tick();
    }
    const loose = await first.work.writeArtifact({ workspace: "main", title: "Loose chart", kind: "chart", body: { type: "bar", series: [{ name: "s", points: [{ x: "a", y: 1 }] }] }, createdBy: "bram" });
    await first.work.handOffTask(open.id, "bram", "yours", "iris");
    await first.audit({ workspace: "main", actor: "mira", kind: "ask-human", data: { question: "Ship the logo?", options: ["Yes", "No"], taskId: null } });
    await first.audit({ workspace: "main", actor: "Ada", kind: "answer", data: { agent: "mira", choice: "No", comment: "too loud", options: ["Yes", "No"], taskId: null } });
    await first.work.createTask({ workspace: "other", title: "Not here", createdBy: "cleo", district: "research-lab" });
    await settle();
    const liveCards = cardIds(live.state);
    const liveWall = [...live.state.artifacts.keys()].sort();
    await first.close();

    // "Restart": a new store on the same file, a new state, nothing carried over but the file.
    const second = await openStore(file);
    const { state, m } = await mirror(second);
    const expectedCards = [open.id, stuck.id, doneYard.id, ...doneLab.slice(-BOARD_DONE_CARDS)].sort();
    await settle();
    expect(cardIds(state)).toEqual(expectedCards);
    expect(liveCards).toEqual(expectedCards);
    await settle();
    expect(state.tasks.get(open.id)).toMatchObject({ title: "Open one", status: "todo", district: "research-lab", assigneeKind: "agent", assignee: "bram", artifacts: WALL_ARTIFACTS + 1, escalated: false });
    await settle();
    expect(state.tasks.get(stuck.id)).toMatchObject({ escalated: true, district: "ops-center" });
    await settle();
    expect([...state.artifacts.keys()].sort()).toEqual([...wall.slice(-WALL_ARTIFACTS), loose.id].sort());
    expect(liveWall).toEqual([...state.artifacts.keys()].sort());
    await settle();
    expect(state.artifacts.get(loose.id)).toMatchObject({ kind: "chart", district: "build-yard", taskId: "", createdBy: "bram", title: "Loose chart" });
    await settle();
    expect(state.artifacts.get(wall.at(-1)!)).toMatchObject({ district: "research-lab", taskId: open.id });

    // The rebuilt feed is the live one, item for item (ids included), newest first.
    const rebuilt = m.backlog();
    const liveFeed = [...live.items()].reverse().slice(0, ACTIVITY_BACKLOG);
    expect(rebuilt).toEqual(liveFeed);
    expect(live.sent.every((s) => s.type === WorkServerMessage.Activity)).toBe(true);
    expect(live.items().length).toBeGreaterThan(ACTIVITY_BACKLOG); // more happened than the backlog holds
    expect(rebuilt.length).toBe(ACTIVITY_BACKLOG);
    expect(rebuilt.slice(0, 3).map((a) => [a.kind, a.text, a.severity])).toEqual([
      ["approval", "Ada answered Mira “No”: too loud", "warning"],
      ["approval-asked", "Mira asks: Ship the logo?", "info"],
      ["hand-off", "Iris handed “Open one” to Bram", "info"],
    ]);
    expect(rebuilt[2]).toMatchObject({ from: "iris", to: "bram", taskId: open.id, district: "research-lab" });
  });
});

describe("following changes", () => {
  it("keeps each board to its open cards plus the newest done ones, and brings one back when a done task reopens", async () => {
    const store = await openStore(path.join(dir, `bounded-${++n}.db`));
    const { state } = await mirror(store);
    const ids: string[] = [];
    for (let i = 0; i < BOARD_DONE_CARDS + 1; i++) {
      ids.push((await done(store, `d${i}`, "design-studio")).id);
      await tick();
    }
    const doneCards = () => cardIds(state, (c) => c.status === "done" && c.district === "design-studio");
    await settle();
    expect(doneCards()).toEqual(ids.slice(1).sort());
    await store.work.updateTask(ids[3]!, { status: "doing" }, "Ada"); // reopened
    await settle();
    expect(state.tasks.get(ids[3]!)?.status).toBe("doing");
    await settle();
    expect(doneCards()).toEqual(ids.filter((_, i) => i !== 3).sort()); // d0 is back
  });

  it("keeps each wall to its newest artifacts", async () => {
    const store = await openStore(path.join(dir, `wall-${++n}.db`));
    const { state } = await mirror(store);
    const ids: string[] = [];
    for (let i = 0; i < WALL_ARTIFACTS + 2; i++) {
      ids.push((await store.work.writeArtifact({ workspace: "main", title: `a${i}`, kind: "markdown", body: "b", createdBy: "otto" })).id);
      await tick();
    }
    await settle();
    expect([...state.artifacts.keys()].sort()).toEqual(ids.slice(2).sort());
    await settle();
    expect([...state.artifacts.values()].every((a) => a.district === "ops-center")).toBe(true);
  });

  it("flags escalations until the status changes, counts artifacts, and ignores other workspaces", async () => {
    const store = await openStore(path.join(dir, `flags-${++n}.db`));
    const { state, items } = await mirror(store);
    const t = await store.work.createTask({ workspace: "main", title: "Deploy", createdBy: "otto", district: "ops-center" });
    await store.work.addTaskEvent(t.id, "otto", "escalated", { reason: "no credentials" });
    await settle();
    expect(state.tasks.get(t.id)?.escalated).toBe(true);
    expect(items().at(-1)).toMatchObject({ kind: "escalation", severity: "warning", text: "Otto escalated “Deploy”: no credentials", district: "ops-center" });
    await store.work.writeArtifact({ workspace: "main", taskId: t.id, title: "runbook", kind: "markdown", body: "b", createdBy: "otto" });
    await settle();
    expect(state.tasks.get(t.id)).toMatchObject({ escalated: true, artifacts: 1 });
    expect(items().at(-1)).toMatchObject({ kind: "artifact", text: "Otto wrote “runbook” for “Deploy”", taskId: t.id });
    await store.work.updateTask(t.id, { status: "blocked" }, "Ada");
    await settle();
    expect(state.tasks.get(t.id)?.escalated).toBe(false);

    const count = items().length;
    const other = await store.work.createTask({ workspace: "other", title: "x", createdBy: "cleo", district: "ops-center" });
    await store.work.writeArtifact({ workspace: "other", title: "y", kind: "markdown", body: "b", createdBy: "otto" });
    await store.audit({ workspace: "other", actor: "otto", kind: "escalation", data: { reason: "z", taskId: null } });
    await settle();
    expect(state.tasks.has(other.id)).toBe(false);
    expect(items()).toHaveLength(count);
  });

  it("tells questions and answers once: from the task's history when there is a task, else from the audit", async () => {
    const store = await openStore(path.join(dir, `approvals-${++n}.db`));
    const { items } = await mirror(store);
    const t = await store.work.createTask({ workspace: "main", title: "Brief", createdBy: "cleo", district: "market-hall" });
    // What the tool executor writes for a question about a task, and its answer.
    await store.audit({ workspace: "main", actor: "cleo", kind: "ask-human", data: { question: "Approve?", options: ["Approve", "Needs changes"], taskId: t.id } });
    await store.work.addTaskEvent(t.id, "cleo", "approval-asked", { question: "Approve?", options: ["Approve", "Needs changes"] });
    await store.audit({ workspace: "main", actor: "Ada", kind: "answer", data: { agent: "cleo", choice: "Approve", options: ["Approve", "Needs changes"], taskId: t.id } });
    await store.work.addTaskEvent(t.id, "Ada", "approval", { question: "Approve?", choice: "Approve", comment: "", options: ["Approve", "Needs changes"] });
    await store.audit({ workspace: "main", actor: "p1", kind: "join", data: { name: "Ada" } });
    expect(items().map((a) => [a.kind, a.text, a.severity])).toEqual([
      ["task-created", "Cleo put “Brief” on the Market Hall board", "info"],
      ["approval-asked", "Cleo asks: Approve?", "info"],
      ["approval", "Ada answered “Approve” on “Brief”", "info"],
    ]);
    await store.work.addTaskEvent(t.id, "Ada", "approval", { question: "Approve?", choice: "Needs changes", comment: "more data", options: ["Approve", "Needs changes"] });
    expect(items().at(-1)).toMatchObject({ severity: "warning", text: "Ada answered “Needs changes” on “Brief”: more data" });
  });
});
