import { REPLAY_SPEEDS } from "../../../../shared/replay";
import { REPLAY_BIG_STEP_MS, REPLAY_STEP_MS, type ReplayClock, type ReplaySpeed } from "./replay-clock";
import { useReplayUi } from "./replay-ui";

/** Copies the clock into the UI store. */
export function syncUi(clock: ReplayClock): void {
  const s = useReplayUi.getState();
  if (s.t !== clock.t || s.playing !== clock.playing || s.speed !== clock.speed) {
    useReplayUi.setState({ t: clock.t, playing: clock.playing, speed: clock.speed });
  }
}

/** What the buttons and the keys do; each change shows at once. */
export function controlsFor(clock: ReplayClock) {
  const then = (fn: () => void) => () => {
    fn();
    syncUi(clock);
  };
  return {
    toggle: then(() => clock.toggle()),
    seek: (t: number) => then(() => clock.seek(t))(),
    step: (ms: number) => then(() => clock.seek(clock.t + ms))(),
    setSpeed: (speed: ReplaySpeed) => then(() => clock.setSpeed(speed))(),
    toStart: then(() => clock.seek(clock.from)),
    toEnd: then(() => clock.seek(clock.to)),
  };
}

export type ReplayControls = ReturnType<typeof controlsFor>;

/**
 * The keyboard: space plays or pauses; ← → step 5 s (with Shift 30 s); Home and End jump;
 * 1–5 pick 1×, 2×, 4×, 8×, 16×; Esc closes the provenance panel. Returns true when handled.
 */
export function handleReplayKey(e: Pick<KeyboardEvent, "key" | "code" | "shiftKey" | "ctrlKey" | "metaKey" | "altKey">, controls: ReplayControls): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey) return false;
  const step = e.shiftKey ? REPLAY_BIG_STEP_MS : REPLAY_STEP_MS;
  switch (e.key) {
    case " ":
      controls.toggle();
      return true;
    case "ArrowLeft":
      controls.step(-step);
      return true;
    case "ArrowRight":
      controls.step(step);
      return true;
    case "Home":
      controls.toStart();
      return true;
    case "End":
      controls.toEnd();
      return true;
    case "Escape":
      if (!useReplayUi.getState().provenance) return false;
      useReplayUi.setState({ provenance: null });
      return true;
  }
  const digit = /^Digit([1-9])$/.exec(e.code)?.[1] ?? (/^[1-9]$/.test(e.key) ? e.key : undefined);
  const speed = digit ? REPLAY_SPEEDS[Number(digit) - 1] : undefined;
  if (speed !== undefined) {
    controls.setSpeed(speed);
    return true;
  }
  return false;
}

/** The keys, as the help line lists them. */
export const REPLAY_SHORTCUTS: ReadonlyArray<{ keys: string; description: string }> = [
  { keys: "Space", description: "play / pause" },
  { keys: "← →", description: "step 5 s (Shift: 30 s)" },
  { keys: "1–5", description: "speed 1× to 16×" },
  { keys: "Esc", description: "close the provenance panel" },
];
