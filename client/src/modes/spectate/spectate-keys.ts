/**
 * The dashboard's keyboard shortcuts, as pure functions (tested in spectate-keys.test.ts):
 * switch views, focus an agent, pause the feed, full screen, open the replay.
 */

export type SpectateAction =
  | { kind: "toggle-view" }
  | { kind: "view"; view: "map" | "tour" }
  | { kind: "focus-index"; index: number }
  | { kind: "focus-step"; step: 1 | -1 }
  | { kind: "clear-focus" }
  | { kind: "pause-feed" }
  | { kind: "fullscreen" }
  | { kind: "replay" };

/** The help line: keys, then what they do. */
export const SPECTATE_SHORTCUTS: ReadonlyArray<readonly [keys: string, what: string]> = [
  ["V", "map / 3D tour"],
  ["1–9", "focus an agent"],
  ["← →", "previous / next agent"],
  ["0 Esc", "stop focusing"],
  ["P", "pause the feed"],
  ["F", "full screen"],
  ["R", "replay the last 15 min"],
];

export interface KeyLike {
  key: string;
  code?: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

/** What a key press does on the dashboard, or null (the browser keeps it). */
export function actionForKey(e: KeyLike): SpectateAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (/^[1-9]$/.test(key)) return { kind: "focus-index", index: Number(key) - 1 };
  switch (key) {
    case "v":
      return { kind: "toggle-view" };
    case "m":
      return { kind: "view", view: "map" };
    case "t":
      return { kind: "view", view: "tour" };
    case "ArrowRight":
    case "ArrowDown":
      return { kind: "focus-step", step: 1 };
    case "ArrowLeft":
    case "ArrowUp":
      return { kind: "focus-step", step: -1 };
    case "0":
    case "Escape":
      return { kind: "clear-focus" };
    case "p":
    case " ":
      return { kind: "pause-feed" };
    case "f":
      return { kind: "fullscreen" };
    case "r":
      return { kind: "replay" };
    default:
      return null;
  }
}

/** The agent after (or before) `current` in `order`, wrapping; the first (or last) when none is focused. */
export function stepFocus(order: readonly string[], current: string | null, step: 1 | -1): string | null {
  if (order.length === 0) return null;
  const i = current === null ? -1 : order.indexOf(current);
  if (i < 0) return step === 1 ? order[0]! : order[order.length - 1]!;
  return order[(i + step + order.length) % order.length]!;
}

/** /replay for the last `minutes` up to now: the time scrub of what the wall just showed. */
export function replayLink(workspace: string, nowMs: number, minutes = 15): string {
  const q = new URLSearchParams({ workspace, from: String(Math.round(nowMs - minutes * 60_000)), to: String(Math.round(nowMs)) });
  return `/replay?${q}`;
}
