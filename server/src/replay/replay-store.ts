import type Database from "better-sqlite3";
import type { ReplayLlmCallSummary, ReplayMessage, ReplayPose, ReplayTaskEvent, ReplayToolCall } from "../../../shared/replay";
import { OFFLINE_PLANNER_MODEL } from "../../../shared/replay";
import type { Store } from "../store/store";
import { llmCallResult, toLlmCall, type Row } from "../store/work-rows";
import { StoreInputError, type LlmCall, type NewLlmCall } from "../store/work-types";

/** One agent sample as the recorder writes it. */
export interface AgentSample {
  workspace: string;
  at: number;
  agentId: string;
  x: number;
  z: number;
  yaw: number;
  state: string;
  reason: string;
  taskId: string | null;
}

/** An LLM call (or offline planner decision) as it starts: who, which model, the exact request. */
export interface StartedLlmCall {
  workspace: string;
  agentId: string;
  model: string;
  request: unknown;
}

/** What a finished call adds to its row. */
export type FinishedLlmCall = Omit<NewLlmCall, "workspace" | "agentId">;

/** A half-open time window (from, to] in epoch ms, with a row cap per list. */
export interface Window {
  workspace: string;
  from: number;
  to: number;
  limit: number;
}

/** Started calls whose request JSON is remembered until they finish (oldest forgotten first). Default 1,000. */
export const STARTED_REQUESTS_KEPT = 1_000;

const iso = (ms: number) => new Date(ms).toISOString();
const ms = (isoText: unknown) => Date.parse(String(isoText));

/**
 * The replay's own reads and writes: agent samples, LLM call rows that start before their
 * answer comes back, and the time-window queries behind GET /api/replay. Statements are
 * prepared once per database.
 */
export class ReplayStore {
  private readonly s;
  /**
   * The request JSON each started, unfinished call was stored with. A call usually finishes with
   * the very same request (it differs only where the broker redacted something), and then its
   * finish leaves the column alone: a request is kilobytes (the whole prompt), written once.
   */
  private readonly startedRequests = new Map<number, string>();

