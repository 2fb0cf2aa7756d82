import type { ReplayTimeline } from "../../../../shared/replay";
import { Icon } from "./Icon";
import { clockTime, duration } from "./replay-format";
import { REPLAY_SHORTCUTS } from "./replay-controls";

/** Title, workspace, window, what drove the agents, and the keys. */
export function ReplayHeader({ timeline }: { timeline: ReplayTimeline }) {
  const offline = timeline.llmCalls.filter((c) => c.offline).length;
  const model = timeline.llmCalls.length - offline;
  const day = new Date(timeline.from).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
  return (
    <header className="replay-header">
      <div className="replay-title">
        <span className="replay-logo" aria-hidden>
          <Icon name="play" />
        </span>
        <div>
          <h1>Replay · {timeline.workspace}</h1>
          <p>
            {day}, {clockTime(timeline.from)} – {clockTime(timeline.to)} ({duration(timeline.to - timeline.from)})
            {timeline.truncated && <span className="warn"> · the window was too long; it ends early here</span>}
          </p>
        </div>
      </div>
      <div className="replay-brains">
        {offline > 0 && (
          <span className="badge offline" title="No language model was configured: a fixed, deterministic plan drove the agents through the same tools.">
            Offline planner · {offline} decision{offline === 1 ? "" : "s"}
          </span>
        )}
        {model > 0 && (
          <span className="badge model">
            Language model · {model} call{model === 1 ? "" : "s"}
          </span>
        )}
      </div>
      <ul className="replay-keys" aria-label="Keyboard shortcuts">
        {REPLAY_SHORTCUTS.map((s) => (
          <li key={s.keys}>
            <kbd>{s.keys}</kbd> {s.description}
          </li>
        ))}
      </ul>
      <a className="replay-live" href={`/?workspace=${encodeURIComponent(timeline.workspace)}`}>
        Open the live campus
      </a>
    </header>
  );
}
