import type { Selectable } from "kysely";
import { TASK_STATUSES, type TaskStatus } from "../../../shared/agents";
import type { TasksTable } from "./schema";
import { StoreInputError, type Artifact, type AuditRecord, type Assignee, type LlmCall, type Message, type NewLlmCall, type Task, type TaskEvent } from "./work-types";

/** Input checks and row mapping for WorkStore. */

export type TaskRow = {
  id: string;
  workspace: string;
  title: string;
  description: string;
  status: TaskStatus;
  assignee_kind: Assignee["kind"] | null;
  assignee: string | null;
  district: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
};
export type Row = Record<string, unknown>;

export function required(value: unknown, field: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new StoreInputError(`${field} must be a non-empty string`);
  return value.trim();
}

export function checkStatus(status: unknown): asserts status is TaskStatus {
  if (!(TASK_STATUSES as readonly unknown[]).includes(status)) {
    throw new StoreInputError(`invalid task status "${String(status)}"; expected one of ${TASK_STATUSES.join(", ")}`);
  }
}

export function checkAssignee(a: Assignee): Assignee {
  if (a.kind !== "agent" && a.kind !== "person") throw new StoreInputError(`invalid assignee kind "${String(a.kind)}"; expected agent or person`);
  return { kind: a.kind, id: required(a.id, "assignee id") };
}

export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw new StoreInputError(`limit must be a positive integer, got ${limit}`);
  return limit;
}

export function json(data: Record<string, unknown>): string {
  return JSON.stringify(data);
}

/**
 * The result columns of an llm_calls row (response, usage, cost, timings, outcome), checked:
 * a usage, cost or timing that is not a finite, non-negative number throws a StoreInputError.
 */
export function llmCallResult(call: Omit<NewLlmCall, "workspace" | "agentId" | "model" | "request">) {
  for (const [field, value] of Object.entries({ promptTokens: call.promptTokens, completionTokens: call.completionTokens, costUsd: call.costUsd, latencyMs: call.latencyMs, ttftMs: call.ttftMs })) {
    if (value !== undefined && value !== null && !(Number.isFinite(value) && value >= 0)) {
      throw new StoreInputError(`${field} must be a finite, non-negative number, got ${value}`);
    }
  }
  return {
    response: call.response === undefined || call.response === null ? null : JSON.stringify(call.response),
    prompt_tokens: call.promptTokens ?? 0,
    completion_tokens: call.completionTokens ?? 0,
    cost_usd: call.costUsd ?? 0,
    latency_ms: call.latencyMs ?? null,
    ttft_ms: call.ttftMs ?? null,
    outcome: call.outcome,
    error: call.error ?? null,
  };
}

/** A tasks row as either dialect returns it (status and assignee_kind are checked by the table). */
export function toTask(row: Selectable<TasksTable>): Task {
  const r = row as TaskRow;
  return {
    id: r.id,
    workspace: r.workspace,
    title: r.title,
    description: r.description,
    status: r.status,
    assignee: r.assignee_kind && r.assignee !== null ? { kind: r.assignee_kind, id: r.assignee } : null,
    district: r.district,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toAudit(r: Row): AuditRecord {
  return {
    id: r.id as number,
    at: r.at as string,
    workspace: r.workspace as string,
    actor: r.actor as string,
    kind: r.kind as string,
    data: JSON.parse(r.data as string) as Record<string, unknown>,
  };
}

export function toEvent(r: Row): TaskEvent {
  return {
    id: r.id as number,
    taskId: r.task_id as string,
    at: r.at as string,
    actor: r.actor as string,
    kind: r.kind as string,
    data: JSON.parse(r.data as string) as Record<string, unknown>,
  };
}

export function toArtifact(r: Row): Artifact {
  return {
    id: r.id as string,
    workspace: r.workspace as string,
    taskId: r.task_id as string | null,
    title: r.title as string,
    kind: r.kind as Artifact["kind"],
    body: r.body as string,
    createdBy: r.created_by as string,
    createdAt: r.created_at as string,
  };
}

export function toMessage(r: Row): Message {
  return {
    id: r.id as number,
    workspace: r.workspace as string,
    at: r.at as string,
    fromId: r.from_id as string,
    fromKind: r.from_kind as Message["fromKind"],
    toId: r.to_id as string | null,
    text: r.text as string,
  };
}

export function toLlmCall(r: Row): LlmCall {
  return {
    id: r.id as number,
    at: r.at as string,
    workspace: r.workspace as string,
    agentId: r.agent_id as string,
    model: r.model as string,
    request: JSON.parse(r.request as string) as unknown,
    response: r.response === null ? null : (JSON.parse(r.response as string) as unknown),
    promptTokens: r.prompt_tokens as number,
    completionTokens: r.completion_tokens as number,
    costUsd: r.cost_usd as number,
    latencyMs: r.latency_ms as number | null,
    ttftMs: r.ttft_ms as number | null,
    outcome: r.outcome as string,
    error: r.error as string | null,
  };
}

let lastTick = 0;
/**
 * The time for a task or artifact write, as ISO-8601: the wall clock, but never the same
 * millisecond twice in this process (a burst moves on by 1 ms a write), so rows written one after
 * another keep their order under ORDER BY created_at / updated_at on both dialects (task and
 * artifact ids are random, and PostgreSQL has no rowid to break ties with).
 */
export function workClock(): string {
  let t = Date.now();
  if (t <= lastTick) t = lastTick + 1;
  lastTick = t;
  return new Date(t).toISOString();
}
