import type { StatsAgent, StatsBucket } from "../../../../shared/stats";
import { STATS_TASK_STATUSES } from "../../../../shared/stats";

/**
 * The dashboard's charts as uPlot data: pure functions from the stats buckets (oldest first,
 * contiguous, the last one open) to aligned columns. x is in seconds, as uPlot's time scale wants.
 */

/** Agents drawn as lines of their own in the per-agent charts; the rest are in the workspace line. Default 4. */
export const CHART_TOP_AGENTS = 4;

export type Column = (number | null)[];
export interface ChartSeries {
  label: string;
  colour: string;
  /** Shown in the legend: the newest true value (not the stacked one). */
  latest: string;
  dash?: number[];
  fill?: string;
}
export interface ChartData {
  xs: number[];
  /** One column per series, aligned with xs. */
  columns: Column[];
  series: ChartSeries[];
}

export const xsOf = (buckets: readonly StatsBucket[]) => buckets.map((b) => b.t / 1000);

/** The length of each bucket so far (ms): full, except the open one, which runs to `now`. */
function spans(buckets: readonly StatsBucket[], bucketMs: number, now: number): number[] {
  return buckets.map((b) => Math.max(1000, Math.min(bucketMs, now - b.t)));
}

/** Agents with the most tokens (then spend) first, at most `n`. */
export function topAgents(agents: readonly StatsAgent[], n = CHART_TOP_AGENTS): StatsAgent[] {
  return [...agents].sort((a, b) => b.tokens - a.tokens || b.spentUsd - a.spentUsd || a.id.localeCompare(b.id)).slice(0, n);
}

const fmtInt = (v: number) => Math.round(v).toLocaleString("en-US");

/** Tokens per minute: the workspace, and the top agents. */
export function tokensPerMinute(buckets: readonly StatsBucket[], agents: readonly StatsAgent[], colours: Record<string, string>, bucketMs: number, now: number): ChartData {
  const span = spans(buckets, bucketMs, now);
  const rate = (tokens: number, i: number) => (tokens * 60_000) / span[i]!;
  const all = buckets.map((b, i) => rate(b.tokens, i));
  const top = topAgents(agents).filter((a) => a.tokens > 0);
  const columns: Column[] = [all, ...top.map((a) => buckets.map((b, i) => rate(b.agents[a.id]?.[0] ?? 0, i)))];
  const latest = (c: Column) => fmtInt(Number(c.at(-1) ?? 0));
  return {
    xs: xsOf(buckets),
    columns,
    series: [
      { label: "Workspace", colour: "#e2e8f0", latest: latest(columns[0]!), fill: "rgba(226, 232, 240, 0.08)" },
      ...top.map((a, i) => ({ label: a.name, colour: colours[a.id] ?? "#94a3b8", latest: latest(columns[i + 1]!) })),
    ],
  };
}

/**
 * Cumulative spend at the end of each bucket: the total now, less what the later buckets spent.
 * `costOf(b)` picks the workspace's or one agent's cost in a bucket.
 */
export function cumulative(buckets: readonly StatsBucket[], totalNow: number, costOf: (b: StatsBucket) => number): number[] {
  const out = new Array<number>(buckets.length);
  let after = 0;
  for (let i = buckets.length - 1; i >= 0; i--) {
    out[i] = Math.max(0, totalNow - after);
    after += costOf(buckets[i]!);
  }
  return out;
}

const fmtUsd = (v: number) => `$${v < 10 ? v.toFixed(2) : v.toFixed(0)}`;

/** Spend against budget, in % of each budget: the workspace and the top agents that have one, and the 100 % line. */
export function spendAgainstBudget(
  buckets: readonly StatsBucket[],
  agents: readonly StatsAgent[],
  spentUsd: number,
  workspaceBudgetUsd: number | null,
  colours: Record<string, string>,
): ChartData {
  const columns: Column[] = [];
  const series: ChartSeries[] = [];
  const pct = (usd: number, budget: number) => (100 * usd) / budget;
  if (workspaceBudgetUsd) {
    columns.push(cumulative(buckets, spentUsd, (b) => b.costUsd).map((v) => pct(v, workspaceBudgetUsd)));
    series.push({ label: "Workspace", colour: "#e2e8f0", latest: `${fmtUsd(spentUsd)} of ${fmtUsd(workspaceBudgetUsd)}`, fill: "rgba(226, 232, 240, 0.08)" });
  }
  const ranked = [...agents].filter((a) => a.budgetUsd).sort((a, b) => b.spentUsd / b.budgetUsd! - a.spentUsd / a.budgetUsd! || a.id.localeCompare(b.id));
  for (const a of ranked.slice(0, CHART_TOP_AGENTS)) {
    columns.push(cumulative(buckets, a.spentUsd, (b) => b.agents[a.id]?.[1] ?? 0).map((v) => pct(v, a.budgetUsd!)));
    series.push({ label: a.name, colour: colours[a.id] ?? "#94a3b8", latest: `${fmtUsd(a.spentUsd)} of ${fmtUsd(a.budgetUsd!)}` });
  }
  columns.push(buckets.map(() => 100));
  series.push({ label: "Budget", colour: "#f43f5e", latest: "100 %", dash: [8, 6] });
  return { xs: xsOf(buckets), columns, series };
}

