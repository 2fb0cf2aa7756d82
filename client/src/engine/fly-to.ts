import type { World } from "../../../shared/world";
import { FOUNTAIN_RADIUS, boardPlacement, rotationFacing } from "./campus-layout";
import type { LocalPlayer } from "./local-player";

/** Where a "fly there" ends: this far in front of a district's task board (m). */
export const VIEW_DISTANCE = 5.5; // default 5.5
/** A route keeps this far from the fountain's centre (m). */
export const FOUNTAIN_CLEARANCE = FOUNTAIN_RADIUS + 2;
/** The camera gives up waiting for the avatar after this long (ms). */
export const FLIGHT_TIMEOUT_MS = 20_000; // default 20_000

export interface Point {
  x: number;
  z: number;
}

/** The spot to stand to read a district's board, and the yaw that faces the board from there. */
export function viewpointFor(world: World, districtId: string): (Point & { yaw: number; boardX: number; boardZ: number }) | null {
  const d = world.districts.find((x) => x.id === districtId);
  if (!d) return null;
  const board = boardPlacement(d);
  // The board faces rotY; its front is (sin rotY, cos rotY).
  const fx = Math.sin(board.rotY);
  const fz = Math.cos(board.rotY);
  const x = board.x + fx * VIEW_DISTANCE;
  const z = board.z + fz * VIEW_DISTANCE;
  return { x, z, yaw: yawFacing(-fx, -fz), boardX: board.x, boardZ: board.z };
}

/** The player's yaw that faces direction (dx, dz): yaw 0 faces -z, forward is (-sin, -cos). */
export function yawFacing(dx: number, dz: number): number {
  return rotationFacing(-dx, -dz);
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
 * "Fly there": the local player runs to a district's board along a route that avoids the
 * fountain while the camera glides ahead to the viewpoint. Any key the person presses takes
 * control back. Stepped from the frame loop; allocation-free per frame.
 */
export class Flight {
  active = false;
  /** The viewpoint and the board it looks at. */
  readonly view = { x: 0, z: 0, yaw: 0, boardX: 0, boardZ: 0 };
  private route: Point[] = [];
  private leg = 0;
  private startedAt = 0;

  start(player: LocalPlayer, world: World, districtId: string, now: number): boolean {
    const v = viewpointFor(world, districtId);
    if (!v) return false;
    Object.assign(this.view, v);
    this.route = routeAround(player.pose, v);
    this.leg = 0;
    this.startedAt = now;
    this.active = true;
    this.walk(player, this.route[0]!);
    return true;
  }

  /** Advances the route; ends the flight on arrival, on timeout or when the person took over. */
  step(player: LocalPlayer, now: number): void {
    if (!this.active) return;
    if (now - this.startedAt > FLIGHT_TIMEOUT_MS) {
      this.end(player);
      return;
    }
    if (player.target.active) return;
    const goal = this.route[this.leg];
    const arrived = goal !== undefined && Math.hypot(player.pose.x - goal.x, player.pose.z - goal.z) < 0.5;
    if (!arrived) {
      this.active = false; // a key press cancelled the walk: the person has the controls again
      return;
    }
    this.leg++;
    const next = this.route[this.leg];
    if (next) {
      this.walk(player, next);
      return;
    }
    this.end(player);
  }

  /** Runs to `p`, facing where it goes. */
  private walk(player: LocalPlayer, p: Point): void {
    if (Math.hypot(p.x - player.pose.x, p.z - player.pose.z) > 0.3) player.pose.yaw = yawFacing(p.x - player.pose.x, p.z - player.pose.z);
    player.walkTo(p.x, p.z, true);
  }

  private end(player: LocalPlayer): void {
    this.active = false;
    player.pose.yaw = this.view.yaw;
    player.pose.pitch = -0.05;
  }
}

/** This page's flight. */
export const flight = new Flight();
