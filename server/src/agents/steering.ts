/** Agents walk at a visible pace, turning as they go: server-side steering, never teleporting. */

/** Agent walking speed (m/s). People walk at 4; agents amble so you can follow them. */
export const AGENT_WALK_SPEED = 2.5;
/** How fast an agent turns to face where it walks (rad/s). */
export const AGENT_TURN_RATE = 6;
/** Close enough to a target to count as arrived (m). */
export const AGENT_ARRIVE_DISTANCE = 0.3;

export interface Walker {
  x: number;
  z: number;
  yaw: number;
}

/** The yaw that faces (dx, dz); yaw 0 faces -z, as for people. */
export function yawFacing(dx: number, dz: number): number {
  return Math.atan2(-dx, -dz);
}

function turnTowards(current: number, target: number, maxStep: number): number {
  let d = (target - current) % (Math.PI * 2);
  if (d > Math.PI) d -= Math.PI * 2;
  if (d < -Math.PI) d += Math.PI * 2;
  return current + Math.max(-maxStep, Math.min(maxStep, d));
}

/** Moves `w` towards (tx, tz) for `dt` seconds. Returns true once it has arrived. */
export function steer(w: Walker, tx: number, tz: number, dt: number, speed = AGENT_WALK_SPEED): boolean {
  const dx = tx - w.x;
  const dz = tz - w.z;
  const dist = Math.hypot(dx, dz);
  if (dist <= AGENT_ARRIVE_DISTANCE) return true;
  w.yaw = turnTowards(w.yaw, yawFacing(dx, dz), AGENT_TURN_RATE * dt);
  const step = Math.min(dist, speed * dt);
  w.x += (dx / dist) * step;
  w.z += (dz / dist) * step;
  return dist - step <= AGENT_ARRIVE_DISTANCE;
}
