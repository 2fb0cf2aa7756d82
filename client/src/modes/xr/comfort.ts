/**
 * The comfort vignette: the view's edges darken while the rig moves or turns by itself
 * (stick locomotion, smooth turn), which eases motion sickness, and clear again when it stops.
 * Plain arithmetic, stepped from the frame loop.
 */

/** How fast the vignette closes and opens (1/s). */
export const VIGNETTE_IN_RATE = 10; // default 10
export const VIGNETTE_OUT_RATE = 4; // default 4
/** Speeds at which the vignette reaches its full strength. */
export const VIGNETTE_FULL_SPEED = 2.5; // m/s, default 2.5
export const VIGNETTE_FULL_TURN = 1.5; // rad/s, default 1.5

/**
 * How strongly the edges should be darkened for this motion (0..strength): the larger of the
 * move and turn speeds relative to their full-strength speeds.
 */
export function vignetteTarget(moveSpeed: number, turnSpeed: number, strength: number): number {
  if (strength <= 0) return 0;
  const m = Math.min(1, Math.abs(moveSpeed) / VIGNETTE_FULL_SPEED);
  const t = Math.min(1, Math.abs(turnSpeed) / VIGNETTE_FULL_TURN);
  return Math.min(1, strength) * Math.max(m, t);
}

/** Eases `current` towards `target`: quick to close, slower to open. Framerate-independent. */
export function easeVignette(current: number, target: number, dt: number): number {
  const rate = target > current ? VIGNETTE_IN_RATE : VIGNETTE_OUT_RATE;
  const k = 1 - Math.exp(-rate * Math.max(0, dt));
  const next = current + (target - current) * k;
  return Math.abs(next - target) < 1e-3 ? target : next;
}

/** The vignette's inner radius (fraction of the view) for an amount 0..1: wide open at 0. */
export function vignetteInnerRadius(amount: number): number {
  return 1 - 0.55 * Math.min(1, Math.max(0, amount));
}
