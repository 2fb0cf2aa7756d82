/**
 * The spectator dashboard's chart data: GET /api/stats (server/src/http/stats-api.ts). Plain
 * types and constants with no runtime dependencies, so the client can import them.
 *
 * Time is cut into buckets of `bucketMs`; each bucket says what happened in it (LLM calls that
 * finished in it, their tokens, cost, latency and errors) and how things stood (tasks by status
 * at its end, agents by state on average over it). The newest bucket is still open.
 */

/** Width of one bucket (ms). Default 10 s. */
export const STATS_BUCKET_MS = 10_000;
/** The most history one response covers, back from now (ms). Default 15 min. */
export const STATS_WINDOW_MS = 15 * 60_000;

export const STATS_TASK_STATUSES = ["todo", "doing", "review", "done", "blocked"] as const;
export type StatsTaskStatus = (typeof STATS_TASK_STATUSES)[number];

/** An agent's share of one bucket: [tokens, costUsd, calls, errors]. */
export type StatsAgentBucket = [tokens: number, costUsd: number, calls: number, errors: number];

export interface StatsBucket {
  /** Start of the bucket (epoch ms, a multiple of bucketMs). */
  t: number;
  /** LLM calls (or offline planner decisions) that finished in the bucket, and how many of those failed. */
  calls: number;
  errors: number;
  /** Prompt + completion tokens and cost (USD) of those calls. */
  tokens: number;
  costUsd: number;
  /** Median time to first token, median and 95th-percentile total latency of those calls (ms); null when none. */
  ttftMs: number | null;
  latencyMs: number | null;
  latencyP95Ms: number | null;
  /** Tasks by status at the end of the bucket (for the open bucket: now). */
  tasks: Record<StatsTaskStatus, number>;
  /** Agents in each state, on average over the bucket (e.g. 2.5 = two and a half agents thinking). */
  states: Record<string, number>;
  /** Per agent, only agents with calls that finished in the bucket. */
  agents: Record<string, StatsAgentBucket>;
}

export interface StatsAgent {
  id: string;
  name: string;
  /** Spent on LLM calls in this workspace so far (USD), all time. */
  spentUsd: number;
  /** Its budget (USD): the owner's change, else the roster's, capped by config/llm.yaml; null for none. */
  budgetUsd: number | null;
  tokens: number;
  calls: number;
  errors: number;
}

export interface StatsResponse {
  workspace: string;
  /** The server's clock when this was computed (epoch ms). */
  now: number;
  bucketMs: number;
  /** Oldest first; contiguous; the last one holds `now`. */
  buckets: StatsBucket[];
  /** Every agent of the roster, in roster order. */
  agents: StatsAgent[];
  /** Spent by all agents of the workspace so far (USD), all time. */
  spentUsd: number;
  workspaceBudgetUsd: number | null;
  /** "offline": the calls are offline planner decisions (no tokens, no cost); "llm": model calls; "none": nothing recorded yet. */
  brain: "offline" | "llm" | "none";
}
