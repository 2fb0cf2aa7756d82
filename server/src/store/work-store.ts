import { randomInt } from "node:crypto";
import type { Kysely } from "kysely";
import { ARTIFACT_KINDS, chartSchema, transitionRefusal, type TaskStatus } from "../../../shared/agents";
import type { DbContext } from "./db-context";
import type { AtriumDb } from "./schema";
import { checkAssignee, checkLimit, checkStatus, json, required, toArtifact, toEvent, toTask, workClock } from "./work-rows";
import {
  StoreInputError,
  TransitionError,
  type Artifact,
  type ArtifactScope,
  type Assignee,
  type NewArtifact,
  type NewTask,
  type Task,
  type TaskEvent,
  type TaskFilter,
  type TaskChange,
  type TaskUpdate,
  type WorkChange,
  type WorkListener,
} from "./work-types";

/** Characters of the random part of task and artifact ids ("T-7k2m9q"); no 0/o/1/l/i to misread. */
export const WORK_ID_LENGTH = 6;
const ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";
/** Tries at a fresh random id before giving up (a collision at 31^6 is already rare). */
const ID_ATTEMPTS = 8;
/** Default number of rows a list returns. */
export const TASK_LIST_LIMIT = 500;
export const ARTIFACT_LIST_LIMIT = 100;

type Q = Kysely<AtriumDb>;
type NewEvent = { kind: string; data: Record<string, unknown> };

/**
 * Tasks and their history, and artifacts, on either dialect. Every change runs in one
 * transaction that first reads the task it changes (locked on PostgreSQL), checks everything, and
 * only then writes: bad input rejects with a StoreInputError (a refused transition with a
 * TransitionError) and nothing is written.
 *
 * Listeners (`onChange`) hear of every committed change to tasks, task events and artifacts
 * (and, through Store.audit, of audit rows), once its transaction has committed.
 */
export class WorkStore {
  private readonly listeners = new Set<WorkListener>();

  constructor(
    private readonly ctx: DbContext,
    /** Where a listener's exception goes; it never fails the write that was already committed. */
    private readonly reportListenerError: (err: unknown) => void = (err) => console.error("work listener failed", err),
  ) {}

  // ── tasks ──────────────────────────────────────────────────────────────────────────────────

  async createTask(input: NewTask): Promise<Task> {
    const workspace = required(input.workspace, "workspace");
    const title = required(input.title, "title");
    const createdBy = required(input.createdBy, "createdBy");
    const status = input.status ?? "todo";
    checkStatus(status);
    const assignee = input.assignee ? checkAssignee(input.assignee) : null;
    const district = input.district ?? null;
    return this.write(async (q) => {
      const at = workClock();
      const id = await this.freshId(q, "T-", "tasks");
      const row = {
        id,
        workspace,
        title,
        description: (input.description ?? "").trim(),
        status,
        assignee_kind: assignee?.kind ?? null,
        assignee: assignee?.id ?? null,
        district,
        created_by: createdBy,
        created_at: at,
        updated_at: at,
      };
      await q.insertInto("tasks").values(row).execute();
      const events = await this.addEvents(q, id, at, createdBy, [{ kind: "created", data: { title, status, assignee, district } }]);
      const task = toTask(row);
      this.told({ kind: "task", workspace, task, events });
      return task;
    });
  }

  /** The task, or null when there is none with that id. */
  async getTask(id: string): Promise<Task | null> {
    const row = await this.ctx.q.selectFrom("tasks").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toTask(row) : null;
  }

