import { useEffect, useMemo } from "react";
import { indexTimeline, type ReplayTimeline } from "../../../../shared/replay";
import { CampusMap } from "../../ui/map/CampusMap";
import { ProvenancePanel } from "./ProvenancePanel";
import { ReplayBoard } from "./ReplayBoard";
import { ReplayClock } from "./replay-clock";
import { controlsFor, handleReplayKey, syncUi } from "./replay-controls";
import { ReplayScene } from "./replay-scene";
import { UI_REFRESH_MS, useReplayUi } from "./replay-ui";
import { ReplayHeader } from "./ReplayHeader";
import { ReplayLog } from "./ReplayLog";
import { ReplayTimelineBar } from "./ReplayTimelineBar";
import { StateLegend } from "./StateLegend";

declare global {
  interface Window {
    /** The replay's clock and timeline, for the browser tests and for poking around. */
    __atriumReplay?: { clock: ReplayClock; timeline: ReplayTimeline };
  }
}

/** Task titles by id, from the snapshot and every task created in the window. */
function taskTitles(timeline: ReplayTimeline): Map<string, string> {
  const titles = new Map(timeline.initial.tasks.map((t) => [t.id, t.title]));
  for (const e of timeline.taskEvents) if (e.kind === "created" && typeof e.data.title === "string") titles.set(e.taskId, e.data.title);
  return titles;
}

/**
 * The replay of one workspace: the campus map, the board and the log as of the cursor, the
 * timeline, and the provenance panel of whatever utterance or tool run was clicked.
 */
export function ReplayView({ timeline }: { timeline: ReplayTimeline }) {
  const index = useMemo(() => indexTimeline(timeline), [timeline]);
  const clock = useMemo(() => new ReplayClock(timeline.from, timeline.to), [timeline]);
  const controls = useMemo(() => controlsFor(clock), [clock]);
  const titles = useMemo(() => taskTitles(timeline), [timeline]);
  const scene = useMemo(() => new ReplayScene(index, (id) => titles.get(id) ?? null), [index, titles]);
  const provenance = useReplayUi((s) => s.provenance);
  const agentId = useReplayUi((s) => s.agentId);

  // The playback loop: the clock moves every frame; the panels follow every UI_REFRESH_MS.
  useEffect(() => {
    window.__atriumReplay = { clock, timeline };
    syncUi(clock);
    let frame = 0;
    let last = performance.now();
    let lastUi = 0;
    const loop = (now: number) => {
      frame = requestAnimationFrame(loop);
      const wasPlaying = clock.playing;
      clock.advance(now - last);
      last = now;
      if (now - lastUi >= UI_REFRESH_MS || wasPlaying !== clock.playing) {
        lastUi = now;
        syncUi(clock);
      }
    };
    frame = requestAnimationFrame(loop);
    return () => {
      cancelAnimationFrame(frame);
      delete window.__atriumReplay;
    };
  }, [clock, timeline]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT")) return;
      // Space on a focused button would also click it: the shortcut wins, once.
      if (handleReplayKey(e, controls)) e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [controls]);

  return (
    <div className="replay" data-testid="replay">
      <ReplayHeader timeline={timeline} />
      <main className="replay-main">
        <section className="replay-map" aria-label="Campus map">
          <CampusMap
            world={timeline.world}
            getAgents={() => scene.update(clock.t)}
            selectedId={agentId}
            onAgentClick={(id) => useReplayUi.setState({ agentId: id })}
            label={`Map of ${timeline.world.name} with the agents where they were at the cursor`}
          />
          <StateLegend />
        </section>
        <aside className="replay-side">
          <ReplayBoard index={index} />
          <ReplayLog timeline={timeline} />
        </aside>
      </main>
      <ReplayTimelineBar timeline={timeline} clock={clock} controls={controls} />
      {provenance && <ProvenancePanel key={`${provenance.kind}-${provenance.id}`} timeline={timeline} />}
    </div>
  );
}
