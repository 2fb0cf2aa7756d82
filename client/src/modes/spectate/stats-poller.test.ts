import { describe, expect, it } from "vitest";
import type { StatsBucket } from "../../../../shared/stats";
import { mergeBuckets, nextSince, STATS_OVERLAP_BUCKETS } from "./stats-poller";

const bucket = (t: number, calls = 0): StatsBucket => ({
  t,
  calls,
  errors: 0,
  tokens: 0,
  costUsd: 0,
  ttftMs: null,
  latencyMs: null,
  latencyP95Ms: null,
  tasks: { todo: 0, doing: 0, review: 0, done: 0, blocked: 0 },
  states: {},
  agents: {},
});

describe("merging polled stats", () => {
  it("replaces buckets by start, keeps them in order, drops those before the window", () => {
    const merged = mergeBuckets([bucket(10), bucket(20), bucket(30, 1)], [bucket(30, 5), bucket(40, 2)], 20);
    expect(merged.map((b) => [b.t, b.calls])).toEqual([
      [20, 0],
      [30, 5],
      [40, 2],
    ]);
  });

  it("asks from the last bucket held, less the overlap; everything at first", () => {
    expect(nextSince([], 10_000)).toBeNull();
    expect(nextSince([bucket(100_000), bucket(110_000)], 10_000)).toBe(110_000 - STATS_OVERLAP_BUCKETS * 10_000);
  });
});
