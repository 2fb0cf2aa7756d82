import { describe, expect, it } from "vitest";
import { STATS_WINDOW_MS, type StatsAgent, type StatsBucket, type StatsResponse } from "../../../../shared/stats";
import { toPushBucket, type PushedBucket, type StatsPush } from "../../../../shared/stats-push";
import { chartBuckets, emptyBucket, llmShownThrough, withHistory, withPush } from "./live-stats";
import type { WorkBucket } from "./work-tally";

const B = 10_000;
const T = 1_800_000_000_000;
const IDS = ["iris", "bram", "otto"];

function agent(id: string, spentUsd = 0, tokens = 0): StatsAgent {
  return { id, name: id, spentUsd, budgetUsd: 1, tokens, calls: 0, errors: 0 };
}
function bucket(t: number, fields: Partial<StatsBucket> = {}): StatsBucket {
  return { ...emptyBucket(t), ...fields };
}
function answer(now: number, buckets: StatsBucket[], fields: Partial<StatsResponse> = {}): StatsResponse {
  return { workspace: "main", now, bucketMs: B, buckets, agents: IDS.map((id) => agent(id)), spentUsd: 0, workspaceBudgetUsd: 10, brain: "llm", ...fields };
}
const push = (buckets: StatsBucket[], brain?: StatsPush["brain"]): StatsPush => ({ b: buckets.map((b) => toPushBucket(b, IDS)), n: IDS.length, ...(brain ? { brain } : {}) });

describe("live stats: a history answer, then pushes", () => {
  it("a bucket the history had open, pushed whole when it closes, adds only the rest to the totals", () => {
    // At T + 4 s the open bucket T had one call of iris: 100 tokens, $0.01.
    const partial = bucket(T, { calls: 1, tokens: 100, costUsd: 0.01, agents: { iris: [100, 0.01, 1, 0] }, tasks: { todo: 1, doing: 1, review: 0, done: 3, blocked: 0 }, states: { idle: 2 } });
    const history = answer(T + 4_000, [bucket(T - B), partial], { agents: [agent("iris", 0.25, 2_000), agent("bram"), agent("otto")], spentUsd: 0.25 });
    const live = withHistory(null, history, T + 3_000);
    expect(live.clockOffset).toBe(1_000);
    expect(live.llmThrough).toBe(T);
    // Closed: iris made a second call, bram one that failed.
    const whole = bucket(T, { calls: 3, errors: 1, tokens: 250, costUsd: 0.025, ttftMs: 300, latencyMs: 900, latencyP95Ms: 1_500, agents: { iris: [200, 0.02, 2, 0], bram: [50, 0.005, 1, 1] }, tasks: { todo: 0, doing: 0, review: 0, done: 4, blocked: 0 } });
    const pushed: PushedBucket[] = [];
    const next = withPush(live, push([whole], "llm"), pushed)!;
    expect(next.spentUsd).toBe(0.265);
    expect(next.agents.map((a) => [a.id, a.spentUsd, a.tokens, a.calls, a.errors])).toEqual([
      ["iris", 0.26, 2_100, 1, 0],
      ["bram", 0.005, 50, 1, 1],
      ["otto", 0, 0, 0, 0],
    ]);
    const b = next.buckets.find((x) => x.t === T)!;
    expect(b).toMatchObject({ calls: 3, errors: 1, tokens: 250, costUsd: 0.025, ttftMs: 300, latencyMs: 900, latencyP95Ms: 1_500 });
    // The done count is the server's; the other task counts and the states stay the history's (the tally has the live ones).
    expect(b.tasks).toEqual({ todo: 1, doing: 1, review: 0, done: 4, blocked: 0 });
    expect(b.states).toEqual({ idle: 2 });
    expect(pushed.map((p) => [p.t, p.done])).toEqual([[T, 4]]);
    // Pushed twice (a late call): only the difference counts.
    const again = withPush(next, push([{ ...whole, calls: 4, tokens: 260, costUsd: 0.026, agents: { ...whole.agents, otto: [10, 0.001, 1, 0] } }]))!;
    expect(again.spentUsd).toBe(0.266);
    expect(again.agents.find((a) => a.id === "otto")).toMatchObject({ spentUsd: 0.001, tokens: 10 });
    expect(again.agents.find((a) => a.id === "iris")).toMatchObject({ spentUsd: 0.26, tokens: 2_100 });
  });

  it("an offline planner's decisions (no tokens, no cost) leave the agents' entries and the totals as they were", () => {
    const history = answer(T + 1_000, [bucket(T, { calls: 4, agents: { iris: [0, 0, 4, 0] } })], { brain: "offline" });
    const live = withHistory(null, history, T + 1_000);
    const next = withPush(live, push([bucket(T, { calls: 9, latencyMs: 40, agents: { iris: [0, 0, 6, 0], bram: [0, 0, 3, 0] } })]))!;
    const b = next.buckets.find((x) => x.t === T)!;
    expect(b.calls).toBe(9);
    expect(b.agents).toEqual({ iris: [0, 0, 4, 0] }); // not sent: kept as it was
    expect(next.agents.map((a) => a.calls)).toEqual([0, 0, 0]);
    expect(next.spentUsd).toBe(0);
    expect(next.brain).toBe("offline");
  });

  it("a history answer that comes after a push replaces the totals; the pushes since its request are applied again", () => {
    const live = withHistory(null, answer(T + 1_000, [bucket(T)], { spentUsd: 1 }), T + 1_000);
    const p = push([bucket(T, { calls: 1, costUsd: 0.5, agents: { iris: [10, 0.5, 1, 0] } })]);
    const pushed = withPush(live, p)!;
    expect(pushed.spentUsd).toBe(1.5);
    // The answer was computed before the bucket closed (it says 1.2 spent, 0.2 of it in the open bucket T).
    let again = withHistory(pushed, answer(T + 5_000, [bucket(T, { calls: 1, costUsd: 0.2, agents: { iris: [4, 0.2, 1, 0] } })], { spentUsd: 1.2, agents: [agent("iris", 1.2, 4), agent("bram"), agent("otto")] }), T + 5_000);
    again = withPush(again, p)!;
    expect(again.spentUsd).toBe(1.5);
    expect(again.agents[0]).toMatchObject({ spentUsd: 1.5, tokens: 10 });
  });

  it("a push for another roster is refused (the dashboard reloads); one for a bucket before the window is ignored", () => {
    const live = withHistory(null, answer(T + 1_000, [bucket(T - B), bucket(T)]), T + 1_000);
    expect(withPush(live, { b: [], n: 7 })).toBeNull();
    const next = withPush(live, push([bucket(T - 2 * B, { calls: 5, costUsd: 1 })]))!;
    expect(next.spentUsd).toBe(0);
    expect(next.buckets.map((b) => b.t)).toEqual([T - B, T]);
  });

  it("keeps the window: buckets older than it leave as new ones are pushed", () => {
    const live = withHistory(null, answer(T, [bucket(T - STATS_WINDOW_MS), bucket(T)]), T);
    const later = T + 5 * B;
    const next = withPush(live, push([bucket(later, { calls: 1 })]))!;
    expect(next.buckets.map((b) => b.t)).toEqual([T, later]);
  });
});

