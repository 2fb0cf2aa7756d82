import { useEffect, useMemo, useRef } from "react";
import { REPLAY_SPEEDS, type ReplayTimeline } from "../../../../shared/replay";
import type { ReplayClock } from "./replay-clock";
import type { ReplayControls } from "./replay-controls";
import { Icon } from "./Icon";
import { clockTime, duration } from "./replay-format";
import { useReplayUi } from "./replay-ui";

/** Marker colours on the track, by task event kind. */
const EVENT_COLOURS: Record<string, string> = {
  created: "#4f8cff",
  status: "#f59e0b",
  assigned: "#a78bfa",
  handoff: "#c084fc",
  artifact: "#2dd4bf",
  "approval-asked": "#f43f5e",
  approval: "#34d399",
  escalated: "#ef4444",
};

interface Marker {
  key: string;
  at: number;
  lane: "task" | "talk" | "tool";
  colour: string;
  title: string;
}

/** Play/pause, speeds, and a scrubber whose track shows when things happened. */
export function ReplayTimelineBar({ timeline, clock, controls }: { timeline: ReplayTimeline; clock: ReplayClock; controls: ReplayControls }) {
  const t = useReplayUi((s) => s.t);
  const playing = useReplayUi((s) => s.playing);
  const speed = useReplayUi((s) => s.speed);
  const track = useRef<HTMLDivElement>(null);
  const played = useRef<HTMLDivElement>(null);
  const thumb = useRef<HTMLDivElement>(null);
  const span = Math.max(1, timeline.to - timeline.from);

  const markers = useMemo<Marker[]>(() => {
    const names = new Map(timeline.agents.map((a) => [a.id, a.name]));
    const out: Marker[] = [];
    for (const e of timeline.taskEvents) {
      if (e.kind === "notes") continue;
      out.push({ key: `e${e.id}`, at: e.at, lane: "task", colour: EVENT_COLOURS[e.kind] ?? "#94a3b8", title: `${e.kind} · ${e.taskId}` });
    }
    for (const m of timeline.messages) {
      if (m.at < timeline.from) continue;
      out.push({ key: `m${m.id}`, at: m.at, lane: "talk", colour: m.fromKind === "agent" ? "#34d399" : "#eef3f7", title: `${names.get(m.fromId) ?? m.fromId}: ${m.text.slice(0, 60)}` });
    }
    for (const c of timeline.toolCalls) out.push({ key: `t${c.id}`, at: c.at, lane: "tool", colour: c.ok ? "#94a3b8" : "#f87171", title: `${names.get(c.agentId) ?? c.agentId} · ${c.tool}` });
    return out;
  }, [timeline]);

  // The thumb follows the clock every frame (no React render per frame).
  useEffect(() => {
    let frame = 0;
    const loop = () => {
      frame = requestAnimationFrame(loop);
      const pct = `${(clock.progress * 100).toFixed(3)}%`;
      if (played.current) played.current.style.width = pct;
      if (thumb.current) thumb.current.style.left = pct;
    };
    frame = requestAnimationFrame(loop);
    return () => cancelAnimationFrame(frame);
  }, [clock]);

  const seekAt = (clientX: number) => {
    const rect = track.current?.getBoundingClientRect();
    if (!rect || rect.width === 0) return;
    controls.seek(timeline.from + ((clientX - rect.left) / rect.width) * span);
  };

  return (
    <footer className="replay-timeline" data-testid="replay-timeline">
      <div className="replay-buttons">
        <button className="icon" onClick={controls.toStart} aria-label="Back to the start" title="Back to the start (Home)">
          <Icon name="start" />
        </button>
        <button className="play" onClick={controls.toggle} aria-label={playing ? "Pause" : "Play"} data-testid="replay-play" title="Play / pause (Space)">
          <Icon name={playing ? "pause" : "play"} />
        </button>
        <div className="speeds" role="radiogroup" aria-label="Playback speed">
          {REPLAY_SPEEDS.map((s, i) => (
            <button key={s} role="radio" aria-checked={speed === s} className={speed === s ? "on" : ""} onClick={() => controls.setSpeed(s)} title={`${s}× (key ${i + 1})`}>
              {s}×
            </button>
          ))}
        </div>
        <div className="replay-time" data-testid="replay-time" data-t={Math.round(t)}>
          <strong>{clockTime(t)}</strong>
          <span>
            {duration(t - timeline.from)} / {duration(span)}
          </span>
        </div>
      </div>
      <div
        ref={track}
        className="replay-track"
        role="slider"
        tabIndex={0}
        aria-label="Replay time"
        aria-valuemin={timeline.from}
        aria-valuemax={timeline.to}
        aria-valuenow={Math.round(t)}
        aria-valuetext={`${clockTime(t)}, ${duration(t - timeline.from)} in`}
        data-testid="replay-track"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          seekAt(e.clientX);
        }}
        onPointerMove={(e) => {
          if (e.currentTarget.hasPointerCapture(e.pointerId)) seekAt(e.clientX);
        }}
      >
        <div className="lane task" />
        <div className="lane talk" />
        <div className="lane tool" />
        {markers.map((m) => (
          <span key={m.key} className={`marker ${m.lane}`} style={{ left: `${((m.at - timeline.from) / span) * 100}%`, background: m.colour }} title={m.title} />
        ))}
        <div ref={played} className="played" />
        <div ref={thumb} className="thumb" />
      </div>
    </footer>
  );
}
