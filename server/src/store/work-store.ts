import { randomInt } from "node:crypto";
import type Database from "better-sqlite3";
import { ARTIFACT_KINDS, chartSchema } from "../../../shared/agents";
import { checkAssignee, checkLimit, checkStatus, json, required, toArtifact, toEvent, toLlmCall, toMessage, toTask, type Row, type TaskRow } from "./work-rows";
import {
  StoreInputError,
  type Artifact,
  type ArtifactScope,
  type Assignee,
  type LlmCall,
  type Message,
  type NewArtifact,
  type NewLlmCall,
  type NewMessage,
  type NewTask,
  type Task,
  type TaskEvent,
  type TaskFilter,
  type TaskUpdate,
} from "./work-types";

/** Characters of the random part of task and artifact ids ("T-7k2m9q"); no 0/o/1/l/i to misread. */
export const WORK_ID_LENGTH = 6;
const ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";
/** Tries at a fresh random id before giving up (a collision at 31^6 is already rare). */
const ID_ATTEMPTS = 8;
/** Default number of rows a list returns. */
export const TASK_LIST_LIMIT = 500;
export const ARTIFACT_LIST_LIMIT = 100;
export const MESSAGE_LIST_LIMIT = 50;
export const LLM_CALL_LIST_LIMIT = 100;

const now = () => new Date().toISOString();

/**
 * Tasks and their history, artifacts, messages and LLM calls. Synchronous, with statements
 * prepared once; every change of more than one row runs in a transaction. Bad input throws a
 * StoreInputError before anything is written.
 */
