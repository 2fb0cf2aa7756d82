import { WALK_SPEED } from "../shared/constants";
import type { MovePayload } from "../shared/protocol/schemas";

/** Simulated people stay within this distance of the plaza centre (m). */
export const WALK_AREA_RADIUS_M = 40;
/** Each simulated person walks a circle with a radius in this range (m). */
export const WALK_CIRCLE_MIN_RADIUS_M = 6;
export const WALK_CIRCLE_MAX_RADIUS_M = 15;
/** Walking speed of a simulated person (m/s): the desktop walk speed, 4 m/s. */
export const SIM_WALK_SPEED = WALK_SPEED;
/**
 * Longest step sent in one move (m). Kept below the server's slack (MOVE_SLACK_M = 0.5 m), so
 * even a late timer or two moves arriving together can never trip the server's speed check.
 */
export const MAX_STEP_M = 0.4;
/** Head pitch sways by this much (rad) while walking, as a person looking around would. */
const PITCH_SWAY_RAD = 0.2;

/**
 * A smooth walk for one simulated person: a circle that passes through where the server put
 * them, bent towards the centre so it stays inside WALK_AREA_RADIUS_M. Yaw follows the heading
 * (yaw 0 faces -z, positive turns left, as on the client).
 */
export class CircleWalk {
  private readonly cx: number;
  private readonly cz: number;
  private readonly radius: number;
  private readonly direction: 1 | -1;
  private readonly startAngle: number;
  private travelled = 0;
  readonly pose: MovePayload = { x: 0, z: 0, yaw: 0, pitch: 0 };

  constructor(start: { x: number; z: number }, random: () => number) {
    const away = Math.hypot(start.x, start.z) > 1 ? Math.atan2(start.z, start.x) : random() * Math.PI * 2;
    const radius = WALK_CIRCLE_MIN_RADIUS_M + random() * (WALK_CIRCLE_MAX_RADIUS_M - WALK_CIRCLE_MIN_RADIUS_M);
    const centreAt = (angle: number) => [start.x + Math.cos(angle) * radius, start.z + Math.sin(angle) * radius] as const;
    // The centre lies on the origin's side of the start point, so the circle bends inwards.
    let [cx, cz] = centreAt(away + Math.PI + (random() - 0.5) * Math.PI);
    if (Math.hypot(cx, cz) + radius > WALK_AREA_RADIUS_M) {
      // Straight towards the origin: the circle then never gets further out than the start
      // (or than 2 × radius, for a start near the centre).
      [cx, cz] = centreAt(away + Math.PI);
    }
    this.cx = cx;
    this.cz = cz;
    this.radius = radius;
    this.direction = random() < 0.5 ? 1 : -1;
    this.startAngle = Math.atan2(start.z - cz, start.x - cx);
    this.advance(0);
  }

  /** Walks `seconds` further (each call at most MAX_STEP_M) and returns the new pose. */
  advance(seconds: number): MovePayload {
    this.travelled += Math.min(Math.max(seconds, 0) * SIM_WALK_SPEED, MAX_STEP_M);
    const angle = this.startAngle + (this.direction * this.travelled) / this.radius;
    const p = this.pose;
    p.x = this.cx + Math.cos(angle) * this.radius;
    p.z = this.cz + Math.sin(angle) * this.radius;
    // Tangent of the circle in the walking direction.
    const dx = -Math.sin(angle) * this.direction;
    const dz = Math.cos(angle) * this.direction;
    p.yaw = Math.atan2(-dx, -dz);
    p.pitch = PITCH_SWAY_RAD * Math.sin(this.travelled / 3);
    return p;
  }
}
