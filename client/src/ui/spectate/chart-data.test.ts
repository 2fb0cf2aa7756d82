import { describe, expect, it } from "vitest";
import type { StatsAgent, StatsBucket } from "../../../../shared/stats";
import { agentStates, CHART_MIN_BUCKETS, cumulative, trimQuietStart, latencyAndErrors, spendAgainstBudget, tasksByStatus, tokensPerMinute, topAgents } from "./chart-data";

const B = 10_000;
function bucket(t: number, fields: Partial<StatsBucket> = {}): StatsBucket {
  return {
    t,
    calls: 0,
    errors: 0,
    tokens: 0,
    costUsd: 0,
    ttftMs: null,
    latencyMs: null,
    latencyP95Ms: null,
    tasks: { todo: 0, doing: 0, review: 0, done: 0, blocked: 0 },
    states: {},
    agents: {},
    ...fields,
  };
}
const agent = (id: string, spentUsd: number, budgetUsd: number | null, tokens = 0): StatsAgent => ({ id, name: id.toUpperCase(), spentUsd, budgetUsd, tokens, calls: 0, errors: 0 });

describe("chart data", () => {
  it("tokens per minute: full buckets by their width, the open one by the time so far", () => {
    const buckets = [bucket(0, { tokens: 100, agents: { a: [100, 0, 1, 0] } }), bucket(B, { tokens: 50, agents: { a: [20, 0, 1, 0], b: [30, 0, 1, 0] } })];
    const d = tokensPerMinute(buckets, [agent("a", 0, 1, 120), agent("b", 0, 1, 30), agent("c", 0, 1, 0)], { a: "#111111" }, B, B + 5_000);
    expect(d.xs).toEqual([0, 10]);
    expect(d.columns[0]).toEqual([600, 600]);
    expect(d.columns[1]).toEqual([600, 240]);
    expect(d.series.map((s) => s.label)).toEqual(["Workspace", "A", "B"]); // c has no tokens
    expect(d.series[1]!.colour).toBe("#111111");
    expect(d.series[0]!.latest).toBe("600");
  });

  it("cumulative spend walks back from the total now", () => {
    const buckets = [bucket(0, { costUsd: 1 }), bucket(B, { costUsd: 2 }), bucket(2 * B, { costUsd: 3 })];
    expect(cumulative(buckets, 10, (b) => b.costUsd)).toEqual([5, 7, 10]);
  });

  it("spend against budget in % of each budget, with the 100 % line", () => {
    const buckets = [bucket(0, { costUsd: 1, agents: { a: [0, 1, 1, 0] } }), bucket(B, { costUsd: 1, agents: { a: [0, 1, 1, 0] } })];
    const d = spendAgainstBudget(buckets, [agent("a", 2, 4), agent("b", 0, null)], 2, 8, {});
    expect(d.series.map((s) => s.label)).toEqual(["Workspace", "A", "Budget"]);
    expect(d.columns[0]).toEqual([12.5, 25]);
    expect(d.columns[1]).toEqual([25, 50]);
    expect(d.columns[2]).toEqual([100, 100]);
    expect(d.series[1]!.latest).toBe("$2.00 of $4.00");
    // No workspace budget: agents only.
    expect(spendAgainstBudget(buckets, [agent("a", 2, 4)], 2, null, {}).series.map((s) => s.label)).toEqual(["A", "Budget"]);
  });

  it("stacks tasks and states from the top down, with the true newest values in the legend", () => {
    const d = tasksByStatus([bucket(0, { tasks: { todo: 2, doing: 1, review: 0, done: 3, blocked: 1 } })]);
    expect(d.series.map((s) => s.label)).toEqual(["blocked", "done", "review", "doing", "todo"]);
    expect(d.columns.map((c) => c[0])).toEqual([7, 6, 3, 3, 2]);
    expect(d.series.map((s) => s.latest)).toEqual(["1", "3", "0", "1", "2"]);
    const s = agentStates([bucket(0, { states: { working: 1.5, idle: 2 } })], { working: "#f00" });
    expect(s.series.at(-1)!.label).toBe("working");
    expect(s.columns.at(-1)![0]).toBe(1.5);
    expect(s.columns[0]![0]).toBe(3.5);
    expect(s.series.at(-1)!.latest).toBe("1.5");
  });

  it("latency and error rate; gaps where nothing finished", () => {
    const d = latencyAndErrors([bucket(0, { calls: 4, errors: 1, ttftMs: 300, latencyMs: 1200, latencyP95Ms: 4000 }), bucket(B)]);
    expect(d.columns).toEqual([
      [300, null],
      [1200, null],
      [4000, null],
      [25, null],
    ]);
    expect(d.series.map((s) => s.latest)).toEqual(["300 ms", "1.2 s", "4.0 s", "25 %"]);
  });

  it("ranks agents by tokens, then spend", () => {
    expect(topAgents([agent("a", 1, 1, 5), agent("b", 2, 1, 9), agent("c", 3, 1, 5)], 2).map((a) => a.id)).toEqual(["b", "c"]);
  });

  it("leaves out the quiet buckets before anything was recorded, keeping at least the minimum", () => {
    const quiet = Array.from({ length: 50 }, (_, i) => bucket(i * B));
    expect(trimQuietStart(quiet)).toHaveLength(CHART_MIN_BUCKETS);
    const busy = [...quiet.slice(0, 45), bucket(45 * B, { calls: 1 }), ...quiet.slice(46)];
    expect(trimQuietStart(busy)[0]!.t).toBe(Math.min(45 * B, (50 - CHART_MIN_BUCKETS) * B));
    const short = quiet.slice(0, 10);
    expect(trimQuietStart(short)).toBe(short);
  });
});
