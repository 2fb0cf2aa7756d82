import { sql } from "kysely";
import type { Roster } from "../../../shared/agents";
import { OFFLINE_PLANNER_MODEL } from "../../../shared/replay";
import type { Db } from "../store/schema";
import { STATS_TASK_STATUSES, type StatsAgent, type StatsBucket, type StatsResponse, type StatsTaskStatus } from "../../../shared/stats";

/** A call started this long before a window can still finish inside it and count there (ms). Default 10 min. */
export const STATS_MAX_CALL_MS = 10 * 60_000;

export interface StatsCaps {
  /** config/llm.yaml's ceilings (USD), null for none. */
  perAgentUsd: number | null;
  perWorkspaceUsd: number | null;
}

export interface StatsInput {
  workspace: string;
  /** Epoch ms; the first bucket is the one holding `from`. */
  from: number;
  now: number;
  bucketMs: number;
}

type Row = Record<string, unknown>;

const iso = (ms: number) => new Date(ms).toISOString();
const emptyTasks = (): Record<StatsTaskStatus, number> => ({ todo: 0, doing: 0, review: 0, done: 0, blocked: 0 });
const isStatus = (s: unknown): s is StatsTaskStatus => typeof s === "string" && (STATS_TASK_STATUSES as readonly string[]).includes(s);
const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** The value at quantile q (0..1) of an ascending list (nearest rank), or null for none. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/**
 * The charts' numbers for one workspace over [from, now], read from the database with a few
 * indexed queries (run together; the same on SQLite and PostgreSQL): llm_calls (tokens, cost, latency, errors), tasks and task_events (tasks by
 * status, walked back from the current counts), agent_samples (agents by state, walked forward
 * from each agent's last sample before the window). Nothing is written.
 */
export class StatsComputer {
  constructor(
    private readonly db: Db,
    private readonly roster: Roster,
    private readonly caps: StatsCaps | null,
  ) {}

  async compute({ workspace, from, now, bucketMs }: StatsInput): Promise<StatsResponse> {
    const first = Math.floor(from / bucketMs) * bucketMs;
    const count = Math.max(1, Math.floor(now / bucketMs) - first / bucketMs + 1);
    const buckets: StatsBucket[] = [];
    for (let i = 0; i < count; i++) {
      buckets.push({ t: first + i * bucketMs, calls: 0, errors: 0, tokens: 0, costUsd: 0, ttftMs: null, latencyMs: null, latencyP95Ms: null, tasks: emptyTasks(), states: {}, agents: {} });
    }
    const [calls, taskCounts, taskEvents, statesBefore, stateChanges, totals] = await Promise.all([
      // A call counts where it finished: at + latency. Calls still pending have no usage yet.
      this.db
        .selectFrom("llm_calls")
        .select(["at", "agent_id", "model", "prompt_tokens", "completion_tokens", "cost_usd", "latency_ms", "ttft_ms", "outcome"])
        .where("at", ">", iso(first - STATS_MAX_CALL_MS))
        .where("workspace", "=", workspace)
        .where("outcome", "<>", "pending")
        .execute(),
      this.db.selectFrom("tasks").select((eb) => ["status", eb.fn.countAll().as("n")]).where("workspace", "=", workspace).groupBy("status").execute(),
      // Every status change after `from`, newest first: undone one by one to get earlier counts.
      // A task changed since `from` has updated_at >= that change (tasks_workspace_updated).
      this.db
        .selectFrom("tasks as t")
        .innerJoin("task_events as e", "e.task_id", "t.id")
        .select(["e.at", "e.kind", "e.data"])
        .where("t.workspace", "=", workspace)
        .where("t.updated_at", ">", iso(first))
        .where("e.at", ">", iso(first))
        .where("e.kind", "in", ["created", "status"])
        .orderBy("e.at", "desc")
        .orderBy("e.id", "desc")
        .execute(),
      Promise.all(
        this.roster.agents.map(async (a) => {
          const row = await this.db
            .selectFrom("agent_samples")
            .select("state")
            .where("workspace", "=", workspace)
            .where("agent_id", "=", a.id)
            .where("at", "<=", first)
            .orderBy("at", "desc")
            .orderBy("id", "desc")
            .limit(1)
            .executeTakeFirst();
          return [a.id, row?.state] as const;
        }),
      ),
      // Only the samples where an agent's state changed (a walking agent writes many of the same state).
      sql<{ at: number | string; agent_id: string; state: string }>`
        SELECT at, agent_id, state FROM (
          SELECT at, id, agent_id, state, LAG(state) OVER (PARTITION BY agent_id ORDER BY at, id) AS prev
          FROM agent_samples WHERE workspace = ${workspace} AND at > ${first} AND at <= ${now}) AS changes
        WHERE prev IS NULL OR prev <> state ORDER BY at, id`.execute(this.db),
      this.db
        .selectFrom("llm_calls")
        .select((eb) => [
          "agent_id",
          eb.fn.sum<number | string>("cost_usd").as("cost"),
          eb.fn.sum<number | string>(eb("prompt_tokens", "+", eb.ref("completion_tokens"))).as("tokens"),
          eb.fn.countAll<number | string>().as("calls"),
          eb.fn.sum<number | string>(eb.case().when("outcome", "not in", ["ok", "pending"]).then(1).else(0).end()).as("errors"),
          eb.fn.max("id").as("last"),
        ])
        .where("workspace", "=", workspace)
        .groupBy("agent_id")
        .execute(),
    ]);
    this.fillCalls(calls, buckets, first, now, bucketMs);
    this.fillTasks(taskCounts, taskEvents, buckets, now, bucketMs);
    this.fillStates(new Map(statesBefore.filter((e): e is readonly [string, string] => typeof e[1] === "string")), stateChanges.rows, buckets, first, now, bucketMs);
    const { agents, spentUsd, brain } = await this.agentTotals(workspace, totals);
    const rosterBudget = this.roster.workspaceBudgetUsd ?? null;
    return { workspace, now, bucketMs, buckets, agents, spentUsd: round(spentUsd, 6), workspaceBudgetUsd: minOf(rosterBudget, this.caps?.perWorkspaceUsd ?? null), brain };
  }

