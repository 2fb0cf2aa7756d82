import { useEffect, useMemo, useRef } from "react";
import { countUpTo, type ReplayMessage, type ReplayTimeline, type ReplayToolCall } from "../../../../shared/replay";
import { clockTime, shortArgs } from "./replay-format";
import { useReplayUi } from "./replay-ui";

/** Entries the log shows at once, newest first. */
export const LOG_ENTRIES = 120;

type Entry = { kind: "message"; at: number; item: ReplayMessage } | { kind: "tool"; at: number; item: ReplayToolCall };

/**
 * What was said and done up to the cursor, newest first. An agent's utterance or tool run is a
 * button: it opens the exact prompt and response behind it.
 */
export function ReplayLog({ timeline }: { timeline: ReplayTimeline }) {
  const t = useReplayUi((s) => s.t);
  const open = useReplayUi((s) => s.provenance);
  const agentId = useReplayUi((s) => s.agentId);
  const list = useRef<HTMLOListElement>(null);
  const entries = useMemo<Entry[]>(() => {
    const all: Entry[] = [
      ...timeline.messages.filter((m) => m.at >= timeline.from).map((item): Entry => ({ kind: "message", at: item.at, item })),
      ...timeline.toolCalls.map((item): Entry => ({ kind: "tool", at: item.at, item })),
    ];
    return all.sort((a, b) => a.at - b.at || (a.kind === b.kind ? a.item.id - b.item.id : a.kind === "message" ? -1 : 1));
  }, [timeline]);
  const names = useMemo(() => new Map(timeline.agents.map((a) => [a.id, a])), [timeline]);
  const upTo = countUpTo(entries, t);
  const shown = entries.slice(Math.max(0, upTo - LOG_ENTRIES), upTo).reverse();

  // New entries arrive at the top: keep the newest in view.
  useEffect(() => {
    if (list.current) list.current.scrollTop = 0;
  }, [upTo]);

  return (
    <section className="replay-log" aria-label="What was said and done" data-testid="replay-log">
      <div className="panel-head">
        <h2>Log</h2>
        <span className="hint">click a line to see the prompt behind it</span>
      </div>
      <ol ref={list}>
        {shown.length === 0 && <li className="empty">Nothing said or done yet at this moment.</li>}
        {shown.map((e) => {
          const from = e.kind === "message" ? e.item.fromId : e.item.agentId;
          const agent = names.get(from);
          const isOpen = open?.kind === e.kind && open.id === e.item.id;
          const mine = agentId !== null && from === agentId;
          const body =
            e.kind === "message" ? (
              <>
                <span className="text">{e.item.text}</span>
              </>
            ) : (
              <>
                <code className={`tool${e.item.ok ? "" : " failed"}`}>{e.item.tool}</code>
                <span className="args">{shortArgs(e.item.arguments)}</span>
                <span className="result">→ {e.item.result}</span>
              </>
            );
          const head = (
            <span className="who" style={{ color: agent?.colour ?? "#eef3f7" }}>
              {agent?.name ?? from}
              {e.kind === "message" && e.item.fromKind !== "agent" && <em> ({e.item.fromKind})</em>}
            </span>
          );
          const llmCallId = e.kind === "message" ? e.item.llmCallId : e.item.llmCallId;
          return (
            <li key={`${e.kind}${e.item.id}`} className={`${e.kind}${isOpen ? " open" : ""}${mine ? " mine" : ""}`}>
              <time>{clockTime(e.at)}</time>
              {llmCallId !== null ? (
                <button
                  className="entry"
                  data-testid={`log-${e.kind}`}
                  onClick={() => useReplayUi.setState({ provenance: { kind: e.kind, id: e.item.id, llmCallId } })}
                  title="Show the prompt and response behind this"
                >
                  {head}
                  {body}
                </button>
              ) : (
                <div className="entry plain">
                  {head}
                  {body}
                </div>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
