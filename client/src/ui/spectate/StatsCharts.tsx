import { useMemo } from "react";
import { AGENT_STATE_COLOURS } from "../../../../shared/protocol/agent-messages";
import { useApp } from "../../engine/store";
import { useSpectate } from "../../modes/spectate/spectate-store";
import { agentStates, latencyAndErrors, spendAgainstBudget, tasksByStatus, tokensPerMinute, trimQuietStart } from "./chart-data";
import { UPlotChart } from "./UPlotChart";

const count = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(0)}k` : v >= 1000 ? `${(v / 1000).toFixed(1)}k` : String(Math.round(v * 10) / 10));
const msAxis = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)}s` : `${Math.round(v)}ms`);

/** The live charts row: tokens, spend against budget, tasks, agent states, latency and errors. */
export function StatsCharts({ scale }: { scale: number }) {
  const stats = useSpectate((s) => s.stats);
  const agentsMeta = useApp((s) => s.agents);
  const colours = useMemo(() => Object.fromEntries(Object.values(agentsMeta).map((a) => [a.id, a.colour])), [agentsMeta]);
  const charts = useMemo(() => {
    const { agents, bucketMs, now, spentUsd, workspaceBudgetUsd, llmThrough } = stats;
    const buckets = trimQuietStart(stats.buckets);
    // A bucket's LLM figures come when it closes: those charts end at the last closed bucket.
    const llm = buckets.filter((b) => b.t <= llmThrough);
    return {
      tokens: tokensPerMinute(llm, agents, colours, bucketMs, now),
      spend: spendAgainstBudget(llm, agents, spentUsd, workspaceBudgetUsd, colours),
      tasks: tasksByStatus(buckets),
      states: agentStates(buckets, AGENT_STATE_COLOURS),
      latency: latencyAndErrors(llm),
    };
  }, [stats, colours]);
  const offline = stats.brain === "offline";
  const minutes = Math.max(1, Math.round((charts.tasks.xs.length * stats.bucketMs) / 60_000));
  return (
    <section className="sp-charts" aria-label="Live charts" data-testid="spectate-charts">
      <UPlotChart
        testId="chart-tokens"
        title="Tokens per minute"
        subtitle={offline ? "offline planner: no model, no tokens" : `workspace and busiest agents · last ${minutes} min`}
        data={charts.tokens}
        scale={scale}
        format={count}
      />
      <UPlotChart
        testId="chart-spend"
        title="Spend against budget"
        subtitle={offline ? "offline planner spends nothing" : "% of each budget used"}
        data={charts.spend}
        scale={scale}
        format={(v) => `${Math.round(v)}%`}
        range={[0, 110]}
      />
      <UPlotChart testId="chart-tasks" title="Tasks by status" subtitle="stacked, at each moment" data={charts.tasks} scale={scale} format={count} />
      <UPlotChart testId="chart-states" title="Agents by state" subtitle="stacked, averaged per 10 s" data={charts.states} scale={scale} format={count} />
      <UPlotChart
        testId="chart-latency"
        title={offline ? "Decision time & errors" : "LLM latency & errors"}
        subtitle={offline ? "offline planner decisions (no TTFT)" : "time to first token, total; error rate"}
        data={charts.latency}
        scale={scale}
        format={msAxis}
        percentSeries={[3]}
      />
    </section>
  );
}