  private fillCalls(calls: readonly Row[], buckets: StatsBucket[], first: number, now: number, bucketMs: number): void {
    const ttft: number[][] = buckets.map(() => []);
    const latency: number[][] = buckets.map(() => []);
    for (const r of calls) {
      const started = Date.parse(String(r.at));
      const latencyMs = r.latency_ms === null || r.latency_ms === undefined ? null : Number(r.latency_ms);
      const ttftMs = r.ttft_ms === null || r.ttft_ms === undefined ? null : Number(r.ttft_ms);
      const lat = latencyMs ?? 0;
      const done = started + lat;
      if (!(done >= first) || done > now) continue;
      const i = Math.min(buckets.length - 1, Math.floor((done - first) / bucketMs));
      const b = buckets[i]!;
      const tokens = Number(r.prompt_tokens ?? 0) + Number(r.completion_tokens ?? 0);
      const cost = Number(r.cost_usd ?? 0);
      const failed = r.outcome !== "ok";
      b.calls++;
      b.tokens += tokens;
      b.costUsd += cost;
      if (failed) b.errors++;
      const agentId = String(r.agent_id);
      const a = (b.agents[agentId] ??= [0, 0, 0, 0]);
      a[0] += tokens;
      a[1] += cost;
      a[2]++;
      if (failed) a[3]++;
      if (latencyMs !== null) latency[i]!.push(latencyMs);
      if (ttftMs !== null) ttft[i]!.push(ttftMs);
    }
    buckets.forEach((b, i) => {
      const l = latency[i]!.sort((x, y) => x - y);
      const f = ttft[i]!.sort((x, y) => x - y);
      b.latencyMs = quantile(l, 0.5);
      b.latencyP95Ms = quantile(l, 0.95);
      b.ttftMs = quantile(f, 0.5);
      b.costUsd = round(b.costUsd, 6);
      for (const a of Object.values(b.agents)) a[1] = round(a[1], 6);
    });
  }

