import { sql, type Selectable } from "kysely";
import type { ReplayLlmCallSummary, ReplayMessage, ReplayPose, ReplayTaskEvent, ReplayToolCall } from "../../../shared/replay";
import { OFFLINE_PLANNER_MODEL } from "../../../shared/replay";
import type { Store } from "../store/store";
import type { AgentSamplesTable, AuditTable, Db, MessagesTable } from "../store/schema";
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
const ms = (isoText: unknown) => (isoText == null ? Number.NaN : Date.parse(String(isoText)));

/** Samples written in one INSERT at most (a statement's bound values stay well under SQLite's limit). Default 500. */
export const SAMPLES_PER_INSERT = 500;

/**
 * The replay's own reads and writes: agent samples, LLM call rows that start before their
 * answer comes back, and the time-window queries behind GET /api/replay. Kysely queries on the
 * store's database, the same on SQLite and PostgreSQL (one spot, the JSON lookup of a tool
 * call's llmCallId, is written per dialect).
 */
export class ReplayStore {
  private readonly db: Db;
  /**
   * The request JSON each started, unfinished call was stored with. A call usually finishes with
   * the very same request (it differs only where the broker redacted something), and then its
   * finish leaves the column alone: a request is kilobytes (the whole prompt), written once.
   */
  private readonly startedRequests = new Map<number, string>();

  constructor(private readonly store: Pick<Store, "db" | "dialect">) {
    this.db = store.db;
  }

  // ── recording ──────────────────────────────────────────────────────────────────────────────