  /** A workspace's tasks, oldest first, optionally narrowed by status, assignee and district. */
  async listTasks(workspace: string, filter: TaskFilter = {}): Promise<Task[]> {
    const statuses = filter.status === undefined ? null : typeof filter.status === "string" ? [filter.status] : [...filter.status];
    statuses?.forEach(checkStatus);
    const limit = checkLimit(filter.limit ?? TASK_LIST_LIMIT);
    if (statuses?.length === 0) return [];
    const rows = await this.ctx.q
      .selectFrom("tasks")
      .selectAll()
      .where("workspace", "=", workspace)
      .$if(statuses !== null, (qb) => qb.where("status", "in", statuses!))
      .$if(filter.assignee !== undefined, (qb) => qb.where("assignee", "=", filter.assignee!))
      .$if(filter.district !== undefined, (qb) => qb.where("district", "=", filter.district!))
      .orderBy("created_at")
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map(toTask);
  }

  /**
   * Sets the status and/or adds notes; each change is a task event. A status change must be one
   * TASK_TRANSITIONS allows (TransitionError otherwise). Returns the task as it is now.
   */
  async updateTask(id: string, update: TaskUpdate, actor: string): Promise<Task> {
    if (update.status === undefined && update.notes === undefined) {
      await this.mustGetTask(this.ctx.q, id);
      throw new StoreInputError("update a task's status, notes or both");
    }
    return (await this.changeTask(id, { status: update.status, notes: update.notes }, actor)).task;
  }

  /**
   * Gives the task to an agent or a person (or nobody, with null), with an "assigned" event
   * (carrying `note` when given), even when it already had that assignee.
   */
  async assignTask(id: string, to: Assignee | null, actor: string, note?: string): Promise<Task> {
    return this.reassign(id, to ? checkAssignee(to) : null, actor, "assigned", note === undefined ? {} : { note: required(note, "note") });
  }

  /**
   * Status, assignee and notes in one transaction: everything is checked first (unknown task,
   * refused transition, bad assignee, empty notes) and nothing is written unless all of it is
   * fine. Only what really changes becomes an event; a change that changes nothing writes
   * nothing. Returns the task as it is now and the events written.
   */
  async changeTask(id: string, change: TaskChange, actor: string): Promise<{ task: Task; events: TaskEvent[] }> {
    return this.write(async (q) => {
      const task = await this.mustGetTask(q, id, true);
      required(actor, "actor");
      if (change.status !== undefined) {
        checkStatus(change.status);
        const refusal = transitionRefusal(task.status, change.status);
        if (refusal) throw new TransitionError(`task ${id}: ${refusal}`);
      }
      const assignee = change.assignee === undefined ? undefined : change.assignee === null ? null : checkAssignee(change.assignee);
      const notes = change.notes === undefined ? undefined : required(change.notes, "notes");
      const newStatus: TaskStatus | undefined = change.status !== undefined && change.status !== task.status ? change.status : undefined;
      const reassigned = assignee !== undefined && !sameAssignee(assignee, task.assignee);
      if (newStatus === undefined && !reassigned && notes === undefined) return { task, events: [] as TaskEvent[] };
      const at = workClock();
      const current: Task = { ...task, updatedAt: at };
      const planned: NewEvent[] = [];
      if (newStatus !== undefined) {
        current.status = newStatus;
        planned.push({ kind: "status", data: { from: task.status, to: newStatus } });
      }
      if (reassigned) {
        current.assignee = assignee ?? null;
        planned.push({ kind: "assigned", data: { from: task.assignee, to: assignee } });
      }
      if (notes !== undefined) planned.push({ kind: "notes", data: { notes } });
      await q
        .updateTable("tasks")
        .set({
          updated_at: at,
          ...(newStatus !== undefined ? { status: newStatus } : {}),
          ...(reassigned ? { assignee_kind: assignee?.kind ?? null, assignee: assignee?.id ?? null } : {}),
        })
        .where("id", "=", id)
        .execute();
      const events = await this.addEvents(q, id, at, actor, planned);
      this.told({ kind: "task", workspace: current.workspace, task: current, events });
      return { task: current, events };
    });
  }

  /** One agent passes a task to another, with a note on where the work stands. */
  async handOffTask(id: string, toAgent: string, note: string, actor: string): Promise<Task> {
    return this.reassign(id, checkAssignee({ kind: "agent", id: toAgent }), actor, "handoff", { note: note.trim() });
  }

