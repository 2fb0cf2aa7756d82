import type { XRBody } from "../../../shared/pose-wire";
import { MOVE_MAX_DT_S, MOVE_SLACK_M, MOVE_SPEED_TOLERANCE, RUN_SPEED } from "../../../shared/constants";
import type { ErrorCode, ErrorPayload } from "../../../shared/protocol/messages";
import type { MovePayload } from "../../../shared/protocol/schemas";

export interface Pose {
  x: number;
  z: number;
}

export type MoveVerdict = { ok: true } | { ok: false; code: Extract<ErrorCode, "too_fast" | "out_of_bounds">; message: string };

/** The furthest a person may travel in `dtSeconds` between two accepted moves (m). */
export function maxStep(dtSeconds: number): number {
  const dt = Math.min(Math.max(dtSeconds, 0), MOVE_MAX_DT_S);
  return RUN_SPEED * MOVE_SPEED_TOLERANCE * dt + MOVE_SLACK_M;
}

export function insideCampus(p: Pose, campusRadius: number): boolean {
  return Math.hypot(p.x, p.z) <= campusRadius;
}

/**
 * Decides whether a person at `from` may be at `to` after `dtSeconds`. Pure, so the room and
 * its tests share one rule. A teleport (see mayTeleport) is checked against the bounds only.
 */
export function checkMove(from: Pose, to: Pose, dtSeconds: number, campusRadius: number, teleport = false): MoveVerdict {
  if (!insideCampus(to, campusRadius)) {
    return { ok: false, code: "out_of_bounds", message: `that spot is outside the campus (radius ${campusRadius} m)` };
  }
  if (teleport) return { ok: true };
  const distance = Math.hypot(to.x - from.x, to.z - from.z);
  const limit = maxStep(dtSeconds);
  if (distance > limit) {
    return {
      ok: false,
      code: "too_fast",
      message: `moved ${distance.toFixed(2)} m in ${(dtSeconds * 1000).toFixed(0)} ms; the limit is ${limit.toFixed(2)} m`,
    };
  }
  return { ok: true };
}

/** Shortest time between two teleports of one person (ms): a teleport is a jump, not a way to fly. */
export const TELEPORT_MIN_INTERVAL_MS = 300; // default 300

/** When each person last teleported (performance.now() ms); forgotten with the person. */
const lastTeleportAt = new WeakMap<object, number>();

/**
 * Whether this move may skip the walking-speed check as a teleport: only people in an XR mode
 * teleport (desktop walks), and not more often than TELEPORT_MIN_INTERVAL_MS. The campus bounds
 * still apply (checkMove). Records the teleport when it allows it.
 */
export function mayTeleport(person: { mode: string }, move: { teleport?: boolean | undefined; mode?: string | undefined }, now: number): boolean {
  if (!move.teleport) return false;
  const mode = move.mode ?? person.mode;
  if (mode !== "vr" && mode !== "ar") return false;
  const last = lastTeleportAt.get(person);
  if (last !== undefined && now - last < TELEPORT_MIN_INTERVAL_MS) return false;
  lastTeleportAt.set(person, now);
  return true;
}

/** The XR part of a move, as the schema takes it (moveSchema's optional fields). */
export interface BodyMove {
  headY?: number | undefined;
  hands?: number | undefined;
  left?: readonly [number, number, number] | undefined;
  right?: readonly [number, number, number] | undefined;
  mode?: "desktop" | "vr" | "ar" | undefined;
}

/** The person's mode and XR body fields, as in shared/state.ts Person. */
export interface Body extends XRBody {
  mode: string;
}

/** Copies an accepted move's XR body (head height, hands, mode) onto the person; absent fields stay. */
export function applyBody(person: Body, move: BodyMove): void {
  if (move.mode !== undefined) person.mode = move.mode;
  if (move.headY !== undefined) person.headY = move.headY;
  if (move.hands !== undefined) person.hands = move.hands;
  if (move.left) {
    person.leftX = move.left[0];
    person.leftY = move.left[1];
    person.leftZ = move.left[2];
  }
  if (move.right) {
    person.rightX = move.right[0];
    person.rightY = move.right[1];
    person.rightZ = move.right[2];
  }
}

/** A person as a move changes it: the pose fields of shared/state.ts Person. */
export interface Mover extends Body, Pose {
  yaw: number;
  pitch: number;
}

/**
 * Judges and applies the room's moves: each person's clock since their last accepted move (for
 * the speed check), the campus bounds and the teleport rule.
 */
export class MoveJudge {
  /** When each person's last move was accepted (ms, monotonic). */
  private readonly lastMoveAt = new Map<string, number>();

  constructor(private readonly campusRadius: number) {}

  /** Starts (or restarts, after a reconnection) a person's clock. */
  start(id: string, now = performance.now()): void {
    this.lastMoveAt.set(id, now);
  }

  forget(id: string): void {
    this.lastMoveAt.delete(id);
  }

  /**
   * Applies `move` to `person` (none: a spectator, nothing happens) when it is allowed; otherwise
   * changes nothing and returns the error for the sender, with where the server has them.
   */
  apply(id: string, person: Mover | undefined, move: MovePayload, now = performance.now()): ErrorPayload | null {
    if (!person) return null;
    const dt = (now - (this.lastMoveAt.get(id) ?? now)) / 1000;
    const verdict = checkMove(person, move, dt, this.campusRadius, mayTeleport(person, move, now));
    if (!verdict.ok) return { code: verdict.code, rejected: "move", message: verdict.message, correction: { x: person.x, z: person.z } };
    this.lastMoveAt.set(id, now);
    person.x = move.x;
    person.z = move.z;
    person.yaw = move.yaw;
    person.pitch = move.pitch;
    applyBody(person, move);
    return null;
  }
}
