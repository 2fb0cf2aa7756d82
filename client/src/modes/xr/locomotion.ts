/**
 * VR locomotion as plain arithmetic on the rig (the XR origin: where the tracked space stands
 * in the campus and which way it faces). No three.js, no React, nothing allocated per call:
 * the frame loop calls these with scratch objects.
 *
 * Conventions as in local-player.ts: yaw 0 faces -z; positive yaw turns left (three.js
 * rotation.y). The head's offset inside the tracked space is (hx, hz) in rig axes.
 */

export interface Rig {
  x: number;
  z: number;
  yaw: number;
}

/** Thumbstick travel below which nothing moves (0..1). */
export const STICK_DEAD_ZONE = 0.2; // default 0.2
/** A snap turn fires when the stick passes this (0..1) and re-arms below SNAP_REARM. */
export const SNAP_FIRE = 0.7; // default 0.7
export const SNAP_REARM = 0.35; // default 0.35

/** The head's position in the campus for a rig and a head offset in tracked space. */
export function headWorld(rig: Rig, hx: number, hz: number, out: { x: number; z: number }): { x: number; z: number } {
  const c = Math.cos(rig.yaw);
  const s = Math.sin(rig.yaw);
  // Rotation about +y by yaw: x' = x cos + z sin, z' = -x sin + z cos.
  out.x = rig.x + hx * c + hz * s;
  out.z = rig.z - hx * s + hz * c;
  return out;
}

/** Moves the rig so that the head lands on (tx, tz), keeping the rig's yaw: a teleport. */
export function teleportHeadTo(rig: Rig, hx: number, hz: number, tx: number, tz: number): void {
  const c = Math.cos(rig.yaw);
  const s = Math.sin(rig.yaw);
  rig.x = tx - (hx * c + hz * s);
  rig.z = tz - (-hx * s + hz * c);
}

/** Turns the rig by `angle` about the head, so the head stays where it is (snap and smooth turn). */
export function turnAboutHead(rig: Rig, hx: number, hz: number, angle: number): void {
  const c = Math.cos(rig.yaw);
  const s = Math.sin(rig.yaw);
  const px = rig.x + hx * c + hz * s;
  const pz = rig.z - hx * s + hz * c;
  rig.yaw += angle;
  teleportHeadTo(rig, hx, hz, px, pz);
}

/** Rescales stick travel past the dead zone to 0..1, keeping the sign. */
export function applyDeadZone(v: number, deadZone = STICK_DEAD_ZONE): number {
  const a = Math.abs(v);
  if (a <= deadZone) return 0;
  return (Math.sign(v) * (Math.min(a, 1) - deadZone)) / (1 - deadZone);
}

/**
 * Smooth locomotion: the stick moves the rig along the ground in the direction the head faces
 * (stick up = forward). Returns the distance moved (m), 0 inside the dead zone.
 */
export function smoothMove(rig: Rig, stickX: number, stickY: number, headYaw: number, speed: number, dt: number): number {
  const sx = applyDeadZone(stickX);
  const sy = applyDeadZone(stickY);
  if (sx === 0 && sy === 0) return 0;
  let len = Math.hypot(sx, sy);
  const scale = len > 1 ? 1 / len : 1;
  len = Math.min(len, 1);
  const fwd = -sy * scale; // WebXR thumbsticks read -1 when pushed forward
  const side = sx * scale;
  const sin = Math.sin(headYaw);
  const cos = Math.cos(headYaw);
  // forward = (-sin, -cos); right = (cos, -sin)
  const dx = (-sin * fwd + cos * side) * speed * dt;
  const dz = (-cos * fwd - sin * side) * speed * dt;
  rig.x += dx;
  rig.z += dz;
  return Math.hypot(dx, dz);
}

/** Snap turn: one turn per push of the stick past SNAP_FIRE, re-armed when it comes back. */
export class SnapTurner {
  private armed = true;

  /** Returns the angle to turn now (rad): +step for left, -step for right, else 0. */
  update(stickX: number, stepRad: number): number {
    const a = Math.abs(stickX);
    if (!this.armed) {
      if (a < SNAP_REARM) this.armed = true;
      return 0;
    }
    if (a < SNAP_FIRE) return 0;
    this.armed = false;
    return stickX < 0 ? stepRad : -stepRad;
  }

  reset(): void {
    this.armed = true;
  }
}

/** Smooth turn: angle for this frame (rad), left positive. */
export function smoothTurnAngle(stickX: number, speedRad: number, dt: number): number {
  return -applyDeadZone(stickX) * speedRad * dt;
}

/** Keeps a point inside the campus disc (m); returns true when it had to move it. */
export function clampToDisc(p: { x: number; z: number }, radius: number): boolean {
  const r = Math.hypot(p.x, p.z);
  if (r <= radius) return false;
  p.x *= radius / r;
  p.z *= radius / r;
  return true;
}

/** Yaw (rad) of a forward vector (fx, fz) on the ground, in the convention above. */
export function yawOf(fx: number, fz: number): number {
  return Math.atan2(-fx, -fz);
}
