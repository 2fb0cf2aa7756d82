import type { Roster } from "../../../shared/agents";
import { ACTIVITY_BACKLOG, BOARD_DONE_CARDS, WALL_ARTIFACTS } from "../../../shared/constants";
import { WorkServerMessage, type ActivityItem } from "../../../shared/protocol/work-messages";
import { ArtifactCard, TaskCard, type WorkspaceState } from "../../../shared/state";
import type { World } from "../../../shared/world";
import type { Logger } from "../logger";
import type { ArtifactMeta, BoardTask, Store, Task, WorkChange } from "../store/store";
import { activityFromArtifact, activityFromAudit, activityFromEvent, type ActivityNames } from "./activity";

export interface WorkMirrorDeps {
  workspace: string;
  world: World;
  roster: Roster;
  store: Store;
  state: WorkspaceState;
  broadcast: (type: string, payload: unknown) => void;
  log: Logger;
}

/**
 * Mirrors a workspace's work from the database into the room: the task boards
 * (`state.tasks`: every open task plus the newest BOARD_DONE_CARDS done ones per district),
 * the artifact walls (`state.artifacts`: the newest WALL_ARTIFACTS per district) and the
 * activity feed (the newest ACTIVITY_BACKLOG items). It fills them from the store when the room
 * is created (`start`, awaited by the room's onCreate), which is how a room rebuilds itself after
 * a restart, then follows every committed change the store tells it of, broadcasting each new
 * feed item as `activity` at once. A change's card is re-read from the store; those reads run
 * one after another, so cards change in commit order (`settled` waits for them).
 */
export class WorkMirror {
  /** Newest first. */
  private feed: ActivityItem[] = [];
  private unsubscribe: () => void = () => undefined;
  readonly names: ActivityNames;
  /** Card refreshes, one after another. */
  private refreshing: Promise<void> = Promise.resolve();
  /** Changes told while the rebuild reads the store, applied after it. */
  private early: WorkChange[] | null = null;

  constructor(private readonly deps: WorkMirrorDeps) {
    const { world, roster } = deps;
    const agents = new Map(roster.agents.map((a) => [a.id, a]));
    const districts = new Map(world.districts.map((d) => [d.id, d]));
    const fallback = world.districts[0]?.id ?? "";
    const home = (id: string | undefined) => (id === undefined ? null : (agents.get(id)?.home ?? null));
    const known = (id: string | null | undefined) => (id && districts.has(id) ? id : null);
    this.names = {
      agentName: (id) => agents.get(id)?.name ?? null,
      agentHome: (id) => home(id),
      districtName: (id) => districts.get(id)?.name ?? id,
      boardOf: (task) => known(task.district) ?? home(task.createdBy) ?? (task.assignee?.kind === "agent" ? home(task.assignee.id) : null) ?? fallback,
      wallOf: (a) => home(a.createdBy) ?? fallback,
    };
  }

  /** Fills boards, walls and feed from the database, then follows the store's changes. */
  async start(): Promise<void> {
    const { store, log, workspace } = this.deps;
    this.early = [];
    this.unsubscribe = store.work.onChange((change) => {
      if (this.early) {
        this.early.push(change);
        return;
      }
      try {
        this.apply(change);
      } catch (err) {
        log.error({ err, workspace }, "work mirror could not apply a change");
      }
    });
    try {
      await this.rebuild();
    } finally {
      const early = this.early;
      this.early = null;
      // What committed while the rebuild read: a feed item the rebuild already has is not told twice.
      for (const change of early) {
        try {
          this.apply(change, true);
        } catch (err) {
          log.error({ err, workspace }, "work mirror could not apply a change");
        }
      }
    }
  }

  /** Resolves once every card refresh asked for so far is done. */
  settled(): Promise<void> {
    return this.refreshing;
  }

  /** The newest feed items, newest first: what a joining client gets as `activity-backlog`. */
  backlog(): ActivityItem[] {
    return this.feed.slice();
  }

  dispose(): void {
    this.unsubscribe();
  }

  /** Fills boards, walls and feed from the database alone. */
  private async rebuild(): Promise<void> {
    const { store, state, workspace, world } = this.deps;
    const walls = world.districts.map((d) => d.id);
    const wallById = new Map<string, string>();
    const wallOf = (meta: ArtifactMeta, taskDistrict: string | null) => {
      const wall = this.wallOf(meta, taskDistrict);
      wallById.set(meta.id, wall);
      return wall;
    };
    const [tasks, artifacts, src] = await Promise.all([
      store.queries.boardTasks(workspace, BOARD_DONE_CARDS),
      store.queries.wallArtifacts(workspace, walls, WALL_ARTIFACTS, wallOf),
      store.queries.feedSources(workspace, ACTIVITY_BACKLOG),
    ]);
    state.tasks.clear();
    state.artifacts.clear();
    for (const task of tasks) this.setCard(task);
    for (const a of artifacts) this.setArtifactCard(a, wallById.get(a.id)!);
    this.feed = this.rebuildFeed(src);
  }

  private rebuildFeed(src: Awaited<ReturnType<Store["queries"]["feedSources"]>>): ActivityItem[] {
    const items: ActivityItem[] = [];
    for (const e of src.events) {
      const task = src.tasks.get(e.taskId);
      const item = task ? activityFromEvent(e, task, this.names) : null;
      if (item) items.push(item);
    }
    for (const a of src.artifacts) items.push(activityFromArtifact(a, this.names));
    for (const r of src.audit) {
      const item = activityFromAudit(r, this.names);
      if (item) items.push(item);
    }
    items.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    return items.slice(0, ACTIVITY_BACKLOG);
  }

