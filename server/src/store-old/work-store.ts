import { randomInt } from "node:crypto";
import type Database from "better-sqlite3";
import { ARTIFACT_KINDS, chartSchema, transitionRefusal, type TaskStatus } from "../../../shared/agents";
import { checkAssignee, checkLimit, checkStatus, json, required, toArtifact, toEvent, toTask, type Row, type TaskRow } from "./work-rows";
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

const now = () => new Date().toISOString();

/**
 * Tasks and their history, and artifacts. Synchronous, with statements
 * prepared once; every change of more than one row runs in a transaction. Bad input throws a
 * StoreInputError before anything is written.
 *
 * Listeners (`onChange`) hear of every committed change to tasks, task events and artifacts
 * (and, through Store.audit, of audit rows), once its transaction has committed.
 */
export class WorkStore {
  private readonly s;
  private readonly listeners = new Set<WorkListener>();
  /** Changes written inside the transaction now open, told once it commits. */
  private pending: WorkChange[] = [];
  private depth = 0;

  constructor(
    private readonly db: Database.Database,
    /** Where a listener's exception goes; it never fails the write that was already committed. */
    private readonly reportListenerError: (err: unknown) => void = (err) => console.error("work listener failed", err),
  ) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      taskExists: p("SELECT 1 FROM tasks WHERE id = ?").pluck(),
      artifactExists: p("SELECT 1 FROM artifacts WHERE id = ?").pluck(),
      insertTask: p(`INSERT INTO tasks (id, workspace, title, description, status, assignee_kind, assignee, district, created_by, created_at, updated_at)
                     VALUES (@id, @workspace, @title, @description, @status, @assignee_kind, @assignee, @district, @created_by, @created_at, @updated_at)`),
      getTask: p("SELECT * FROM tasks WHERE id = ?"),
      listTasks: p(`SELECT * FROM tasks WHERE workspace = @workspace
                      AND (@statuses IS NULL OR status IN (SELECT value FROM json_each(@statuses)))
                      AND (@assignee IS NULL OR assignee = @assignee)
                      AND (@district IS NULL OR district = @district)
                    ORDER BY created_at, rowid LIMIT @limit`),
      setStatus: p("UPDATE tasks SET status = ?, updated_at = ? WHERE id = ?"),
      setAssignee: p("UPDATE tasks SET assignee_kind = ?, assignee = ?, updated_at = ? WHERE id = ?"),
      touchTask: p("UPDATE tasks SET updated_at = ? WHERE id = ?"),
      insertEvent: p("INSERT INTO task_events (task_id, at, actor, kind, data) VALUES (?, ?, ?, ?, ?)"),
      taskEvents: p("SELECT * FROM task_events WHERE task_id = ? ORDER BY id"),
      insertArtifact: p(`INSERT INTO artifacts (id, workspace, task_id, title, kind, body, created_by, created_at)
                         VALUES (@id, @workspace, @task_id, @title, @kind, @body, @created_by, @created_at)`),
      artifactsOfWorkspace: p("SELECT * FROM artifacts WHERE workspace = ? ORDER BY created_at DESC, rowid DESC LIMIT ?"),
      artifactsOfTask: p("SELECT * FROM artifacts WHERE task_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?"),
    };
  }

  // ── tasks ──────────────────────────────────────────────────────────────────────────────────

  createTask(input: NewTask): Task {
    const workspace = required(input.workspace, "workspace");
    const title = required(input.title, "title");
    const createdBy = required(input.createdBy, "createdBy");
    const status = input.status ?? "todo";
    checkStatus(status);
    const assignee = input.assignee ? checkAssignee(input.assignee) : null;
    const at = now();
    return this.write(() => {
      const id = this.freshId("T-", this.s.taskExists);
      this.s.insertTask.run({
        id,
        workspace,
        title,
        description: (input.description ?? "").trim(),
        status,
        assignee_kind: assignee?.kind ?? null,
        assignee: assignee?.id ?? null,
        district: input.district ?? null,
        created_by: createdBy,
        created_at: at,
        updated_at: at,
      });
      const event = this.addEvent(id, at, createdBy, "created", { title, status, assignee, district: input.district ?? null });
      const task = this.mustGetTask(id);
      this.pending.push({ kind: "task", workspace, task, events: [event] });
      return task;
    });
  }

  /** The task, or null when there is none with that id. */
  getTask(id: string): Task | null {
    const row = this.s.getTask.get(id) as TaskRow | undefined;
    return row ? toTask(row) : null;
  }

  /** A workspace's tasks, oldest first, optionally narrowed by status, assignee and district. */
  listTasks(workspace: string, filter: TaskFilter = {}): Task[] {
    const statuses = filter.status === undefined ? null : typeof filter.status === "string" ? [filter.status] : [...filter.status];
    statuses?.forEach(checkStatus);
    const rows = this.s.listTasks.all({
      workspace,
      statuses: statuses ? JSON.stringify(statuses) : null,
      assignee: filter.assignee ?? null,
      district: filter.district ?? null,
      limit: checkLimit(filter.limit ?? TASK_LIST_LIMIT),
    }) as TaskRow[];
    return rows.map(toTask);
  }

  /**
   * Sets the status and/or adds notes; each change is a task event. A status change must be one
   * TASK_TRANSITIONS allows (TransitionError otherwise). Returns the task as it is now.
   */
  updateTask(id: string, update: TaskUpdate, actor: string): Task {
    if (update.status === undefined && update.notes === undefined) {
      this.mustGetTask(id);
      throw new StoreInputError("update a task's status, notes or both");
    }
    return this.changeTask(id, { status: update.status, notes: update.notes }, actor).task;
  }

  /**
   * Gives the task to an agent or a person (or nobody, with null), with an "assigned" event
   * (carrying `note` when given), even when it already had that assignee.
   */
  assignTask(id: string, to: Assignee | null, actor: string, note?: string): Task {
    return this.reassign(id, to ? checkAssignee(to) : null, actor, "assigned", note === undefined ? {} : { note: required(note, "note") });
  }

  /**
   * Status, assignee and notes in one transaction: everything is checked first (unknown task,
   * refused transition, bad assignee, empty notes) and nothing is written unless all of it is
   * fine. Only what really changes becomes an event; a change that changes nothing writes
   * nothing. Returns the task as it is now and the events written.
   */
  changeTask(id: string, change: TaskChange, actor: string): { task: Task; events: TaskEvent[] } {
    const task = this.mustGetTask(id);
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
    if (newStatus === undefined && !reassigned && notes === undefined) return { task, events: [] };
    const at = now();
    return this.write(() => {
      const events: TaskEvent[] = [];
      if (newStatus !== undefined) {
        this.s.setStatus.run(newStatus, at, id);
        events.push(this.addEvent(id, at, actor, "status", { from: task.status, to: newStatus }));
      }
      if (reassigned) {
        this.s.setAssignee.run(assignee?.kind ?? null, assignee?.id ?? null, at, id);
        events.push(this.addEvent(id, at, actor, "assigned", { from: task.assignee, to: assignee }));
      }
      if (notes !== undefined) {
        this.s.touchTask.run(at, id);
        events.push(this.addEvent(id, at, actor, "notes", { notes }));
      }
      const current = this.mustGetTask(id);
      this.pending.push({ kind: "task", workspace: current.workspace, task: current, events });
      return { task: current, events };
    });
  }

  /** One agent passes a task to another, with a note on where the work stands. */
  handOffTask(id: string, toAgent: string, note: string, actor: string): Task {
    return this.reassign(id, checkAssignee({ kind: "agent", id: toAgent }), actor, "handoff", { note: note.trim() });
  }

  /** Records something that happened to a task (escalated, approval…) and touches it. */
  addTaskEvent(taskId: string, actor: string, kind: string, data: Record<string, unknown> = {}): TaskEvent {
    this.mustGetTask(taskId);
    required(actor, "actor");
    required(kind, "kind");
    const at = now();
    return this.write(() => {
      this.s.touchTask.run(at, taskId);
      const event = this.addEvent(taskId, at, actor, kind, data);
      const task = this.mustGetTask(taskId);
      this.pending.push({ kind: "task", workspace: task.workspace, task, events: [event] });
      return event;
    });
  }

  /** A task's history, oldest first; empty for an unknown task. */
  taskEvents(taskId: string): TaskEvent[] {
    return (this.s.taskEvents.all(taskId) as Row[]).map(toEvent);
  }

  // ── artifacts ──────────────────────────────────────────────────────────────────────────────

  /** Stores a markdown document or chart; when attached to a task, the task's history says so. */
  writeArtifact(input: NewArtifact): Artifact {
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
    if (taskId !== null) {
      const task = this.mustGetTask(taskId);
      if (task.workspace !== workspace) throw new StoreInputError(`task ${taskId} belongs to workspace "${task.workspace}", not "${workspace}"`);
    }
    const at = now();
    return this.write(() => {
      const id = this.freshId("A-", this.s.artifactExists);
      this.s.insertArtifact.run({ id, workspace, task_id: taskId, title, kind: input.kind, body, created_by: createdBy, created_at: at });
      let event: TaskEvent | null = null;
      if (taskId !== null) {
        this.s.touchTask.run(at, taskId);
        event = this.addEvent(taskId, at, createdBy, "artifact", { artifactId: id, title, kind: input.kind });
      }
      const artifact: Artifact = { id, workspace, taskId, title, kind: input.kind, body, createdBy, createdAt: at };
      const { body: _body, ...meta } = artifact;
      this.pending.push({ kind: "artifact", workspace, artifact: meta, task: taskId === null ? null : this.mustGetTask(taskId), event });
      return artifact;
    });
  }

  /** Artifacts of a workspace or of one task, newest first. */
  listArtifacts(scope: ArtifactScope, limit = ARTIFACT_LIST_LIMIT): Artifact[] {
    const rows = ("taskId" in scope ? this.s.artifactsOfTask.all(scope.taskId, checkLimit(limit)) : this.s.artifactsOfWorkspace.all(scope.workspace, checkLimit(limit))) as Row[];
    return rows.map(toArtifact);
  }

  // ── helpers ────────────────────────────────────────────────────────────────────────────────

  private mustGetTask(id: string): Task {
    const task = typeof id === "string" ? this.getTask(id) : null;
    if (!task) throw new StoreInputError(`unknown task id "${String(id)}"`);
    return task;
  }

  private reassign(id: string, to: Assignee | null, actor: string, kind: string, extra: Record<string, unknown>): Task {
    const task = this.mustGetTask(id);
    required(actor, "actor");
    const at = now();
    return this.write(() => {
      this.s.setAssignee.run(to?.kind ?? null, to?.id ?? null, at, id);
      const event = this.addEvent(id, at, actor, kind, { from: task.assignee, to, ...extra });
      const current = this.mustGetTask(id);
      this.pending.push({ kind: "task", workspace: current.workspace, task: current, events: [event] });
      return current;
    });
  }

  private addEvent(taskId: string, at: string, actor: string, kind: string, data: Record<string, unknown>): TaskEvent {
    const text = json(data);
    const id = Number(this.s.insertEvent.run(taskId, at, actor, kind, text).lastInsertRowid);
    // Parsed back from the stored text, so a listener sees exactly what a later read returns.
    return { id, taskId, at, actor, kind, data: JSON.parse(text) as Record<string, unknown> };
  }

  // ── change listeners ───────────────────────────────────────────────────────────────────────

  /** Calls `listener` after every committed work change (see WorkChange). Returns an unsubscribe. */
  onChange(listener: WorkListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells listeners of a change written outside WorkStore (Store.audit), after any open write commits. */
  notify(change: WorkChange): void {
    this.pending.push(change);
    if (this.depth === 0) this.flush();
  }

  /**
   * Runs `fn` in a transaction (a savepoint when nested) and tells listeners what it wrote once
   * the outermost one has committed; changes of a part that rolled back are never told.
   */
  private write<T>(fn: () => T): T {
    const mark = this.pending.length;
    this.depth++;
    let result: T;
    try {
      result = this.db.transaction(fn)();
    } catch (err) {
      this.pending.length = mark;
      throw err;
    } finally {
      this.depth--;
    }
    if (this.depth === 0) this.flush();
    return result;
  }

  private flush(): void {
    const changes = this.pending;
    this.pending = [];
    for (const change of changes) {
      for (const listener of this.listeners) {
        try {
          listener(change);
        } catch (err) {
          this.reportListenerError(err);
        }
      }
    }
  }

  private freshId(prefix: string, exists: Database.Statement): string {
    for (let attempt = 0; attempt < ID_ATTEMPTS; attempt++) {
      let id = prefix;
      for (let i = 0; i < WORK_ID_LENGTH; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
      if (exists.get(id) === undefined) return id;
    }
    throw new Error(`could not find a free ${prefix} id after ${ID_ATTEMPTS} attempts`);
  }
}

function sameAssignee(a: Assignee | null, b: Assignee | null): boolean {
  return a === null || b === null ? a === b : a.kind === b.kind && a.id === b.id;
}
