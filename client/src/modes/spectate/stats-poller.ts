import { STATS_WINDOW_MS, type StatsBucket, type StatsResponse } from "../../../../shared/stats";
import { spectateStore } from "./spectate-store";

/** How often the dashboard asks for new chart data (ms): once per bucket (STATS_BUCKET_MS). Default 10 s. */
export const STATS_POLL_MS = 10_000;
/** Closed buckets asked for again with each poll, besides the open one (late-finishing calls). Default 1. */
export const STATS_OVERLAP_BUCKETS = 1;

/**
 * `existing` with `incoming` merged in by bucket start (a newer copy of a bucket replaces the
 * old one), oldest first, without buckets that start before `windowStart`.
 */
export function mergeBuckets(existing: readonly StatsBucket[], incoming: readonly StatsBucket[], windowStart: number): StatsBucket[] {
  const byT = new Map<number, StatsBucket>();
  for (const b of existing) if (b.t >= windowStart) byT.set(b.t, b);
  for (const b of incoming) if (b && Number.isFinite(b.t) && b.t >= windowStart) byT.set(b.t, b);
  return [...byT.values()].sort((a, b) => a.t - b.t);
}

/** The `since` of the next poll: the start of the last bucket held, less the overlap; none at first. */
export function nextSince(buckets: readonly StatsBucket[], bucketMs: number): number | null {
  const last = buckets.at(-1);
  return last ? last.t - STATS_OVERLAP_BUCKETS * bucketMs : null;
}

/**
 * Polls GET /api/stats: the whole window once, then only the newest buckets, every
 * STATS_POLL_MS (not while the page is hidden). Results go to the spectate store.
 */
export class StatsPoller {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;

  constructor(
    private readonly workspace: string,
    private readonly intervalMs = STATS_POLL_MS,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.poll();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.poll(), this.intervalMs);
  }

  async poll(): Promise<void> {
    if (typeof document !== "undefined" && document.hidden) return this.schedule();
    const { stats } = spectateStore.getState();
    const since = nextSince(stats.buckets, stats.bucketMs);
    const query = new URLSearchParams({ workspace: this.workspace });
    if (since !== null) query.set("since", String(since));
    try {
      const res = await fetch(`/api/stats?${query}`, { cache: "no-store" });
      const text = await res.text();
      const body = JSON.parse(text) as StatsResponse & { error?: string };
      if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
      spectateStore.setState((s) => ({
        stats: {
          buckets: mergeBuckets(s.stats.buckets, body.buckets, body.now - STATS_WINDOW_MS - body.bucketMs),
          agents: body.agents,
          spentUsd: body.spentUsd,
          workspaceBudgetUsd: body.workspaceBudgetUsd,
          brain: body.brain,
          bucketMs: body.bucketMs,
          now: body.now,
        },
        statsError: null,
        statsPolls: s.statsPolls + 1,
        statsBytes: s.statsBytes + text.length,
      }));
    } catch (err) {
      spectateStore.setState({ statsError: `Charts: ${err instanceof Error ? err.message : String(err)}` });
    }
    this.schedule();
  }
}
