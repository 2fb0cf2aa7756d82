import { STATS_WINDOW_MS, type StatsAgent, type StatsAgentBucket, type StatsBucket, type StatsResponse } from "../../../../shared/stats";
import { fromPushBucket, type PushedBucket, type StatsPush } from "../../../../shared/stats-push";
import type { WorkBucket } from "./work-tally";

/**
 * The dashboard's chart data as it arrives: one history answer from GET /api/stats (the whole
 * window when the dashboard opens or comes back), then the buckets the server pushes as they
 * close (shared/stats-push.ts). Pure functions; the spectate session keeps the value.
 *
 * Totals (the workspace's and each agent's spend and tokens) come with a history answer and
 * then move by what each pushed bucket adds over what was held of it: a bucket the history had
 * open, pushed whole when it closes, adds only its rest, and a bucket pushed twice adds its
 * difference. So the totals stay right whichever of a history answer and a push comes first.
 */

export interface LiveStats {
  bucketMs: number;
  /** Oldest first, by t, at most the window: the history's buckets, with the pushed LLM figures merged in. */
  buckets: StatsBucket[];
  agents: StatsAgent[];
  spentUsd: number;
  workspaceBudgetUsd: number | null;
  brain: StatsResponse["brain"];
  /** The newest bucket whose LLM figures are in: the history's open one, or the newest pushed. */
  llmThrough: number;
  /** The server's clock less this page's (ms), from the last history answer. */
  clockOffset: number;
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
const NO_AGENT: StatsAgentBucket = [0, 0, 0, 0];

export function emptyBucket(t: number): StatsBucket {
  return { t, calls: 0, errors: 0, tokens: 0, costUsd: 0, ttftMs: null, latencyMs: null, latencyP95Ms: null, tasks: { todo: 0, doing: 0, review: 0, done: 0, blocked: 0 }, states: {}, agents: {} };
}

/** The buckets of `buckets` from `windowStart` on. */
const inWindow = (buckets: readonly StatsBucket[], windowStart: number) => buckets.filter((b) => b.t >= windowStart);

/**
 * A history answer received at `clientNow` (this page's clock): its buckets replace those held
 * for the same times, and its totals, budgets and brain replace the held ones.
 */
export function withHistory(held: LiveStats | null, res: StatsResponse, clientNow: number): LiveStats {
  const byT = new Map<number, StatsBucket>();
  for (const b of held?.buckets ?? []) byT.set(b.t, b);
  for (const b of res.buckets) if (b && Number.isFinite(b.t)) byT.set(b.t, b);
  const windowStart = res.now - STATS_WINDOW_MS - res.bucketMs;
  return {
    bucketMs: res.bucketMs,
    buckets: inWindow([...byT.values()].sort((a, b) => a.t - b.t), windowStart),
    agents: res.agents,
    spentUsd: res.spentUsd,
    workspaceBudgetUsd: res.workspaceBudgetUsd,
    brain: res.brain,
    llmThrough: Math.max(held?.llmThrough ?? -Infinity, res.buckets.at(-1)?.t ?? -Infinity),
    clockOffset: res.now - clientNow,
  };
}

/**
 * A push merged in: each pushed bucket's LLM figures and done count replace the held ones, and
 * the totals move by the difference. Null when the push is for another roster (reload instead).
 * `pushed` gets the buckets as read, for the work tally's done counts.
 */
export function withPush(held: LiveStats, push: StatsPush, pushed: PushedBucket[] = []): LiveStats | null {
  if (!push || !Array.isArray(push.b) || push.n !== held.agents.length) return null;
  const ids = held.agents.map((a) => a.id);
  const byT = new Map(held.buckets.map((b) => [b.t, b]));
  const agents = new Map(held.agents.map((a) => [a.id, { ...a }]));
  let spentUsd = held.spentUsd;
  let llmThrough = held.llmThrough;
  const first = held.buckets[0]?.t ?? -Infinity;
  for (const raw of push.b) {
    const p = fromPushBucket(raw, ids);
    if (!p || p.t < first) continue;
    pushed.push(p);
    const old = byT.get(p.t) ?? emptyBucket(p.t);
    spentUsd += p.costUsd - old.costUsd;
    for (const [id, now] of Object.entries(p.agents)) {
      const was = old.agents[id] ?? NO_AGENT;
      const a = agents.get(id);
      if (!a) continue;
      a.tokens += now[0] - was[0];
      a.spentUsd = round6(a.spentUsd + now[1] - was[1]);
      a.calls += now[2] - was[2];
      a.errors += now[3] - was[3];
    }
    const { done, agents: pushedAgents, ...llm } = p;
    byT.set(p.t, { ...old, ...llm, tasks: { ...old.tasks, done }, agents: { ...old.agents, ...pushedAgents } });
    llmThrough = Math.max(llmThrough, p.t);
  }
  const newest = Math.max(...byT.keys());
  return {
    ...held,
    buckets: inWindow([...byT.values()].sort((a, b) => a.t - b.t), newest - STATS_WINDOW_MS - held.bucketMs),
    agents: ids.map((id) => agents.get(id)!),
    spentUsd: round6(spentUsd),
    brain: push.brain ?? held.brain,
    llmThrough,
  };
}

/**
 * The buckets the charts draw, oldest first and contiguous to the open one: the LLM figures from
 * `live`, tasks and states from the work tally where it has them (from its first seed on), else
 * from the history. Buckets before the window are left out.
 */
export function chartBuckets(live: LiveStats, work: readonly WorkBucket[], serverNow: number): StatsBucket[] {
  const byT = new Map(live.buckets.map((b) => [b.t, b]));
  const workByT = new Map(work.map((w) => [w.t, w]));
  const last = Math.max(live.buckets.at(-1)?.t ?? -Infinity, work.at(-1)?.t ?? -Infinity);
  const first = Math.max(live.buckets[0]?.t ?? work[0]?.t ?? last, Math.floor((serverNow - STATS_WINDOW_MS) / live.bucketMs) * live.bucketMs);
  if (!Number.isFinite(last)) return [];
  const out: StatsBucket[] = [];
  let previous: StatsBucket | null = null;
  for (let t = first; t <= last; t += live.bucketMs) {
    const base = byT.get(t);
    const w = workByT.get(t);
    const b: StatsBucket = base ?? { ...emptyBucket(t), tasks: { ...(previous?.tasks ?? emptyBucket(t).tasks) } };
    const merged: StatsBucket = w ? { ...b, tasks: w.tasks, states: w.states } : b;
    out.push(merged);
    previous = merged;
  }
  return out;
}

/**
 * The newest bucket the LLM charts may show: the newest with figures in, or a later one that
 * closed long enough ago that its push would have come (none came: nothing happened in it).
 */
export function llmShownThrough(live: LiveStats, serverNow: number, waitMs: number): number {
  const quietClosed = Math.floor((serverNow - waitMs) / live.bucketMs) * live.bucketMs - live.bucketMs;
  return Math.max(live.llmThrough, quietClosed);
}