describe("live stats: what the charts draw", () => {
  it("the history's buckets, then one per bucket to the open one; tasks and states from the tally where it has them", () => {
    const live = withHistory(null, answer(T + 3_000, [bucket(T - B, { calls: 2, tasks: { todo: 2, doing: 0, review: 0, done: 1, blocked: 0 }, states: { idle: 3 } }), bucket(T, { calls: 1 })]), T + 3_000);
    const work: WorkBucket[] = [
      { t: T, tasks: { todo: 1, doing: 1, review: 0, done: 1, blocked: 0 }, states: { thinking: 3 } },
      { t: T + B, tasks: { todo: 0, doing: 2, review: 0, done: 1, blocked: 0 }, states: { working: 3 } },
      { t: T + 2 * B, tasks: { todo: 0, doing: 1, review: 0, done: 2, blocked: 0 }, states: { working: 2, idle: 1 } },
    ];
    const next = withPush(live, push([bucket(T + B, { calls: 7 })]))!;
    const drawn = chartBuckets(next, work, T + 2 * B + 4_000);
    expect(drawn.map((b) => [b.t - T, b.calls, b.tasks.doing, Object.keys(b.states).join()])).toEqual([
      [-B, 2, 0, "idle"],
      [0, 1, 1, "thinking"],
      [B, 7, 2, "working"],
      [2 * B, 0, 1, "working,idle"],
    ]);
  });

  it("the LLM charts run to the newest bucket with figures, or to one that closed long enough ago with none", () => {
    const live = withHistory(null, answer(T + 1_000, [bucket(T)]), T + 1_000);
    expect(llmShownThrough(live, T + B + 1_000, 3_000)).toBe(T); // T closed 1 s ago: its push may still come
    expect(llmShownThrough(live, T + B + 3_000, 3_000)).toBe(T); // …and it is still the history's open one
    expect(llmShownThrough(live, T + 2 * B + 3_000, 3_000)).toBe(T + B); // T + B closed 3 s ago with no push: nothing happened in it
    const pushed = withPush(live, push([bucket(T + B, { calls: 1 })]))!;
    expect(llmShownThrough(pushed, T + 2 * B + 1_000, 3_000)).toBe(T + B);
  });
});
