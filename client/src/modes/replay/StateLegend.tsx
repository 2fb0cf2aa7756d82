import { AGENT_STATE_COLOURS } from "../../../../shared/protocol/agent-messages";

/** What the agents' colours mean. */
export function StateLegend() {
  return (
    <ul className="replay-legend" aria-label="Agent states">
      {Object.entries(AGENT_STATE_COLOURS).map(([state, colour]) => (
        <li key={state}>
          <span className="dot" style={{ background: colour }} />
          {state}
        </li>
      ))}
    </ul>
  );
}
