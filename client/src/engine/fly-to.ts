import type { World } from "../../../shared/world";
import { BOARD, FOUNTAIN_RADIUS, WALL, WALL_H, boardPlacement, rotationFacing, wallPlacement } from "./campus-layout";
import type { LocalPlayer } from "./local-player";

/** Where a "fly there" ends: this far in front of a task board, so the whole board fills the view (m). */
export const BOARD_VIEW_DISTANCE = 5.2; // default 5.2
/** ... and this far in front of an artifact wall (m). */
export const WALL_VIEW_DISTANCE = 4.1; // default 4.1
/** A route keeps this far from the fountain's centre (m). */
export const FOUNTAIN_CLEARANCE = FOUNTAIN_RADIUS + 2;
/** The flight gives up waiting for the avatar after this long (ms). */
export const FLIGHT_TIMEOUT_MS = 20_000; // default 20_000
/** The view's lowest eye height (m); it otherwise looks straight at the middle of what it shows. */
export const VIEW_EYE_Y = 1.7;

export type FlightTarget = "board" | "wall";

export interface Point {
  x: number;
  z: number;
}

export interface Viewpoint extends Point {
  /** The player's yaw that faces the target. */
  yaw: number;
  /** The point the camera looks at. */
  lookX: number;
  lookY: number;
  lookZ: number;
}

/** The player's yaw that faces direction (dx, dz): yaw 0 faces -z, forward is (-sin, -cos). */
export function yawFacing(dx: number, dz: number): number {
  return rotationFacing(-dx, -dz);
}

/** The spot to stand to read a district's board (or wall), facing it. */
export function viewpointFor(world: World, districtId: string, target: FlightTarget = "board"): Viewpoint | null {
  const d = world.districts.find((x) => x.id === districtId);
  if (!d) return null;
  const at = target === "wall" ? wallPlacement(d) : boardPlacement(d);
  const distance = target === "wall" ? WALL_VIEW_DISTANCE : BOARD_VIEW_DISTANCE;
  const lookY = target === "wall" ? WALL.bottom + WALL_H * 0.46 : BOARD.bottom + BOARD.h * 0.5;
  // The target faces rotY; its front is (sin rotY, cos rotY).
  const fx = Math.sin(at.rotY);
  const fz = Math.cos(at.rotY);
  return { x: at.x + fx * distance, z: at.z + fz * distance, yaw: yawFacing(-fx, -fz), lookX: at.x, lookY, lookZ: at.z };
}

/**
 * A walkable route from `from` to `to`: straight, or around the fountain by one waypoint when
 * the straight line would cross it. Returns the points to walk to, the destination last.
 */
export function routeAround(from: Point, to: Point, clearance = FOUNTAIN_CLEARANCE): Point[] {
  const dx = to.x - from.x;
  const dz = to.z - from.z;
  const len2 = dx * dx + dz * dz;
  if (len2 < 1e-9) return [to];
  const t = Math.max(0, Math.min(1, -(from.x * dx + from.z * dz) / len2));
  const px = from.x + dx * t;
  const pz = from.z + dz * t;
  const miss = Math.hypot(px, pz);
  if (miss >= clearance || t <= 0 || t >= 1) return [to];
  // Step out sideways from the closest point, on the side the line already passes.
  let nx = px;
  let nz = pz;
  if (miss < 1e-6) {
    nx = -dz;
    nz = dx;
  }
  const n = Math.hypot(nx, nz);
  const out = clearance + 1;
  return [{ x: (nx / n) * out, z: (nz / n) * out }, to];
}

/**
 * "Fly there": the camera glides to a viewpoint in front of a district's board or wall while
 * the local player runs there along a route that avoids the fountain. On arrival the view
 * holds — first person, looking at the board — until the person moves, looks around or
 * clicks the ground. Stepped from the frame loop; allocation-free per frame.
 */
export class Flight {
  active = false;
  /** The avatar has arrived; the view holds until the person takes over. */
  holding = false;
  readonly view: Viewpoint = { x: 0, z: 0, yaw: 0, lookX: 0, lookY: 0, lookZ: 0 };
  private route: Point[] = [];
  private leg = 0;
  private startedAt = 0;

  start(player: LocalPlayer, world: World, districtId: string, now: number, target: FlightTarget = "board"): boolean {
    const v = viewpointFor(world, districtId, target);
    if (!v) return false;
    Object.assign(this.view, v);
    this.route = routeAround(player.pose, v);
    this.leg = 0;
    this.startedAt = now;
    this.active = true;
    this.holding = false;
    this.walk(player, this.route[0]!);
    return true;
  }

  /**
   * Advances the route; holds on arrival; ends when the person takes over (or on timeout).
   * Returns true when it changed the player's pose (so the caller sends it).
   */
  step(player: LocalPlayer, now: number): boolean {
    if (!this.active) return false;
    if (this.holding) {
      const p = player.pose;
      const moved = Math.hypot(p.x - this.view.x, p.z - this.view.z) > 0.05;
      if (moved || player.target.active || Math.abs(p.yaw - this.view.yaw) > 1e-3 || Math.abs(p.pitch) > 1e-3) this.active = this.holding = false;
      return false;
    }
    if (now - this.startedAt > FLIGHT_TIMEOUT_MS) {
      this.active = false;
      return false;
    }
    if (player.target.active) return false;
    const goal = this.route[this.leg];
    const arrived = goal !== undefined && Math.hypot(player.pose.x - goal.x, player.pose.z - goal.z) < 0.5;
    if (!arrived) {
      this.active = false; // a key press cancelled the walk: the person has the controls again
      return false;
    }
    this.leg++;
    const next = this.route[this.leg];
    if (next) {
      this.walk(player, next);
      return true;
    }
    player.place(this.view.x, this.view.z);
    player.pose.yaw = this.view.yaw;
    player.pose.pitch = 0;
    this.holding = true;
    return true;
  }

  /** Ends the flight (and the held view) now. */
  cancel(): void {
    this.active = this.holding = false;
  }

  /** Runs to `p`, facing where it goes. */
  private walk(player: LocalPlayer, p: Point): void {
    if (Math.hypot(p.x - player.pose.x, p.z - player.pose.z) > 0.3) player.pose.yaw = yawFacing(p.x - player.pose.x, p.z - player.pose.z);
    player.walkTo(p.x, p.z, true);
  }
}

/** This page's flight. */
export const flight = new Flight();