  /** Writes a batch of samples in one transaction. */
  async insertSamples(samples: readonly AgentSample[]): Promise<void> {
    if (samples.length === 0) return;
    const rows = samples.map((s) => ({ workspace: s.workspace, at: s.at, agent_id: s.agentId, x: s.x, z: s.z, yaw: s.yaw, state: s.state, reason: s.reason, task_id: s.taskId }));
    if (rows.length <= SAMPLES_PER_INSERT) {
      await this.db.insertInto("agent_samples").values(rows).execute();
      return;
    }
    await this.db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += SAMPLES_PER_INSERT) await tx.insertInto("agent_samples").values(rows.slice(i, i + SAMPLES_PER_INSERT)).execute();
    });
  }

  /** Records a call as it starts (outcome "pending") and resolves to its id, to link what it leads to. */
  async startLlmCall(call: StartedLlmCall): Promise<number> {
    const request = JSON.stringify(call.request);
    if (request === undefined) throw new StoreInputError("request must be JSON data");
    for (const [field, v] of Object.entries({ workspace: call.workspace, agentId: call.agentId, model: call.model })) {
      if (typeof v !== "string" || v.trim() === "") throw new StoreInputError(`${field} must be a non-empty string`);
    }
    const row = await this.db
      .insertInto("llm_calls")
      .values({ at: new Date().toISOString(), workspace: call.workspace, agent_id: call.agentId, model: call.model, request, outcome: "pending" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    // Bounded: a call that is never finished (its brain was torn down) must not hold memory for ever.
    if (this.startedRequests.size >= STARTED_REQUESTS_KEPT) this.startedRequests.delete(this.startedRequests.keys().next().value!);
    this.startedRequests.set(id, request);
    return id;
  }

  /** Completes a started call with its response, usage, cost, timings and outcome. */
  async finishLlmCall(id: number, call: FinishedLlmCall): Promise<void> {
    const result = llmCallResult(call);
    const request = JSON.stringify(call.request);
    const stored = this.startedRequests.get(id);
    this.startedRequests.delete(id);
    // A call whose request is already stored as it went: the big column is not written twice.
    const done = await this.db
      .updateTable("llm_calls")
      .set({ model: call.model, ...(stored === request ? {} : { request }), ...result })
      .where("id", "=", id)
      .executeTakeFirst();
    if (done.numUpdatedRows === 0n) throw new StoreInputError(`unknown llm call id ${id}`);
  }

  /** Replaces a started call's response so far (the offline planner adds each tool call as it makes it). */
  async setLlmCallResponse(id: number, response: unknown): Promise<void> {
    await this.db.updateTable("llm_calls").set({ response: JSON.stringify(response) }).where("id", "=", id).execute();
  }

  // ── reading ────────────────────────────────────────────────────────────────────────────────

  async getLlmCall(id: number): Promise<LlmCall | null> {
    const row = await this.db.selectFrom("llm_calls").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toLlmCall(row as Row) : null;
  }

  /** What one call led to: the agent's utterances and tool runs that carry its id. */
  async producedBy(call: LlmCall): Promise<{ messages: ReplayMessage[]; toolCalls: ReplayToolCall[] }> {
    const llmCallId =
      this.store.dialect === "postgres"
        ? sql<boolean>`(data::jsonb ->> 'llmCallId') = ${String(call.id)}`
        : sql<boolean>`json_extract(data, '$.llmCallId') = ${call.id}`;
    const [messages, tools] = await Promise.all([
      this.db.selectFrom("messages").selectAll().where("llm_call_id", "=", call.id).orderBy("at").orderBy("id").execute(),
      this.db
        .selectFrom("audit")
        .selectAll()
        .where("workspace", "=", call.workspace)
        .where("at", ">=", call.at)
        .where("kind", "=", "tool")
        .where("actor", "=", call.agentId)
        .where(llmCallId)
        .orderBy("at")
        .orderBy("id")
        .execute(),
    ]);
    return { messages: messages.map(toReplayMessage), toolCalls: tools.map(toReplayToolCall) };
  }

  /** The earliest thing recorded for a workspace (epoch ms), or null when nothing is. */
  async firstRecord(workspace: string): Promise<number | null> {
    const [sample, message, task, call] = await Promise.all([
      this.db.selectFrom("agent_samples").select((eb) => eb.fn.min("at").as("first")).where("workspace", "=", workspace).executeTakeFirst(),
      this.db.selectFrom("messages").select((eb) => eb.fn.min("at").as("first")).where("workspace", "=", workspace).executeTakeFirst(),
      this.db.selectFrom("tasks").select((eb) => eb.fn.min("created_at").as("first")).where("workspace", "=", workspace).executeTakeFirst(),
      this.db.selectFrom("llm_calls").select((eb) => eb.fn.min("at").as("first")).where("workspace", "=", workspace).executeTakeFirst(),
    ]);
    // agent_samples.at is epoch ms (a bigint on PostgreSQL, which arrives as text); the others are ISO times.
    const candidates = [sample?.first == null ? null : Number(sample.first), ms(message?.first), ms(task?.first), ms(call?.first)];
    const known = candidates.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    return known.length === 0 ? null : Math.min(...known);
  }

  /** Each agent's last sample at or before `at`. */
  async posesAt(workspace: string, at: number): Promise<ReplayPose[]> {
    const rows = await this.db
      .selectFrom("agent_samples as s")
      .innerJoin(
        (eb) =>
          eb
            .selectFrom("agent_samples")
            .select((e) => e.fn.max("id").as("id"))
            .where("workspace", "=", workspace)
            .where("at", "<=", at)
            .groupBy("agent_id")
            .as("last"),
        (join) => join.onRef("s.id", "=", "last.id"),
      )
      .selectAll("s")
      .execute();
    return rows.map(toReplayPose);
  }

  async poses(w: Window): Promise<ReplayPose[]> {
    const rows = await this.db
      .selectFrom("agent_samples")
      .selectAll()
      .where("workspace", "=", w.workspace)
      .where("at", ">", w.from)
      .where("at", "<=", w.to)
      .orderBy("at")
      .orderBy("id")
      .limit(w.limit)
      .execute();
    return rows.map(toReplayPose);
  }

  /** Every event of the workspace's tasks up to `to`, by time: the board is rebuilt from them. */
  async taskEventsUpTo(workspace: string, to: number): Promise<ReplayTaskEvent[]> {
    const rows = await this.db
      .selectFrom("task_events as e")
      .innerJoin("tasks as t", "t.id", "e.task_id")
      .selectAll("e")
      .where("t.workspace", "=", workspace)
      .where("e.at", "<=", iso(to))
      .orderBy("e.at")
      .orderBy("e.id")
      .execute();
    return rows.map((r) => ({
      id: Number(r.id),
      at: ms(r.at),
      taskId: r.task_id,
      actor: r.actor,
      kind: r.kind,
      data: JSON.parse(r.data) as Record<string, unknown>,
    }));
  }

  async messages(w: Window): Promise<ReplayMessage[]> {
    const rows = await this.db
      .selectFrom("messages")
      .selectAll()
      .where("workspace", "=", w.workspace)
      .where("at", ">", iso(w.from))
      .where("at", "<=", iso(w.to))
      .orderBy("at")
      .orderBy("id")
      .limit(w.limit)
      .execute();
    return rows.map(toReplayMessage);
  }

  async toolCalls(w: Window): Promise<ReplayToolCall[]> {
    const rows = await this.db
      .selectFrom("audit")
      .selectAll()
      .where("workspace", "=", w.workspace)
      .where("at", ">", iso(w.from))
      .where("at", "<=", iso(w.to))
      .where("kind", "=", "tool")
      .orderBy("at")
      .orderBy("id")
      .limit(w.limit)
      .execute();
    return rows.map(toReplayToolCall);
  }

  async llmCalls(w: Window): Promise<ReplayLlmCallSummary[]> {
    // Calls made at `from` itself count too: a window that starts at the first record must show the first call.
    const rows = await this.db
      .selectFrom("llm_calls")
      .select(["id", "at", "agent_id", "model", "outcome", "latency_ms"])
      .where("workspace", "=", w.workspace)
      .where("at", ">=", iso(w.from))
      .where("at", "<=", iso(w.to))
      .orderBy("at")
      .orderBy("id")
      .limit(w.limit)
      .execute();
    return rows.map((r) => ({
      id: Number(r.id),
      at: ms(r.at),
      agentId: r.agent_id,
      model: r.model,
      outcome: r.outcome,
      latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
      offline: r.model === OFFLINE_PLANNER_MODEL,
    }));
  }
}

function toReplayPose(r: Selectable<AgentSamplesTable>): ReplayPose {
  return {
    at: Number(r.at),
    agentId: r.agent_id,
    x: Number(r.x),
    z: Number(r.z),
    yaw: Number(r.yaw),
    state: r.state,
    reason: r.reason,
    taskId: r.task_id ?? null,
  };
}

function toReplayMessage(r: Selectable<MessagesTable>): ReplayMessage {
  return {
    id: Number(r.id),
    at: ms(r.at),
    fromId: r.from_id,
    fromKind: r.from_kind as ReplayMessage["fromKind"],
    toId: r.to_id,
    text: r.text,
    llmCallId: r.llm_call_id === null ? null : Number(r.llm_call_id),
  };
}

function toReplayToolCall(r: Selectable<AuditTable>): ReplayToolCall {
  const d = JSON.parse(r.data) as Record<string, unknown>;
  const result = typeof d.result === "string" ? d.result : typeof d.error === "string" ? `error: ${d.error}` : "";
  return {
    id: Number(r.id),
    at: ms(r.at),
    agentId: r.actor,
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
  if (!r) cache.set(store, (r = new ReplayStore(store)));
  return r;
}
