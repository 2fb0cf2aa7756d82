/**
 * The touch view's orbit camera (phones without immersive-ar): one finger orbits, two fingers
 * pinch to zoom, a tap selects (R3F's own click). Plain arithmetic; no three.js.
 */
export const ORBIT_MIN_DISTANCE = 6; // m, default 6
export const ORBIT_MAX_DISTANCE = 160; // m, default 160
export const ORBIT_MIN_ELEVATION = 0.15; // rad above the horizon, default 0.15
export const ORBIT_MAX_ELEVATION = 1.45; // rad, default 1.45 (nearly straight down)
/** Radians of orbit per pixel of drag. */
export const ORBIT_RAD_PER_PX = 0.006; // default 0.006

export interface Orbit {
  /** The point looked at, on the ground. */
  x: number;
  z: number;
  /** Around the point (rad, 0 looks north along -z), above the horizon (rad), and how far (m). */
  azimuth: number;
  elevation: number;
  distance: number;
}

export function newOrbit(): Orbit {
  return { x: 0, z: 0, azimuth: 0, elevation: 0.8, distance: 70 };
}

/** One finger dragged (dx, dy) pixels: turn round the point and tilt. */
export function orbitDrag(o: Orbit, dx: number, dy: number): void {
  o.azimuth -= dx * ORBIT_RAD_PER_PX;
  o.elevation = Math.min(ORBIT_MAX_ELEVATION, Math.max(ORBIT_MIN_ELEVATION, o.elevation + dy * ORBIT_RAD_PER_PX));
}

/** Two fingers went from `before` to `after` pixels apart: pinch out comes closer. */
export function orbitPinch(o: Orbit, before: number, after: number): void {
  if (!(before > 0) || !(after > 0)) return;
  o.distance = Math.min(ORBIT_MAX_DISTANCE, Math.max(ORBIT_MIN_DISTANCE, (o.distance * before) / after));
}

/** Two fingers moved together by (dx, dy) pixels: slide the point along the ground, kept on the campus. */
export function orbitPan(o: Orbit, dx: number, dy: number, campusRadius: number): void {
  const k = o.distance * 0.0016;
  const c = Math.cos(o.azimuth);
  const s = Math.sin(o.azimuth);
  // Screen right is (cos, -sin) on the ground; screen up is forward (-sin, -cos).
  o.x += (-dx * c + -dy * s) * k;
  o.z += (dx * s + -dy * c) * k;
  const r = Math.hypot(o.x, o.z);
  if (r > campusRadius) {
    o.x *= campusRadius / r;
    o.z *= campusRadius / r;
  }
}

/** The camera's position for an orbit. */
export function orbitEye(o: Orbit, out: { x: number; y: number; z: number }): typeof out {
  const flat = Math.cos(o.elevation) * o.distance;
  out.x = o.x + Math.sin(o.azimuth) * flat;
  out.z = o.z + Math.cos(o.azimuth) * flat;
  out.y = Math.sin(o.elevation) * o.distance;
  return out;
}