  constructor(private readonly db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      insertSample: p(`INSERT INTO agent_samples (workspace, at, agent_id, x, z, yaw, state, reason, task_id)
                       VALUES (@workspace, @at, @agentId, @x, @z, @yaw, @state, @reason, @taskId)`),
      startCall: p(`INSERT INTO llm_calls (at, workspace, agent_id, model, request, outcome) VALUES (?, ?, ?, ?, ?, 'pending')`),
      finishCall: p(`UPDATE llm_calls SET model = @model, request = @request, response = @response, prompt_tokens = @prompt_tokens,
                       completion_tokens = @completion_tokens, cost_usd = @cost_usd, latency_ms = @latency_ms, ttft_ms = @ttft_ms,
                       outcome = @outcome, error = @error WHERE id = @id`),
      // The same, for a call whose request is already stored as it went: the big column is not written twice.
      finishCallSameRequest: p(`UPDATE llm_calls SET model = @model, response = @response, prompt_tokens = @prompt_tokens,
                       completion_tokens = @completion_tokens, cost_usd = @cost_usd, latency_ms = @latency_ms, ttft_ms = @ttft_ms,
                       outcome = @outcome, error = @error WHERE id = @id`),
      setResponse: p("UPDATE llm_calls SET response = ? WHERE id = ?"),
      getCall: p("SELECT * FROM llm_calls WHERE id = ?"),
      messagesOfCall: p("SELECT * FROM messages WHERE llm_call_id = ? ORDER BY at, id"),
      toolsOfCall: p(`SELECT * FROM audit WHERE workspace = @workspace AND at >= @at AND kind = 'tool'
                        AND actor = @agentId AND json_extract(data, '$.llmCallId') = @id ORDER BY at, id`),
      // The timeline.
      firstSample: p("SELECT MIN(at) FROM agent_samples WHERE workspace = ?").pluck(),
      firstMessage: p("SELECT MIN(at) FROM messages WHERE workspace = ?").pluck(),
      firstTask: p("SELECT MIN(created_at) FROM tasks WHERE workspace = ?").pluck(),
      firstCall: p("SELECT MIN(at) FROM llm_calls WHERE workspace = ?").pluck(),
      posesAt: p(`SELECT s.* FROM agent_samples s
                  JOIN (SELECT MAX(id) AS id FROM agent_samples WHERE workspace = @workspace AND at <= @at GROUP BY agent_id) last
                    ON s.id = last.id`),
      poses: p(`SELECT * FROM agent_samples WHERE workspace = @workspace AND at > @from AND at <= @to ORDER BY at, id LIMIT @limit`),
      taskEvents: p(`SELECT e.* FROM task_events e JOIN tasks t ON t.id = e.task_id
                     WHERE t.workspace = @workspace AND e.at <= @to ORDER BY e.at, e.id`),
      messages: p(`SELECT * FROM messages WHERE workspace = @workspace AND at > @from AND at <= @to ORDER BY at, id LIMIT @limit`),
      toolCalls: p(`SELECT * FROM audit WHERE workspace = @workspace AND at > @from AND at <= @to AND kind = 'tool' ORDER BY at, id LIMIT @limit`),
      // Calls made at `from` itself count too: a window that starts at the first record must show the first call.
      llmCalls: p(`SELECT id, at, agent_id, model, outcome, latency_ms FROM llm_calls
                   WHERE workspace = @workspace AND at >= @from AND at <= @to ORDER BY at, id LIMIT @limit`),
    };
  }

  // ── recording ──────────────────────────────────────────────────────────────────────────────

  /** Writes a batch of samples in one transaction. */
  insertSamples(samples: readonly AgentSample[]): void {
    if (samples.length === 0) return;
    this.db.transaction(() => {
      for (const s of samples) this.s.insertSample.run(s);
    })();
  }

  /** Records a call as it starts (outcome "pending") and returns its id, to link what it leads to. */
  startLlmCall(call: StartedLlmCall): number {
    const request = JSON.stringify(call.request);
    if (request === undefined) throw new StoreInputError("request must be JSON data");
    for (const [field, v] of Object.entries({ workspace: call.workspace, agentId: call.agentId, model: call.model })) {
      if (typeof v !== "string" || v.trim() === "") throw new StoreInputError(`${field} must be a non-empty string`);
    }
    const id = Number(this.s.startCall.run(new Date().toISOString(), call.workspace, call.agentId, call.model, request).lastInsertRowid);
    // Bounded: a call that is never finished (its brain was torn down) must not hold memory for ever.
    if (this.startedRequests.size >= STARTED_REQUESTS_KEPT) this.startedRequests.delete(this.startedRequests.keys().next().value!);
    this.startedRequests.set(id, request);
    return id;
  }

  /** Completes a started call with its response, usage, cost, timings and outcome. */
  finishLlmCall(id: number, call: FinishedLlmCall): void {
    const result = llmCallResult(call);
    const request = JSON.stringify(call.request);
    const stored = this.startedRequests.get(id);
    this.startedRequests.delete(id);
    const changed = (stored === request ? this.s.finishCallSameRequest : this.s.finishCall).run({
      id,
      model: call.model,
      ...(stored === request ? {} : { request }),
      ...result,
    }).changes;
    if (changed === 0) throw new StoreInputError(`unknown llm call id ${id}`);
  }

  /** Replaces a started call's response so far (the offline planner adds each tool call as it makes it). */
  setLlmCallResponse(id: number, response: unknown): void {
    this.s.setResponse.run(JSON.stringify(response), id);
  }

  // ── reading ────────────────────────────────────────────────────────────────────────────────

  getLlmCall(id: number): LlmCall | null {
    const row = this.s.getCall.get(id) as Row | undefined;
    return row ? toLlmCall(row) : null;
  }

  /** What one call led to: the agent's utterances and tool runs that carry its id. */
  producedBy(call: LlmCall): { messages: ReplayMessage[]; toolCalls: ReplayToolCall[] } {
    return {
      messages: (this.s.messagesOfCall.all(call.id) as Row[]).map(toReplayMessage),
      toolCalls: (this.s.toolsOfCall.all({ workspace: call.workspace, at: call.at, agentId: call.agentId, id: call.id }) as Row[]).map(toReplayToolCall),
    };
  }

  /** The earliest thing recorded for a workspace (epoch ms), or null when nothing is. */
  firstRecord(workspace: string): number | null {
    const candidates = [this.s.firstSample.get(workspace) as number | null, ms(this.s.firstMessage.get(workspace)), ms(this.s.firstTask.get(workspace)), ms(this.s.firstCall.get(workspace))];
    const known = candidates.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    return known.length === 0 ? null : Math.min(...known);
  }

  /** Each agent's last sample at or before `at`. */
  posesAt(workspace: string, at: number): ReplayPose[] {
    return (this.s.posesAt.all({ workspace, at }) as Row[]).map(toReplayPose);
  }

  poses(w: Window): ReplayPose[] {
    return (this.s.poses.all(w) as Row[]).map(toReplayPose);
  }

  /** Every event of the workspace's tasks up to `to`, by time: the board is rebuilt from them. */
  taskEventsUpTo(workspace: string, to: number): ReplayTaskEvent[] {
    return (this.s.taskEvents.all({ workspace, to: iso(to) }) as Row[]).map((r) => ({
      id: r.id as number,
      at: ms(r.at),
      taskId: r.task_id as string,
      actor: r.actor as string,
      kind: r.kind as string,
      data: JSON.parse(r.data as string) as Record<string, unknown>,
    }));
  }

  messages(w: Window): ReplayMessage[] {
    return (this.s.messages.all(isoWindow(w)) as Row[]).map(toReplayMessage);
  }

  toolCalls(w: Window): ReplayToolCall[] {
    return (this.s.toolCalls.all(isoWindow(w)) as Row[]).map(toReplayToolCall);
  }

  llmCalls(w: Window): ReplayLlmCallSummary[] {
    return (this.s.llmCalls.all(isoWindow(w)) as Row[]).map((r) => ({
      id: r.id as number,
      at: ms(r.at),
      agentId: r.agent_id as string,
      model: r.model as string,
      outcome: r.outcome as string,
      latencyMs: r.latency_ms as number | null,
      offline: r.model === OFFLINE_PLANNER_MODEL,
    }));
  }
}