  /** The wall of an artifact: its task's board, else its author's home, else the first district. */
  private wallOf(a: ArtifactMeta, taskDistrict: string | null): string {
    return taskDistrict && this.deps.world.districts.some((d) => d.id === taskDistrict) ? taskDistrict : this.names.wallOf(a);
  }

  private apply(change: WorkChange, replayed = false): void {
    if (change.workspace !== this.deps.workspace) return;
    switch (change.kind) {
      case "task":
        this.refreshTask(change.task);
        for (const e of change.events) this.push(activityFromEvent(e, change.task, this.names), replayed);
        break;
      case "artifact": {
        const task = change.task;
        if (task) this.refreshTask(task);
        this.addArtifact(change.artifact, this.wallOf(change.artifact, task?.district ?? null));
        this.push(change.event && task ? activityFromEvent(change.event, task, this.names) : activityFromArtifact(change.artifact, this.names), replayed);
        break;
      }
      case "audit":
        this.push(activityFromAudit(change.audit, this.names), replayed);
        break;
    }
  }

  private push(item: ActivityItem | null, replayed = false): void {
    if (!item) return;
    if (replayed && this.feed.some((f) => f.id === item.id)) return;
    this.feed.unshift(item);
    if (this.feed.length > ACTIVITY_BACKLOG) this.feed.length = ACTIVITY_BACKLOG;
    this.deps.broadcast(WorkServerMessage.Activity, item);
  }

  /** Re-reads one task's card (escalation, artifact count) and keeps its board's done column bounded. In turn, after the refreshes before it. */
  private refreshTask(task: Task): void {
    const { log, workspace } = this.deps;
    this.refreshing = this.refreshing.then(() =>
      this.refreshTaskNow(task).catch((err: unknown) => log.error({ err, workspace, task: task.id }, "work mirror could not refresh a task card")),
    );
  }

  private async refreshTaskNow(task: Task): Promise<void> {
    const { store, state, workspace } = this.deps;
    const fresh = await store.queries.boardTask(task.id);
    if (!fresh) return;
    const before = state.tasks.get(task.id);
    const wasDone = before ? before.status === "done" : true; // absent: an old done card, or new
    const card = this.setCard(fresh);
    const board = card.district;
    if (fresh.status === "done") {
      this.trimDone(board);
    } else if (wasDone && before) {
      // Reopened: the done column lost a card, so the next newest comes back.
      for (const t of await store.queries.doneTasks(workspace, fresh.district, BOARD_DONE_CARDS)) {
        if (!state.tasks.has(t.id) && this.names.boardOf(t) === board) this.setCard(t);
      }
      this.trimDone(board);
    }
  }

  private setCard(task: BoardTask): TaskCard {
    const tasks = this.deps.state.tasks;
    let card = tasks.get(task.id);
    if (!card) {
      card = new TaskCard();
      card.id = task.id;
      card.createdAt = Date.parse(task.createdAt);
    }
    card.title = task.title;
    card.status = task.status;
    card.district = this.names.boardOf(task);
    card.assigneeKind = task.assignee?.kind ?? "";
    card.assignee = task.assignee?.id ?? "";
    card.updatedAt = Date.parse(task.updatedAt);
    card.escalated = task.escalated;
    card.artifacts = Math.min(task.artifacts, 65535);
    if (!tasks.has(task.id)) tasks.set(task.id, card);
    return card;
  }

  /** Drops the oldest done cards of a board beyond BOARD_DONE_CARDS (they stay in the store). */
  private trimDone(board: string): void {
    const tasks = this.deps.state.tasks;
    const done: TaskCard[] = [];
    tasks.forEach((c) => {
      if (c.status === "done" && c.district === board) done.push(c);
    });
    if (done.length <= BOARD_DONE_CARDS) return;
    done.sort((a, b) => b.updatedAt - a.updatedAt);
    for (const c of done.slice(BOARD_DONE_CARDS)) tasks.delete(c.id);
  }

  private setArtifactCard(a: ArtifactMeta, wall: string): void {
    const card = new ArtifactCard();
    card.id = a.id;
    card.title = a.title;
    card.kind = a.kind;
    card.taskId = a.taskId ?? "";
    card.district = wall;
    card.createdBy = a.createdBy;
    card.createdAt = Date.parse(a.createdAt);
    this.deps.state.artifacts.set(a.id, card);
  }

  /** Hangs a new artifact and takes the oldest off its wall beyond WALL_ARTIFACTS. */
  private addArtifact(a: ArtifactMeta, wall: string): void {
    this.setArtifactCard(a, wall);
    const artifacts = this.deps.state.artifacts;
    const onWall: ArtifactCard[] = [];
    artifacts.forEach((c) => {
      if (c.district === wall) onWall.push(c);
    });
    if (onWall.length <= WALL_ARTIFACTS) return;
    onWall.sort((x, y) => y.createdAt - x.createdAt || (x.id < y.id ? 1 : -1));
    for (const c of onWall.slice(WALL_ARTIFACTS)) artifacts.delete(c.id);
  }
}
