import { MOVE_MAX_DT_S, MOVE_SLACK_M, MOVE_SPEED_TOLERANCE, RUN_SPEED } from "../../../shared/constants";
import type { ErrorCode } from "../../../shared/protocol/messages";

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
 * its tests share one rule.
 */
export function checkMove(from: Pose, to: Pose, dtSeconds: number, campusRadius: number): MoveVerdict {
  if (!insideCampus(to, campusRadius)) {
    return { ok: false, code: "out_of_bounds", message: `that spot is outside the campus (radius ${campusRadius} m)` };
  }
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