export const TASK_COLOURS: Record<string, string> = { todo: "#64748b", doing: "#f59e0b", review: "#a78bfa", done: "#22c55e", blocked: "#ef4444" };

/**
 * Stacked areas without bands: the columns are running sums, drawn from the top of the stack
 * down with opaque fills, so each layer covers the part of the one above it that is not its own.
 */
function stacked(buckets: readonly StatsBucket[], keys: readonly string[], valueOf: (b: StatsBucket, key: string) => number, colours: Record<string, string>, fmt: (v: number) => string): ChartData {
  const sums: number[][] = [];
  let running = buckets.map(() => 0);
  for (const key of keys) {
    running = running.map((v, i) => v + valueOf(buckets[i]!, key));
    sums.push(running);
  }
  const order = keys.map((_, i) => keys.length - 1 - i); // top of the stack first
  return {
    xs: xsOf(buckets),
    columns: order.map((i) => sums[i]!),
    series: order.map((i) => {
      const key = keys[i]!;
      const last = buckets.at(-1);
      return { label: key, colour: colours[key] ?? "#94a3b8", fill: colours[key] ?? "#94a3b8", latest: last ? fmt(valueOf(last, key)) : "0" };
    }),
  };
}

export function tasksByStatus(buckets: readonly StatsBucket[]): ChartData {
  return stacked(buckets, STATS_TASK_STATUSES, (b, k) => b.tasks[k as keyof StatsBucket["tasks"]] ?? 0, TASK_COLOURS, (v) => String(v));
}

/** States bottom to top: the busy ones first, so activity reads as the lower band. */
export const STATE_ORDER = ["working", "speaking", "thinking", "walking", "waiting-for-human", "idle", "paused", "offline"] as const;

export function agentStates(buckets: readonly StatsBucket[], stateColours: Record<string, string>): ChartData {
  return stacked(buckets, STATE_ORDER, (b, k) => b.states[k] ?? 0, stateColours, (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1)));
}

/** Median TTFT, median and p95 latency (ms, left axis) and the error rate (%, right axis). */
export function latencyAndErrors(buckets: readonly StatsBucket[]): ChartData {
  const errorRate = buckets.map((b) => (b.calls > 0 ? (100 * b.errors) / b.calls : null));
  const columns: Column[] = [buckets.map((b) => b.ttftMs), buckets.map((b) => b.latencyMs), buckets.map((b) => b.latencyP95Ms), errorRate];
  const lastOf = (c: Column, fmt: (v: number) => string) => {
    for (let i = c.length - 1; i >= 0; i--) if (c[i] !== null && c[i] !== undefined) return fmt(c[i]!);
    return "—";
  };
  const msFmt = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(0)} s` : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
  return {
    xs: xsOf(buckets),
    columns,
    series: [
      { label: "TTFT p50", colour: "#38bdf8", latest: lastOf(columns[0]!, msFmt) },
      { label: "Total p50", colour: "#34d399", latest: lastOf(columns[1]!, msFmt) },
      { label: "Total p95", colour: "#34d399", latest: lastOf(columns[2]!, msFmt), dash: [6, 5] },
      { label: "Errors", colour: "#f43f5e", latest: lastOf(columns[3]!, (v) => `${v.toFixed(0)} %`) },
    ],
  };
}

/** The charts show at least this many buckets (5 min at 10 s), even when nothing happened before. Default 30. */
export const CHART_MIN_BUCKETS = 30;

/** Leaves out the buckets before anything was recorded (a new workspace), keeping at least CHART_MIN_BUCKETS. */
export function trimQuietStart<T extends { calls: number; tasks: Record<string, number>; states: Record<string, number> }>(buckets: readonly T[]): readonly T[] {
  const quiet = (b: T) => b.calls === 0 && Object.values(b.tasks).every((n) => n === 0) && Object.keys(b.states).length === 0;
  let first = 0;
  while (first < buckets.length - CHART_MIN_BUCKETS && quiet(buckets[first]!)) first++;
  return first === 0 ? buckets : buckets.slice(first);
}
