import { useEffect, useRef, useState, type FormEvent } from "react";
import { AGENT_STATE_COLOURS } from "../../../shared/protocol/agent-messages";
import { MAX_TALK_LENGTH } from "../../../shared/constants";
import { connection } from "../engine/session";
import { appStore, useApp } from "../engine/store";

/** Picks an agent (T, or a click on its avatar) and sends it a message. */
export function TalkPanel() {
  const pickerOpen = useApp((s) => s.pickerOpen);
  const talkTo = useApp((s) => s.talkTo);
  if (talkTo) return <Conversation agentId={talkTo} />;
  if (pickerOpen) return <AgentPicker />;
  return null;
}

function AgentPicker() {
  const agents = useApp((s) => s.agents);
  const list = Object.values(agents);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const n = Number(e.key);
      if (Number.isInteger(n) && n >= 1 && n <= list.length) {
        e.preventDefault();
        appStore.setState({ talkTo: list[n - 1]!.id, pickerOpen: false });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [list]);
  return (
    <div className="hud-panel talk-panel" data-testid="agent-picker" role="dialog" aria-label="Talk to an agent">
      <strong>Talk to…</strong>
      <ol className="agent-list">
        {list.map((a, i) => (
          <li key={a.id}>
            <button className="agent-row" onClick={() => appStore.setState({ talkTo: a.id, pickerOpen: false })}>
              <kbd>{i + 1}</kbd>
              <span className="swatch" style={{ background: a.colour }} />
              <span>
                {a.name} <span className="muted">· {a.role}</span>
              </span>
              <span className="state-dot" style={{ background: AGENT_STATE_COLOURS[a.state] }} title={a.state} />
            </button>
          </li>
        ))}
      </ol>
      <div className="muted small">Press a number, or click an agent in the campus. Esc closes.</div>
    </div>
  );
}

function Conversation({ agentId }: { agentId: string }) {
  const agent = useApp((s) => s.agents[agentId]);
  const speech = useApp((s) => s.speech[agentId]);
  const [text, setText] = useState("");
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), [agentId]);
  if (!agent) return null;
  const send = (e: FormEvent) => {
    e.preventDefault();
    const t = text.trim();
    if (!t) return;
    connection.talk(agentId, t);
    setText("");
  };
  return (
    <form className="hud-panel talk-panel" data-testid="talk-panel" onSubmit={send}>
      <div className="talk-head">
        <span className="swatch" style={{ background: agent.colour }} />
        <strong>{agent.name}</strong>
        <span className="muted">· {agent.role}</span>
        <button type="button" className="close" aria-label="Close" onClick={() => appStore.setState({ talkTo: null })}>
          ×
        </button>
      </div>
      <div className="muted small" data-testid="talk-state">
        <span className="state-dot" style={{ background: AGENT_STATE_COLOURS[agent.state] }} /> {agent.state}
        {agent.reason ? `: ${agent.reason}` : ""}
        {agent.brain === "offline" ? " · offline planner" : agent.brain === "external" ? " · external agent (MCP)" : ""}
      </div>
      {speech && speech.text && (
        <p className="talk-speech" data-testid="talk-speech">
          {speech.text}
          {!speech.done && <span className="caret">▍</span>}
        </p>
      )}
      <div className="talk-input">
        <input
          ref={input}
          name="talk"
          value={text}
          maxLength={MAX_TALK_LENGTH}
          placeholder={`Say something to ${agent.name}…`}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape") appStore.setState({ talkTo: null });
          }}
        />
        <button className="primary small-button" type="submit" disabled={!text.trim()}>
          Send
        </button>
      </div>
    </form>
  );
}
