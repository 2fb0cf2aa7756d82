import type { StatsAgentBucket, StatsBucket, StatsResponse } from "./stats";

/**
 * Chart figures pushed to spectators over the room's WebSocket (server/src/rooms/spectator-stream.ts),
 * so a wall screen does not poll GET /api/stats. Plain types and functions, no runtime
 * dependencies, so the client can import them.
 *
 * The dashboard loads its history once over HTTP (GET /api/stats) and derives tasks by status
 * and agents by state from the room state it already has (client/src/modes/spectate/work-tally.ts).
 * What only the server knows comes here: each bucket's LLM figures and the count of done tasks
 * (done cards leave the room state), sent once when the bucket closes, and nothing at all for a
 * bucket in which no call finished and no task was done or reopened.
 */

/** The message's name (server → spectators only). */
export const STATS_PUSH_MESSAGE = "stats";
/** How long after a bucket closes its figures are read and pushed (ms): a call that ends at the bucket's very end is saved by then. Default 1 s. */
export const STATS_PUSH_DELAY_MS = 1_000;

/**
 * One closed bucket, as an array to keep the message small:
 * [t, calls, errors, tokens, costUsd, ttftMs, latencyMs, latencyP95Ms, done, agents], where
 * `done` is the count of done tasks at the bucket's end, and `agents` is flat: rosterIndex,
 * tokens, costUsd, calls, errors, for each agent whose calls in the bucket had tokens, cost or
 * errors (an offline planner's decisions have none, so they cost nothing here).
 */
export type StatsPushBucket = [
  t: number,
  calls: number,
  errors: number,
  tokens: number,
  costUsd: number,
  ttftMs: number | null,
  latencyMs: number | null,
  latencyP95Ms: number | null,
  done: number,
  agents: number[],
];

/** Entries per agent in StatsPushBucket's `agents`. */
const AGENT_STRIDE = 5;

export interface StatsPush {
  /** Closed buckets, oldest first: the one that just closed, and the one before it again if late calls changed it. */
  b: StatsPushBucket[];
  /** The roster's length, which the agent indexes refer to (a client with another roster reloads). */
  n: number;
  /** Only when it changed since the last push. */
  brain?: StatsResponse["brain"];
}

/** A pushed bucket as the dashboard holds it: the LLM figures, the done count, and the agents that were sent. */
export type PushedBucket = Pick<StatsBucket, "t" | "calls" | "errors" | "tokens" | "costUsd" | "ttftMs" | "latencyMs" | "latencyP95Ms" | "agents"> & {
  done: number;
};

/** The wire form of a computed bucket; `agentIds` is the roster in order. */
export function toPushBucket(b: StatsBucket, agentIds: readonly string[]): StatsPushBucket {
  const agents: number[] = [];
  agentIds.forEach((id, i) => {
    const a = b.agents[id];
    if (a && (a[0] !== 0 || a[1] !== 0 || a[3] !== 0)) agents.push(i, a[0], a[1], a[2], a[3]);
  });
  return [b.t, b.calls, b.errors, b.tokens, b.costUsd, b.ttftMs, b.latencyMs, b.latencyP95Ms, b.tasks.done, agents];
}

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const numOrNull = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** Reads a pushed bucket; null when it is not one (a bad message changes nothing). */
export function fromPushBucket(raw: unknown, agentIds: readonly string[]): PushedBucket | null {
  if (!Array.isArray(raw) || raw.length < 10 || typeof raw[0] !== "number" || !Number.isFinite(raw[0])) return null;
  const flat: unknown[] = Array.isArray(raw[9]) ? raw[9] : [];
  const agents: Record<string, StatsAgentBucket> = {};
  for (let i = 0; i + AGENT_STRIDE <= flat.length; i += AGENT_STRIDE) {
    const id = agentIds[num(flat[i])];
    if (id !== undefined) agents[id] = [num(flat[i + 1]), num(flat[i + 2]), num(flat[i + 3]), num(flat[i + 4])];
  }
  return {
    t: raw[0],
    calls: num(raw[1]),
    errors: num(raw[2]),
    tokens: num(raw[3]),
    costUsd: num(raw[4]),
    ttftMs: numOrNull(raw[5]),
    latencyMs: numOrNull(raw[6]),
    latencyP95Ms: numOrNull(raw[7]),
    done: num(raw[8]),
    agents,
  };
}
