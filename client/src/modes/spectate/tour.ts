/**
 * The cinematic tour's choice of whom to show: active agents in turn, each for TOUR_DWELL_MS,
 * or the focused agent for as long as it is focused. Pure (tested in tour.test.ts); the camera
 * rig (TourCamera.tsx) asks it once per frame and flies to whatever it answers.
 */

/** How long the tour stays with one agent (ms). Default 9 s. */
export const TOUR_DWELL_MS = 9_000;
/** States worth watching; the tour visits idle, paused or offline agents only when nobody is busy. */
export const ACTIVE_STATES: ReadonlySet<string> = new Set(["thinking", "speaking", "working", "walking", "waiting-for-human"]);

/** The next agent after `current` in `order` (wrapping) that is active, else the next agent at all, else null. */
export function nextTourTarget(order: readonly string[], states: Readonly<Record<string, string>>, current: string | null): string | null {
  if (order.length === 0) return null;
  const start = current === null ? -1 : order.indexOf(current);
  for (let k = 1; k <= order.length; k++) {
    const id = order[(start + k + order.length) % order.length]!;
    if (ACTIVE_STATES.has(states[id] ?? "")) return id;
  }
  return order[(start + 1 + order.length) % order.length]!;
}

export class TourPlan {
  target: string | null = null;
  /** When the current target was chosen (ms). */
  since = -Infinity;

  constructor(private readonly dwellMs = TOUR_DWELL_MS) {}

  /**
   * Whom to show at `now`: the focused agent; else the current one until its time is up (or it
   * left, or went quiet while others are busy); then the next active one.
   */
  pick(now: number, order: readonly string[], states: Readonly<Record<string, string>>, focus: string | null): string | null {
    if (focus !== null && order.includes(focus)) return this.set(focus, now);
    const t = this.target;
    const present = t !== null && order.includes(t);
    const quiet = present && !ACTIVE_STATES.has(states[t] ?? "") && order.some((id) => ACTIVE_STATES.has(states[id] ?? ""));
    if (present && !quiet && now - this.since < this.dwellMs) return t;
    // Time is up: the next one (possibly the same, when it is the only one busy) for a full dwell.
    this.target = nextTourTarget(order, states, present ? t : null);
    this.since = now;
    return this.target;
  }

  private set(id: string, now: number): string {
    if (id !== this.target) {
      this.target = id;
      this.since = now;
    }
    return id;
  }
}
