import type { ArtifactKind, ChartData, TaskStatus } from "../../../shared/agents";

/** Input the store refuses (unknown task, bad status, empty title…). Nothing was changed. */
export class StoreInputError extends Error {
  override name = "StoreInputError";
}

/** A status change the task transition table (TASK_TRANSITIONS) does not allow. Nothing was changed. */
export class TransitionError extends StoreInputError {
  override name = "TransitionError";
}

export type AssigneeKind = "agent" | "person";
export interface Assignee {
  kind: AssigneeKind;
  /** An agent id, or a person's name or id. */
  id: string;
}

export interface Task {
  id: string;
  workspace: string;
  title: string;
  description: string;
  status: TaskStatus;
  assignee: Assignee | null;
  district: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface NewTask {
  workspace: string;
  title: string;
  description?: string;
  /** "todo" when absent. */
  status?: TaskStatus;
  assignee?: Assignee | null;
  district?: string | null;
  /** Who created it: an agent id, a person's id, or "system". */
  createdBy: string;
}

export interface TaskFilter {
  status?: TaskStatus | readonly TaskStatus[];
  /** Assignee id (agent id or person), whatever its kind. */
  assignee?: string;
  district?: string;
  /** At most this many, oldest first. Default TASK_LIST_LIMIT. */
  limit?: number;
}

export interface TaskUpdate {
  status?: TaskStatus;
  notes?: string;
}

/** What happened to a task: created, status, notes, assigned, handoff, artifact, escalated, approval… */
export interface TaskEvent {
  id: number;
  taskId: string;
  at: string;
  actor: string;
  kind: string;
  data: Record<string, unknown>;
}

export interface Artifact {
  id: string;
  workspace: string;
  taskId: string | null;
  title: string;
  kind: ArtifactKind;
  /** The markdown text, or the chart data as JSON (parse it with `chartSchema`). */
  body: string;
  createdBy: string;
  createdAt: string;
}

export type NewArtifact = {
  workspace: string;
  taskId?: string | null;
  title: string;
  createdBy: string;
} & ({ kind: "markdown"; body: string } | { kind: "chart"; body: ChartData });

export type ArtifactScope = { workspace: string } | { taskId: string };

export type MessageFromKind = "agent" | "person" | "system";

export interface Message {
  id: number;
  workspace: string;
  at: string;
  fromId: string;
  fromKind: MessageFromKind;
  /** Who it was addressed to; null when said to everyone around. */
  toId: string | null;
  text: string;
}

export interface NewMessage {
  workspace: string;
  fromId: string;
  fromKind: MessageFromKind;
  toId?: string | null;
  text: string;
}

export interface NewLlmCall {
  workspace: string;
  agentId: string;
  model: string;
  /** The exact request sent: messages, tools, parameters. Stored as JSON. */
  request: unknown;
  /** What came back (assembled text and tool calls), or null when nothing did. */
  response?: unknown;
  promptTokens?: number;
  completionTokens?: number;
  costUsd?: number;
  latencyMs?: number | null;
  /** Time to first token (ms); null when no token arrived. */
  ttftMs?: number | null;
  /** e.g. "ok", "error", "aborted", "budget". */
  outcome: string;
  error?: string | null;
}

export interface LlmCall {
  id: number;
  at: string;
  workspace: string;
  agentId: string;
  model: string;
  request: unknown;
  response: unknown;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  latencyMs: number | null;
  ttftMs: number | null;
  outcome: string;
  error: string | null;
}

/** An artifact without its body: what lists, walls and the API's task detail show. */
export type ArtifactMeta = Omit<Artifact, "body">;

/** One row of the audit trail, as the store wrote it. */
export interface AuditRecord {
  id: number;
  at: string;
  workspace: string;
  actor: string;
  kind: string;
  data: Record<string, unknown>;
}

/**
 * A committed change to the work of a workspace, told to every WorkStore listener after the
 * transaction that wrote it commits (never for a write that rolled back).
 * - "task": a task was created or changed; `events` are the task events just written (created,
 *   status, notes, assigned, handoff, escalated, approval…), oldest first.
 * - "artifact": an artifact was written; with a task, `task` is it as it is now and `event` the
 *   "artifact" event on it.
 * - "audit": an audit row was written (joins, tool runs, questions, answers…).
 */
export type WorkChange =
  | { kind: "task"; workspace: string; task: Task; events: TaskEvent[] }
  | { kind: "artifact"; workspace: string; artifact: ArtifactMeta; task: Task | null; event: TaskEvent | null }
  | { kind: "audit"; workspace: string; audit: AuditRecord };

export type WorkListener = (change: WorkChange) => void;

/** What a person's (or any caller's) combined task change asks for; see WorkStore.changeTask. */
export interface TaskChange {
  status?: TaskStatus;
  /** null unassigns; undefined leaves the assignee as it is. */
  assignee?: Assignee | null;
  notes?: string;
}