  /** Records something that happened to a task (escalated, approval…) and touches it. */
  async addTaskEvent(taskId: string, actor: string, kind: string, data: Record<string, unknown> = {}): Promise<TaskEvent> {
    return this.write(async (q) => {
      const task = await this.mustGetTask(q, taskId, true);
      required(actor, "actor");
      required(kind, "kind");
      const at = workClock();
      await q.updateTable("tasks").set({ updated_at: at }).where("id", "=", taskId).execute();
      const [event] = await this.addEvents(q, taskId, at, actor, [{ kind, data }]);
      this.told({ kind: "task", workspace: task.workspace, task: { ...task, updatedAt: at }, events: [event!] });
      return event!;
    });
  }

  /** A task's history, oldest first; empty for an unknown task. */
  async taskEvents(taskId: string): Promise<TaskEvent[]> {
    const rows = await this.ctx.q.selectFrom("task_events").selectAll().where("task_id", "=", taskId).orderBy("id").execute();
    return rows.map(toEvent);
  }

  // ── artifacts ──────────────────────────────────────────────────────────────────────────────

  /** Stores a markdown document or chart; when attached to a task, the task's history says so. */
  async writeArtifact(input: NewArtifact): Promise<Artifact> {
    const workspace = required(input.workspace, "workspace");
    const title = required(input.title, "title");
    const createdBy = required(input.createdBy, "createdBy");
    if (!(ARTIFACT_KINDS as readonly string[]).includes(input.kind)) {
      throw new StoreInputError(`invalid artifact kind "${String(input.kind)}"; expected one of ${ARTIFACT_KINDS.join(", ")}`);
    }
    let body: string;
    if (input.kind === "chart") {
      const chart = chartSchema.safeParse(input.body);
      if (!chart.success) throw new StoreInputError(`invalid chart: ${chart.error.issues.map((i) => `${i.path.join(".") || "chart"}: ${i.message}`).join("; ")}`);
      body = JSON.stringify(chart.data);
    } else {
      body = required(input.body, "body");
    }
    const taskId = input.taskId ?? null;
    return this.write(async (q) => {
      const task = taskId === null ? null : await this.mustGetTask(q, taskId, true);
      if (task && task.workspace !== workspace) throw new StoreInputError(`task ${taskId} belongs to workspace "${task.workspace}", not "${workspace}"`);
      const at = workClock();
      const id = await this.freshId(q, "A-", "artifacts");
      await q.insertInto("artifacts").values({ id, workspace, task_id: taskId, title, kind: input.kind, body, created_by: createdBy, created_at: at }).execute();
      let event: TaskEvent | null = null;
      if (taskId !== null) {
        await q.updateTable("tasks").set({ updated_at: at }).where("id", "=", taskId).execute();
        [event] = (await this.addEvents(q, taskId, at, createdBy, [{ kind: "artifact", data: { artifactId: id, title, kind: input.kind } }])) as [TaskEvent];
      }
      const artifact: Artifact = { id, workspace, taskId, title, kind: input.kind, body, createdBy, createdAt: at };
      const { body: _body, ...meta } = artifact;
      this.told({ kind: "artifact", workspace, artifact: meta, task: task && { ...task, updatedAt: at }, event });
      return artifact;
    });
  }

  /** Artifacts of a workspace or of one task, newest first. */
  async listArtifacts(scope: ArtifactScope, limit = ARTIFACT_LIST_LIMIT): Promise<Artifact[]> {
    checkLimit(limit);
    const rows = await this.ctx.q
      .selectFrom("artifacts")
      .selectAll()
      .$if("taskId" in scope, (qb) => qb.where("task_id", "=", (scope as { taskId: string }).taskId))
      .$if(!("taskId" in scope), (qb) => qb.where("workspace", "=", (scope as { workspace: string }).workspace))
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows.map(toArtifact);
  }