const isoWindow = (w: Window) => ({ workspace: w.workspace, from: iso(w.from), to: iso(w.to), limit: w.limit });

function toReplayPose(r: Row): ReplayPose {
  return {
    at: r.at as number,
    agentId: r.agent_id as string,
    x: r.x as number,
    z: r.z as number,
    yaw: r.yaw as number,
    state: r.state as string,
    reason: r.reason as string,
    taskId: (r.task_id as string | null) ?? null,
  };
}

function toReplayMessage(r: Row): ReplayMessage {
  return {
    id: r.id as number,
    at: ms(r.at),
    fromId: r.from_id as string,
    fromKind: r.from_kind as ReplayMessage["fromKind"],
    toId: r.to_id as string | null,
    text: r.text as string,
    llmCallId: (r.llm_call_id as number | null) ?? null,
  };
}

function toReplayToolCall(r: Row): ReplayToolCall {
  const d = JSON.parse(r.data as string) as Record<string, unknown>;
  const result = typeof d.result === "string" ? d.result : typeof d.error === "string" ? `error: ${d.error}` : "";
  return {
    id: r.id as number,
    at: ms(r.at),
    agentId: r.actor as string,
    tool: String(d.tool ?? "?"),
    arguments: d.arguments ?? null,
    allowed: d.allowed === true,
    ok: d.ok === true,
    result,
    llmCallId: typeof d.llmCallId === "number" ? d.llmCallId : null,
  };
}

const cache = new WeakMap<Store, ReplayStore>();

/** The replay store of a Store, made once. */
export function replayStoreOf(store: Store): ReplayStore {
  let r = cache.get(store);
  if (!r) cache.set(store, (r = new ReplayStore(store.db)));
  return r;
}
