import { useEffect, useState } from "react";
import { useApp } from "../../engine/store";
import { replayLink } from "../../modes/spectate/spectate-keys";
import { useSpectate } from "../../modes/spectate/spectate-store";
import { ACTIVE_STATES } from "../../modes/spectate/tour";

const usd = (v: number) => `$${v.toFixed(2)}`;

/** Workspace, connection, clock, and the headline numbers: busy agents, open and done tasks, spend. */
export function SpectateHeader() {
  const workspace = useApp((s) => s.workspace);
  const status = useApp((s) => s.status);
  const statusDetail = useApp((s) => s.statusDetail);
  const agents = useApp((s) => s.agents);
  const tasks = useApp((s) => s.tasks);
  const people = useApp((s) => s.people);
  const stats = useSpectate((s) => s.stats);
  const statsError = useSpectate((s) => s.statsError);
  const view = useSpectate((s) => s.view);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const all = Object.values(agents);
  const busy = all.filter((a) => ACTIVE_STATES.has(a.state)).length;
  const cards = Object.values(tasks);
  const open = cards.filter((t) => t.status !== "done").length;
  const done = stats.buckets.at(-1)?.tasks.done ?? cards.filter((t) => t.status === "done").length;
  const brain = stats.brain === "offline" ? "offline planner" : stats.brain === "llm" ? "language model" : "—";
  return (
    <header className="sp-header">
      <h1>
        Atrium <span className="sp-muted">· {workspace} · spectator</span>
      </h1>
      <span className={`sp-conn ${status}`} title={statusDetail} data-testid="spectate-status" data-status={status}>
        {status === "connected" ? "● Live" : status}
      </span>
      <dl className="sp-kpis">
        <div>
          <dt>Agents busy</dt>
          <dd data-testid="kpi-busy">
            {busy}/{all.length}
          </dd>
        </div>
        <div>
          <dt>People</dt>
          <dd>{Object.keys(people).length}</dd>
        </div>
        <div>
          <dt>Tasks open</dt>
          <dd>{open}</dd>
        </div>
        <div>
          <dt>Done</dt>
          <dd>{done}</dd>
        </div>
        <div>
          <dt>Spend</dt>
          <dd>
            {usd(stats.spentUsd)}
            {stats.workspaceBudgetUsd !== null && <span className="sp-muted"> / {usd(stats.workspaceBudgetUsd)}</span>}
          </dd>
        </div>
        <div>
          <dt>Brains</dt>
          <dd>{brain}</dd>
        </div>
      </dl>
      {statsError && (
        <span className="sp-error" role="status">
          {statsError}
        </span>
      )}
      <a className="sp-replay" href={replayLink(workspace, now)} target="_blank" rel="noreferrer">
        Replay ↗
      </a>
      <span className="sp-view-name">{view === "map" ? "Map" : "3D tour"}</span>
      <time className="sp-clock">{new Date(now).toLocaleTimeString("en-GB")}</time>
    </header>
  );
}