export class WorkStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
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
      getEvent: p("SELECT * FROM task_events WHERE id = ?"),
      taskEvents: p("SELECT * FROM task_events WHERE task_id = ? ORDER BY id"),
      insertArtifact: p(`INSERT INTO artifacts (id, workspace, task_id, title, kind, body, created_by, created_at)
                         VALUES (@id, @workspace, @task_id, @title, @kind, @body, @created_by, @created_at)`),
      artifactsOfWorkspace: p("SELECT * FROM artifacts WHERE workspace = ? ORDER BY created_at DESC, rowid DESC LIMIT ?"),
      artifactsOfTask: p("SELECT * FROM artifacts WHERE task_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?"),
      insertMessage: p("INSERT INTO messages (workspace, at, from_id, from_kind, to_id, text) VALUES (?, ?, ?, ?, ?, ?)"),
      recentMessages: p(`SELECT * FROM (SELECT * FROM messages WHERE workspace = @workspace
                         ORDER BY at DESC, id DESC LIMIT @limit) ORDER BY at, id`),
      // Two index lookups (from, to), each already limited, merged: fast however long the log.
      recentMessagesInvolving: p(`SELECT * FROM (
                           SELECT * FROM (SELECT * FROM messages WHERE workspace = @workspace AND from_id = @involving
                                          ORDER BY at DESC, id DESC LIMIT @limit)
                           UNION
                           SELECT * FROM (SELECT * FROM messages WHERE workspace = @workspace AND to_id = @involving
                                          ORDER BY at DESC, id DESC LIMIT @limit)
                           ORDER BY at DESC, id DESC LIMIT @limit) ORDER BY at, id`),
      insertLlmCall: p(`INSERT INTO llm_calls (at, workspace, agent_id, model, request, response, prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms, outcome, error)
                        VALUES (@at, @workspace, @agent_id, @model, @request, @response, @prompt_tokens, @completion_tokens, @cost_usd, @latency_ms, @ttft_ms, @outcome, @error)`),
      llmCalls: p("SELECT * FROM llm_calls ORDER BY id DESC LIMIT ?"),
      llmCallsOfWorkspace: p("SELECT * FROM llm_calls WHERE workspace = ? ORDER BY id DESC LIMIT ?"),
      spendByAgent: p("SELECT agent_id, SUM(cost_usd) AS usd FROM llm_calls WHERE workspace = ? GROUP BY agent_id ORDER BY agent_id"),
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
    return this.db.transaction(() => {
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
      this.s.insertEvent.run(id, at, createdBy, "created", json({ title, status, assignee, district: input.district ?? null }));
      return this.mustGetTask(id);
    })();
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

  /** Sets the status and/or adds notes; each change is a task event. Returns the task as it is now. */
  updateTask(id: string, update: TaskUpdate, actor: string): Task {
    const task = this.mustGetTask(id);
    required(actor, "actor");
    if (update.status === undefined && update.notes === undefined) throw new StoreInputError("update a task's status, notes or both");
    if (update.status !== undefined) checkStatus(update.status);
    const notes = update.notes === undefined ? undefined : required(update.notes, "notes");
    const at = now();
    this.db.transaction(() => {
      if (update.status !== undefined && update.status !== task.status) {
        this.s.setStatus.run(update.status, at, id);
        this.s.insertEvent.run(id, at, actor, "status", json({ from: task.status, to: update.status }));
      }
      if (notes !== undefined) {
        this.s.touchTask.run(at, id);
        this.s.insertEvent.run(id, at, actor, "notes", json({ notes }));
      }
    })();
    return this.mustGetTask(id);
  }

  /** Gives the task to an agent or a person (or nobody, with null). */
  assignTask(id: string, to: Assignee | null, actor: string, note?: string): Task {
    return this.reassign(id, to ? checkAssignee(to) : null, actor, "assigned", note === undefined ? {} : { note });
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
    const eventId = this.db.transaction(() => {
      this.s.touchTask.run(at, taskId);
      return this.s.insertEvent.run(taskId, at, actor, kind, json(data)).lastInsertRowid;
    })();
    return toEvent(this.s.getEvent.get(eventId) as Row);
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
    return this.db.transaction(() => {
      const id = this.freshId("A-", this.s.artifactExists);
      this.s.insertArtifact.run({ id, workspace, task_id: taskId, title, kind: input.kind, body, created_by: createdBy, created_at: at });
      if (taskId !== null) {
        this.s.touchTask.run(at, taskId);
        this.s.insertEvent.run(taskId, at, createdBy, "artifact", json({ artifactId: id, title, kind: input.kind }));
      }
      return { id, workspace, taskId, title, kind: input.kind, body, createdBy, createdAt: at };
    })();
  }

  /** Artifacts of a workspace or of one task, newest first. */
  listArtifacts(scope: ArtifactScope, limit = ARTIFACT_LIST_LIMIT): Artifact[] {
    const rows = ("taskId" in scope ? this.s.artifactsOfTask.all(scope.taskId, checkLimit(limit)) : this.s.artifactsOfWorkspace.all(scope.workspace, checkLimit(limit))) as Row[];
    return rows.map(toArtifact);
  }

  // ── messages ───────────────────────────────────────────────────────────────────────────────

  addMessage(input: NewMessage): Message {
    const workspace = required(input.workspace, "workspace");
    const fromId = required(input.fromId, "fromId");
    if (!["agent", "person", "system"].includes(input.fromKind)) {
      throw new StoreInputError(`invalid fromKind "${String(input.fromKind)}"; expected agent, person or system`);
    }
    if (typeof input.text !== "string" || input.text.trim() === "") throw new StoreInputError("text must not be empty");
    const at = now();
    const toId = input.toId ?? null;
    const id = Number(this.s.insertMessage.run(workspace, at, fromId, input.fromKind, toId, input.text).lastInsertRowid);
    return { id, workspace, at, fromId, fromKind: input.fromKind, toId, text: input.text };
  }

  /**
   * The last `limit` messages of a workspace, in the order they were said (oldest first). With
   * `involving`, only those that id said or that were addressed to it.
   */
  recentMessages(workspace: string, limit = MESSAGE_LIST_LIMIT, involving?: string): Message[] {
    const rows = (
      involving === undefined
        ? this.s.recentMessages.all({ workspace, limit: checkLimit(limit) })
        : this.s.recentMessagesInvolving.all({ workspace, involving, limit: checkLimit(limit) })
    ) as Row[];
    return rows.map(toMessage);
  }

  // ── LLM calls ──────────────────────────────────────────────────────────────────────────────

  /** Records one LLM call with its exact request and response. Returns its id. */
  recordLlmCall(call: NewLlmCall): number {
    for (const [field, value] of Object.entries({ promptTokens: call.promptTokens, completionTokens: call.completionTokens, costUsd: call.costUsd, latencyMs: call.latencyMs, ttftMs: call.ttftMs })) {
      if (value !== undefined && value !== null && !(Number.isFinite(value) && value >= 0)) {
        throw new StoreInputError(`${field} must be a finite, non-negative number, got ${value}`);
      }
    }
    const request = JSON.stringify(call.request);
    if (request === undefined) throw new StoreInputError("request must be JSON data");
    const row = {
      at: now(),
      workspace: required(call.workspace, "workspace"),
      agent_id: required(call.agentId, "agentId"),
      model: required(call.model, "model"),
      request,
      response: call.response === undefined || call.response === null ? null : JSON.stringify(call.response),
      prompt_tokens: call.promptTokens ?? 0,
      completion_tokens: call.completionTokens ?? 0,
      cost_usd: call.costUsd ?? 0,
      latency_ms: call.latencyMs ?? null,
      ttft_ms: call.ttftMs ?? null,
      outcome: required(call.outcome, "outcome"),
      error: call.error ?? null,
    };
    return Number(this.s.insertLlmCall.run(row).lastInsertRowid);
  }

  /** Newest first, with request and response parsed. */
  llmCalls(limit = LLM_CALL_LIST_LIMIT, workspace?: string): LlmCall[] {
    const rows = (workspace === undefined ? this.s.llmCalls.all(checkLimit(limit)) : this.s.llmCallsOfWorkspace.all(workspace, checkLimit(limit))) as Row[];
    return rows.map(toLlmCall);
  }

  /** What each agent of a workspace has spent on LLM calls (USD), to seed budgets after a restart. */
  spendByAgent(workspace: string): Map<string, number> {
    const rows = this.s.spendByAgent.all(workspace) as Array<{ agent_id: string; usd: number }>;
    return new Map(rows.map((r) => [r.agent_id, r.usd]));
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
    this.db.transaction(() => {
      this.s.setAssignee.run(to?.kind ?? null, to?.id ?? null, at, id);
      this.s.insertEvent.run(id, at, actor, kind, json({ from: task.assignee, to, ...extra }));
    })();
    return this.mustGetTask(id);
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
