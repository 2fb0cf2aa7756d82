import { RUN_SPEED, WALK_SPEED } from "../../../shared/constants";
import type { Action } from "./keymap";
import type { Pose } from "./interpolation";

/** Keyboard turn speed for Q/E (rad/s). */
export const TURN_SPEED = 2.2;
/** Click-to-walk stops this close to the target (m). */
export const ARRIVE_DISTANCE = 0.15;
/** Head pitch limits (rad). */
export const PITCH_MIN = -1.2;
export const PITCH_MAX = 1.0;

/** Something round that people walk around (m). */
export interface Obstacle {
  x: number;
  z: number;
  r: number;
}

type MoveAction = Extract<Action, "forward" | "back" | "left" | "right" | "turnLeft" | "turnRight" | "run">;

/**
 * The person at this keyboard: pose, held keys and click-to-walk target. Plain data and
 * arithmetic, stepped from the frame loop; nothing here allocates per frame.
 * Yaw 0 faces -z (north); positive yaw turns left, as three.js rotation.y does.
 */
export class LocalPlayer {
  readonly pose: Pose = { x: 0, z: 0, yaw: 0, pitch: -0.15 };
  /** Click-to-walk (or fly-to) target; `run` walks there at run speed. */
  readonly target = { x: 0, z: 0, active: false, run: false };
  private readonly held: Record<MoveAction, boolean> = {
    forward: false,
    back: false,
    left: false,
    right: false,
    turnLeft: false,
    turnRight: false,
    run: false,
  };

  private obstacles: readonly Obstacle[] = [];

  constructor(private campusRadius = Infinity) {}

  /** The walkable area: inside the campus radius and outside every obstacle. */
  setBounds(campusRadius: number, obstacles: readonly Obstacle[] = []): void {
    this.campusRadius = campusRadius;
    this.obstacles = obstacles;
  }

  place(x: number, z: number): void {
    this.pose.x = x;
    this.pose.z = z;
    this.target.active = false;
  }

  press(action: MoveAction, down: boolean): void {
    this.held[action] = down;
    if (down && action !== "run" && action !== "turnLeft" && action !== "turnRight") this.target.active = false;
  }

  releaseAll(): void {
    for (const k of Object.keys(this.held) as MoveAction[]) this.held[k] = false;
  }

  walkTo(x: number, z: number, run = false): void {
    this.target.x = x;
    this.target.z = z;
    this.target.active = true;
    this.target.run = run;
  }

  look(dYaw: number, dPitch: number): void {
    this.pose.yaw += dYaw;
    this.pose.pitch = Math.min(PITCH_MAX, Math.max(PITCH_MIN, this.pose.pitch + dPitch));
  }

  /** Advances `dt` seconds. Returns true when the pose changed. */
  step(dt: number): boolean {
    const h = this.held;
    const turn = (h.turnLeft ? 1 : 0) - (h.turnRight ? 1 : 0);
    const fwd = (h.forward ? 1 : 0) - (h.back ? 1 : 0);
    const side = (h.right ? 1 : 0) - (h.left ? 1 : 0);
    const speed = h.run || (this.target.active && this.target.run) ? RUN_SPEED : WALK_SPEED;
    const p = this.pose;
    let changed = false;

    if (turn !== 0) {
      p.yaw += turn * TURN_SPEED * dt;
      changed = true;
    }

    let dx = 0;
    let dz = 0;
    if (fwd !== 0 || side !== 0) {
      const sin = Math.sin(p.yaw);
      const cos = Math.cos(p.yaw);
      // forward = (-sin, -cos); right = (cos, -sin)
      dx = -sin * fwd + cos * side;
      dz = -cos * fwd - sin * side;
      const len = Math.hypot(dx, dz);
      dx = (dx / len) * speed * dt;
      dz = (dz / len) * speed * dt;
    } else if (this.target.active) {
      const tx = this.target.x - p.x;
      const tz = this.target.z - p.z;
      const dist = Math.hypot(tx, tz);
      if (dist <= ARRIVE_DISTANCE) {
        this.target.active = false;
      } else {
        const stepLen = Math.min(dist, speed * dt);
        dx = (tx / dist) * stepLen;
        dz = (tz / dist) * stepLen;
      }
    }

    if (dx !== 0 || dz !== 0) {
      let nx = p.x + dx;
      let nz = p.z + dz;
      const r = Math.hypot(nx, nz);
      if (r > this.campusRadius) {
        nx *= this.campusRadius / r;
        nz *= this.campusRadius / r;
        this.target.active = false;
      }
      for (const o of this.obstacles) {
        const ox = nx - o.x;
        const oz = nz - o.z;
        const d = Math.hypot(ox, oz);
        if (d < o.r && d > 1e-6) {
          nx = o.x + (ox / d) * o.r;
          nz = o.z + (oz / d) * o.r;
        }
      }
      p.x = nx;
      p.z = nz;
      changed = true;
    }
    return changed;
  }
}