  private fillTasks(taskCounts: readonly Row[], events: readonly Row[], buckets: StatsBucket[], now: number, bucketMs: number): void {
    const counts = emptyTasks();
    for (const r of taskCounts) if (isStatus(r.status)) counts[r.status] = Number(r.n);
    // Walk back: bucket i's end is min(now, t + bucketMs); undo every change after it.
    let e = 0;
    for (let i = buckets.length - 1; i >= 0; i--) {
      const b = buckets[i]!;
      const end = iso(Math.min(now, b.t + bucketMs));
      for (; e < events.length && String(events[e]!.at) > end; e++) undo(counts, events[e]!);
      b.tasks = { ...counts };
    }
  }

  private fillStates(current: Map<string, string>, changes: readonly Row[], buckets: StatsBucket[], first: number, now: number, bucketMs: number): void {
    // Agent-milliseconds in each state, per bucket.
    const time: Array<Record<string, number>> = buckets.map(() => ({}));
    let cursor = first;
    const spend = (until: number) => {
      while (cursor < until) {
        const i = Math.floor((cursor - first) / bucketMs);
        const bucketEnd = first + (i + 1) * bucketMs;
        const step = Math.min(until, bucketEnd) - cursor;
        const slot = time[Math.min(i, buckets.length - 1)]!;
        for (const state of current.values()) slot[state] = (slot[state] ?? 0) + step;
        cursor += step;
      }
    };
    for (const c of changes) {
      spend(Number(c.at));
      current.set(String(c.agent_id), String(c.state));
    }
    spend(now);
    buckets.forEach((b, i) => {
      const span = Math.max(1, Math.min(now, b.t + bucketMs) - b.t);
      for (const [state, ms] of Object.entries(time[i]!)) b.states[state] = round(ms / span, 2);
    });
  }

  private async agentTotals(workspace: string, rows: readonly Row[]): Promise<{ agents: StatsAgent[]; spentUsd: number; brain: StatsResponse["brain"] }> {
    const totals = new Map<string, Row>();
    let spentUsd = 0;
    let last = 0;
    for (const r of rows) {
      totals.set(String(r.agent_id), r);
      spentUsd += Number(r.cost ?? 0);
      last = Math.max(last, Number(r.last ?? 0));
    }
    const model = last > 0 ? (await this.db.selectFrom("llm_calls").select("model").where("id", "=", last).executeTakeFirst())?.model : undefined;
    const overrides = new Map<string, string>();
    const budgetKeys = this.roster.agents.map((a) => `budget/${workspace}/${a.id}`);
    if (budgetKeys.length > 0) for (const r of await this.db.selectFrom("settings").select(["key", "value"]).where("key", "in", budgetKeys).execute()) overrides.set(r.key, r.value);
    const brain: StatsResponse["brain"] = model === undefined ? "none" : model === OFFLINE_PLANNER_MODEL ? "offline" : "llm";
    const agents = this.roster.agents.map((a): StatsAgent => {
      const t = totals.get(a.id);
      const override = Number(overrides.get(`budget/${workspace}/${a.id}`) ?? Number.NaN);
      const own = Number.isFinite(override) ? override : a.budget.usd;
      return {
        id: a.id,
        name: a.name,
        spentUsd: round(Number(t?.cost ?? 0), 6),
        budgetUsd: minOf(own, this.caps?.perAgentUsd ?? null),
        tokens: Number(t?.tokens ?? 0),
        calls: Number(t?.calls ?? 0),
        errors: Number(t?.errors ?? 0),
      };
    });
    return { agents, spentUsd, brain };
  }
}

/** Undoes one task event in the counts (walking back in time). */
function undo(counts: Record<StatsTaskStatus, number>, r: Row): void {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(String(r.data)) as Record<string, unknown>;
  } catch {
    return;
  }
  if (r.kind === "created") {
    if (isStatus(data.status)) counts[data.status] = Math.max(0, counts[data.status] - 1);
  } else if (isStatus(data.from) && isStatus(data.to)) {
    counts[data.to] = Math.max(0, counts[data.to] - 1);
    counts[data.from]++;
  }
}

function minOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
