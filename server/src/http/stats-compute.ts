import type Database from "better-sqlite3";
import type { Roster } from "../../../shared/agents";
import { OFFLINE_PLANNER_MODEL } from "../../../shared/replay";
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
 * indexed queries: llm_calls (tokens, cost, latency, errors), tasks and task_events (tasks by
 * status, walked back from the current counts), agent_samples (agents by state, walked forward
 * from each agent's last sample before the window). Nothing is written.
 */
export class StatsComputer {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly roster: Roster,
    private readonly caps: StatsCaps | null,
  ) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      // A call counts where it finished: at + latency. Calls still pending have no usage yet.
      calls: p(`SELECT at, agent_id, model, prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms, outcome
                FROM llm_calls WHERE at > ? AND workspace = ? AND outcome <> 'pending'`),
      totals: p(`SELECT agent_id, SUM(cost_usd) AS cost, SUM(prompt_tokens + completion_tokens) AS tokens, COUNT(*) AS calls,
                   SUM(CASE WHEN outcome NOT IN ('ok', 'pending') THEN 1 ELSE 0 END) AS errors, MAX(id) AS last
                 FROM llm_calls WHERE workspace = ? GROUP BY agent_id`),
      lastModel: p("SELECT model FROM llm_calls WHERE id = ?").pluck(),
      taskCounts: p("SELECT status, COUNT(*) AS n FROM tasks WHERE workspace = ? GROUP BY status"),
      // Every status change after `from`, newest first: undone one by one to get earlier counts.
      // A task changed since `from` has updated_at >= that change (tasks_workspace_updated).
      taskEvents: p(`SELECT e.at, e.kind, e.data FROM tasks t JOIN task_events e ON e.task_id = t.id
                     WHERE t.workspace = @workspace AND t.updated_at > @from AND e.at > @from AND e.kind IN ('created', 'status')
                     ORDER BY e.at DESC, e.id DESC`),
      stateBefore: p(`SELECT state FROM agent_samples WHERE workspace = ? AND agent_id = ? AND at <= ? ORDER BY at DESC, id DESC LIMIT 1`).pluck(),
      // Only the samples where an agent's state changed (a walking agent writes many of the same state).
      stateChanges: p(`SELECT at, agent_id, state FROM (
                         SELECT at, id, agent_id, state, LAG(state) OVER (PARTITION BY agent_id ORDER BY at, id) AS prev
                         FROM agent_samples WHERE workspace = @workspace AND at > @from AND at <= @now)
                       WHERE prev IS NULL OR prev <> state ORDER BY at, id`),
      budgetOverride: p("SELECT value FROM settings WHERE key = ?").pluck(),
    };
  }

  compute({ workspace, from, now, bucketMs }: StatsInput): StatsResponse {
    const first = Math.floor(from / bucketMs) * bucketMs;
    const count = Math.max(1, Math.floor(now / bucketMs) - first / bucketMs + 1);
    const buckets: StatsBucket[] = [];
    for (let i = 0; i < count; i++) {
      buckets.push({ t: first + i * bucketMs, calls: 0, errors: 0, tokens: 0, costUsd: 0, ttftMs: null, latencyMs: null, latencyP95Ms: null, tasks: emptyTasks(), states: {}, agents: {} });
    }
    this.fillCalls(workspace, buckets, first, now, bucketMs);
    this.fillTasks(workspace, buckets, first, now, bucketMs);
    this.fillStates(workspace, buckets, first, now, bucketMs);
    const { agents, spentUsd, brain } = this.agentTotals(workspace);
    const rosterBudget = this.roster.workspaceBudgetUsd ?? null;
    return { workspace, now, bucketMs, buckets, agents, spentUsd: round(spentUsd, 6), workspaceBudgetUsd: minOf(rosterBudget, this.caps?.perWorkspaceUsd ?? null), brain };
  }

  private fillCalls(workspace: string, buckets: StatsBucket[], first: number, now: number, bucketMs: number): void {
    const ttft: number[][] = buckets.map(() => []);
    const latency: number[][] = buckets.map(() => []);
    for (const r of this.s.calls.all(iso(first - STATS_MAX_CALL_MS), workspace) as Row[]) {
      const started = Date.parse(String(r.at));
      const lat = typeof r.latency_ms === "number" ? r.latency_ms : 0;
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
      if (typeof r.latency_ms === "number") latency[i]!.push(r.latency_ms);
      if (typeof r.ttft_ms === "number") ttft[i]!.push(r.ttft_ms);
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

  private fillTasks(workspace: string, buckets: StatsBucket[], first: number, now: number, bucketMs: number): void {
    const counts = emptyTasks();
    for (const r of this.s.taskCounts.all(workspace) as Row[]) if (isStatus(r.status)) counts[r.status] = Number(r.n);
    const events = this.s.taskEvents.all({ workspace, from: iso(first) }) as Row[];
    // Walk back: bucket i's end is min(now, t + bucketMs); undo every change after it.
    let e = 0;
    for (let i = buckets.length - 1; i >= 0; i--) {
      const b = buckets[i]!;
      const end = iso(Math.min(now, b.t + bucketMs));
      for (; e < events.length && String(events[e]!.at) > end; e++) undo(counts, events[e]!);
      b.tasks = { ...counts };
    }
  }

  private fillStates(workspace: string, buckets: StatsBucket[], first: number, now: number, bucketMs: number): void {
    const current = new Map<string, string>();
    for (const a of this.roster.agents) {
      const s = this.s.stateBefore.get(workspace, a.id, first) as string | undefined;
      if (s) current.set(a.id, s);
    }
    const changes = this.s.stateChanges.all({ workspace, from: first, now }) as Row[];
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

  private agentTotals(workspace: string): { agents: StatsAgent[]; spentUsd: number; brain: StatsResponse["brain"] } {
    const totals = new Map<string, Row>();
    let spentUsd = 0;
    let last = 0;
    for (const r of this.s.totals.all(workspace) as Row[]) {
      totals.set(String(r.agent_id), r);
      spentUsd += Number(r.cost ?? 0);
      last = Math.max(last, Number(r.last ?? 0));
    }
    const model = last > 0 ? (this.s.lastModel.get(last) as string | undefined) : undefined;
    const brain: StatsResponse["brain"] = model === undefined ? "none" : model === OFFLINE_PLANNER_MODEL ? "offline" : "llm";
    const agents = this.roster.agents.map((a): StatsAgent => {
      const t = totals.get(a.id);
      const override = Number(this.s.budgetOverride.get(`budget/${workspace}/${a.id}`) ?? Number.NaN);
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