  // ── helpers ────────────────────────────────────────────────────────────────────────────────

  /** The task, read inside the write (and locked against other writers on PostgreSQL), or a StoreInputError. */
  private async mustGetTask(q: Q, id: string, forUpdate = false): Promise<Task> {
    if (typeof id !== "string") throw new StoreInputError(`unknown task id "${String(id)}"`);
    const row = await q
      .selectFrom("tasks")
      .selectAll()
      .where("id", "=", id)
      .$if(forUpdate && this.ctx.dialect === "postgres", (qb) => qb.forUpdate())
      .executeTakeFirst();
    if (!row) throw new StoreInputError(`unknown task id "${id}"`);
    return toTask(row);
  }

  private async reassign(id: string, to: Assignee | null, actor: string, kind: string, extra: Record<string, unknown>): Promise<Task> {
    return this.write(async (q) => {
      const task = await this.mustGetTask(q, id, true);
      required(actor, "actor");
      const at = workClock();
      await q.updateTable("tasks").set({ assignee_kind: to?.kind ?? null, assignee: to?.id ?? null, updated_at: at }).where("id", "=", id).execute();
      const events = await this.addEvents(q, id, at, actor, [{ kind, data: { from: task.assignee, to, ...extra } }]);
      const current: Task = { ...task, assignee: to, updatedAt: at };
      this.told({ kind: "task", workspace: current.workspace, task: current, events });
      return current;
    });
  }

  /** Inserts events in one statement; returns them as a later read does, in the order given. */
  private async addEvents(q: Q, taskId: string, at: string, actor: string, events: readonly NewEvent[]): Promise<TaskEvent[]> {
    if (events.length === 0) return [];
    const texts = events.map((e) => json(e.data));
    const rows = await q
      .insertInto("task_events")
      .values(events.map((e, i) => ({ task_id: taskId, at, actor, kind: e.kind, data: texts[i]! })))
      .returning("id")
      .execute();
    // Ids are handed out in the order of the rows; RETURNING's own order is not promised.
    const ids = rows.map((r) => r.id).sort((a, b) => a - b);
    // Parsed back from the stored text, so a listener sees exactly what a later read returns.
    return events.map((e, i) => ({ id: ids[i]!, taskId, at, actor, kind: e.kind, data: JSON.parse(texts[i]!) as Record<string, unknown> }));
  }

  private async freshId(q: Q, prefix: string, table: "tasks" | "artifacts"): Promise<string> {
    for (let attempt = 0; attempt < ID_ATTEMPTS; attempt++) {
      let id = prefix;
      for (let i = 0; i < WORK_ID_LENGTH; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
      if (!(await q.selectFrom(table).select("id").where("id", "=", id).executeTakeFirst())) return id;
    }
    throw new Error(`could not find a free ${prefix} id after ${ID_ATTEMPTS} attempts`);
  }

  // ── change listeners ───────────────────────────────────────────────────────────────────────

  /** Calls `listener` after every committed work change (see WorkChange). Returns an unsubscribe. */
  onChange(listener: WorkListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells listeners of a change written outside WorkStore (Store.audit), once any open transaction commits. */
  notify(change: WorkChange): void {
    this.told(change);
  }

  /**
   * Runs `fn` in a transaction (a savepoint when nested) and tells listeners what it wrote once
   * the outermost one has committed; changes of a part that rolled back are never told.
   */
  private write<T>(fn: (q: Q) => Promise<T>): Promise<T> {
    return this.ctx.transaction(fn);
  }

  /** Queues a change for the listeners: told after the open transaction commits, or now when none is open. */
  private told(change: WorkChange): void {
    this.ctx.afterCommit(() => this.tell(change));
  }

  private tell(change: WorkChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        this.reportListenerError(err);
      }
    }
  }
}

function sameAssignee(a: Assignee | null, b: Assignee | null): boolean {
  return a === null || b === null ? a === b : a.kind === b.kind && a.id === b.id;
}
