/**
 * The teleport arc: a parabola from the controller, as a thrown ball flies, landing on the
 * ground (y = 0). Plain arithmetic writing into a caller's Float32Array, so the frame loop
 * allocates nothing.
 */

/** Launch speed of the arc (m/s) and gravity (m/s²): together they set its reach (about 12 m). */
export const ARC_SPEED = 10; // default 10
export const ARC_GRAVITY = 9.8; // default 9.8
/** Points along the drawn arc. */
export const ARC_POINTS = 32; // default 32
/** Longest flight time considered (s): an arc pointed at the sky lands nowhere. */
export const ARC_MAX_TIME = 3; // default 3

export interface ArcResult {
  /** Whether the arc reached the ground within ARC_MAX_TIME. */
  hit: boolean;
  x: number;
  z: number;
  /** Points written (xyz each). */
  count: number;
}

/**
 * Traces the arc from origin (ox, oy, oz) along direction (dx, dy, dz) (need not be unit).
 * Writes ARC_POINTS points to `out` (xyz, ending where it lands) and returns where it lands.
 */
export function traceArc(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, out: Float32Array, result: ArcResult): ArcResult {
  const len = Math.hypot(dx, dy, dz) || 1;
  const vx = (dx / len) * ARC_SPEED;
  const vy = (dy / len) * ARC_SPEED;
  const vz = (dz / len) * ARC_SPEED;
  // y(t) = oy + vy t - g t²/2 = 0  →  t = (vy + sqrt(vy² + 2 g oy)) / g
  const disc = vy * vy + 2 * ARC_GRAVITY * Math.max(0, oy);
  let t = (vy + Math.sqrt(disc)) / ARC_GRAVITY;
  result.hit = t > 0 && t <= ARC_MAX_TIME;
  if (!result.hit) t = ARC_MAX_TIME;
  const n = Math.min(ARC_POINTS, Math.floor(out.length / 3));
  for (let i = 0; i < n; i++) {
    const ti = (t * i) / (n - 1);
    out[i * 3] = ox + vx * ti;
    out[i * 3 + 1] = Math.max(0, oy + vy * ti - 0.5 * ARC_GRAVITY * ti * ti);
    out[i * 3 + 2] = oz + vz * ti;
  }
  result.count = n;
  result.x = ox + vx * t;
  result.z = oz + vz * t;
  return result;
}

/** A round thing people cannot stand in (m). */
export interface Blocker {
  x: number;
  z: number;
  r: number;
}

/** A landing spot is valid inside the campus and outside every obstacle. */
export function validLanding(x: number, z: number, campusRadius: number, blockers: readonly Blocker[]): boolean {
  if (Math.hypot(x, z) > campusRadius) return false;
  for (const b of blockers) if (Math.hypot(x - b.x, z - b.z) < b.r) return false;
  return true;
}

/**
 * The nearest valid spot to (x, z) along the way back to the campus centre (a district's centre
 * may be inside a building): steps of `step` metres, at most `tries`; null if none.
 */
export function findLanding(x: number, z: number, campusRadius: number, blockers: readonly Blocker[], step = 1.5, tries = 40): { x: number; z: number } | null {
  const r = Math.hypot(x, z);
  const ux = r > 1e-6 ? x / r : 0;
  const uz = r > 1e-6 ? z / r : 0;
  for (let i = 0; i <= tries; i++) {
    const d = Math.max(0, r - i * step);
    const px = ux * d;
    const pz = uz * d;
    if (validLanding(px, pz, campusRadius, blockers)) return { x: px, z: pz };
    if (d === 0) break;
  }
  return null;
}
