import { useMemo } from "react";
import { useApp } from "../../engine/store";
import { spectateStore, useSpectate } from "../../modes/spectate/spectate-store";
import { AgentCard } from "./AgentCard";

/** The agents in a stable order (the room's: the roster's), as the focus keys 1–9 count them. */
export function useAgentOrder(): string[] {
  const agents = useApp((s) => s.agents);
  return useMemo(() => Object.keys(agents), [agents]);
}

/** Per-agent cards: state and reason, current task, last utterance, spend. */
export function AgentCards() {
  const agents = useApp((s) => s.agents);
  const tasks = useApp((s) => s.tasks);
  const speech = useApp((s) => s.speech);
  const stats = useSpectate((s) => s.stats.agents);
  const focusId = useSpectate((s) => s.focusId);
  const order = useAgentOrder();
  const statsById = useMemo(() => new Map(stats.map((a) => [a.id, a])), [stats]);
  return (
    <section className="sp-cards" aria-label="Agents" data-testid="agent-cards">
      {order.map((id, i) => {
        const a = agents[id]!;
        return (
          <AgentCard
            key={id}
            agent={a}
            hotkey={i < 9 ? i + 1 : null}
            task={a.taskId ? (tasks[a.taskId] ?? null) : null}
            utterance={speech[id]?.text.replace(/\s+/g, " ").trim() ?? ""}
            stats={statsById.get(id) ?? null}
            focused={focusId === id}
            onFocus={() => spectateStore.setState({ focusId: focusId === id ? null : id })}
          />
        );
      })}
    </section>
  );
}
