import { AGENT_STATE_COLOURS } from "../../../../shared/protocol/agent-messages";
import type { StatsAgent } from "../../../../shared/stats";
import type { AgentMeta, TaskMeta } from "../../engine/store";

export interface AgentCardProps {
  agent: AgentMeta;
  /** 1–9 for the focus shortcut, or null past nine. */
  hotkey: number | null;
  task: TaskMeta | null;
  /** The agent's latest utterance, or "". */
  utterance: string;
  stats: StatsAgent | null;
  focused: boolean;
  onFocus: () => void;
}

const usd = (v: number) => `$${v.toFixed(2)}`;

/** One agent on the wall: state and reason, current task, last utterance, spend against budget. */
export function AgentCard({ agent, hotkey, task, utterance, stats, focused, onFocus }: AgentCardProps) {
  const colour = AGENT_STATE_COLOURS[agent.state] ?? "#94a3b8";
  const budget = stats?.budgetUsd ?? null;
  const spent = stats?.spentUsd ?? 0;
  const share = budget ? Math.min(1, spent / budget) : 0;
  return (
    <article
      className={`sp-card${focused ? " focused" : ""}`}
      data-testid="agent-card"
      data-agent={agent.id}
      data-state={agent.state}
      style={{ borderColor: focused ? colour : undefined }}
      onClick={onFocus}
    >
      <header>
        {hotkey !== null && <kbd className="sp-hotkey">{hotkey}</kbd>}
        <i className="sp-dot" style={{ background: agent.colour }} />
        <span className="sp-name">{agent.name}</span>
        <span className="sp-state" style={{ background: colour }}>
          {agent.state === "waiting-for-human" ? "waiting" : agent.state}
        </span>
      </header>
      <p className="sp-reason">{agent.reason || agent.role}</p>
      <p className="sp-task" title={task?.title}>
        {task ? (
          <>
            <span className={`sp-task-status s-${task.status}`}>{task.status}</span> {task.title}
          </>
        ) : (
          <span className="sp-muted">no task</span>
        )}
      </p>
      <p className="sp-utterance">{utterance ? `“${utterance}”` : <span className="sp-muted">—</span>}</p>
      <footer>
        <span className="sp-spend">
          {usd(spent)}
          {budget !== null && <span className="sp-muted"> / {usd(budget)}</span>}
        </span>
        <span className="sp-bar" aria-hidden="true">
          <span style={{ width: `${share * 100}%`, background: share >= 0.9 ? "#f43f5e" : share >= 0.6 ? "#f59e0b" : "#22c55e" }} />
        </span>
        <span className="sp-tokens">{(stats?.tokens ?? 0).toLocaleString("en-US")} tok</span>
      </footer>
    </article>
  );
}
