/**
 * The AR tabletop: the campus as a miniature on a real surface. Placement is where the campus
 * centre sits in the tracked space (m), its turn and its scale (real metres per campus metre).
 * The XR origin is the inverse of that placement, so the campus keeps its own coordinates and
 * every pointer, label and panel works unchanged. Plain arithmetic; no three.js.
 */

/** About 1:50: a campus 120 m across becomes a table 2.4 m across. */
export const TABLETOP_SCALE = 1 / 50; // default 1/50
/** How small and how large pinching may make it. */
export const SCALE_MIN = 1 / 400; // default 1/400
export const SCALE_MAX = 1 / 10; // default 1/10

export interface Placement {
  placed: boolean;
  x: number;
  y: number;
  z: number;
  yaw: number;
  scale: number;
}

export function newPlacement(): Placement {
  return { placed: false, x: 0, y: 0, z: 0, yaw: 0, scale: TABLETOP_SCALE };
}

/** The XR origin for a placement: position, yaw and uniform scale of the origin in the campus. */
export function originFor(p: Placement, out: { x: number; y: number; z: number; yaw: number; scale: number }): typeof out {
  // placement T = Translate(h) · RotY(yaw) · Scale(s); origin = T⁻¹ = Scale(1/s) · RotY(-yaw) · Translate(-h)
  const inv = 1 / p.scale;
  const c = Math.cos(-p.yaw);
  const s = Math.sin(-p.yaw);
  // RotY(a) · (x, z) = (x cos a + z sin a, -x sin a + z cos a)
  out.x = -inv * (p.x * c + p.z * s);
  out.z = -inv * (-p.x * s + p.z * c);
  out.y = -inv * p.y;
  out.yaw = -p.yaw;
  out.scale = inv;
  return out;
}

/** Pinch: the scale after two fingers went from `before` apart to `after` apart, kept within the limits. */
export function pinchScale(scale: number, before: number, after: number): number {
  if (!(before > 0) || !(after > 0)) return scale;
  return Math.min(SCALE_MAX, Math.max(SCALE_MIN, scale * (after / before)));
}

/** Twist: the turn (rad, left positive as seen from above) between two finger angles, wrapped to (-π, π]. */
export function twistAngle(before: number, after: number): number {
  let d = after - before;
  while (d > Math.PI) d -= 2 * Math.PI;
  while (d <= -Math.PI) d += 2 * Math.PI;
  return d;
}

/** Distance and angle between two touch points (screen px; y grows downwards). */
export function fingerSpan(ax: number, ay: number, bx: number, by: number, out: { distance: number; angle: number }): typeof out {
  out.distance = Math.hypot(bx - ax, by - ay);
  // Screen y grows down; negate so a counter-clockwise twist on screen is a positive (left) turn.
  out.angle = Math.atan2(-(by - ay), bx - ax);
  return out;
}
