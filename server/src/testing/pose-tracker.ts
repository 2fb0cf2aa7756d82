import type { Room as ClientRoom } from "@colyseus/sdk";
import { emptyRecord, POSES_MESSAGE, readPoseMessage, RECORD_COARSE, RECORD_DROP, RECORD_FULL_XR, type PoseRecord } from "../../../shared/pose-wire";
import type { WorkspaceState } from "../../../shared/state";

/** A person's or agent's pose as a client holds it from the pose stream (shared/pose-wire.ts). */
export interface SeenPose {
  x: number;
  z: number;
  yaw: number;
  /** From the last full record; 0 from a coarse one. */
  pitch: number;
  /** Whether the last pose was a full one (false: coarse, or full poses were dropped). */
  full: boolean;
  /** The XR body of the last FULL_XR record (hands 0 after a plain full record, and until one comes). */
  headY: number;
  hands: number;
  /** Arrival times (performance.now()) of full and coarse records. */
  fullAt: number[];
  coarseAt: number[];
  /** Server times (of the record's frame: ms since the room started) of the same records. */
  fullServerMs: number[];
  coarseServerMs: number[];
}

/** Called after each full or coarse record is taken in (`now`: its arrival, performance.now(); `serverMs`: its frame's server time). */
export type PoseListener = (id: string, seen: SeenPose, record: Readonly<PoseRecord>, now: number, serverMs: number) => void;

/**
 * Decodes the pose stream a client receives, as the browser client does, into `into` by id
 * (slots are looked up in the client's own state); `onPose` hears of each full or coarse
 * record. The one decoder for tests, e2e and the bench (shared/pose-wire.ts readPoseMessage
 * underneath). Test and bench code only.
 */
export function trackPoses(room: ClientRoom<unknown, WorkspaceState>, into = new Map<string, SeenPose>(), onPose?: PoseListener): Map<string, SeenPose> {
  const r = emptyRecord();
  const ids = new Map<number, string>();
  let now = 0;
  const take = (rec: PoseRecord, serverMs: number) => {
    const id = ids.get(rec.slot);
    if (id === undefined) return;
    let seen = into.get(id);
    if (!seen) {
      seen = { x: NaN, z: NaN, yaw: NaN, pitch: NaN, full: false, headY: 0, hands: 0, fullAt: [], coarseAt: [], fullServerMs: [], coarseServerMs: [] };
      into.set(id, seen);
    }
    if (rec.kind === RECORD_DROP) {
      seen.full = false;
      return;
    }
    if (rec.kind === RECORD_COARSE) {
      seen.coarseAt.push(now);
      seen.coarseServerMs.push(serverMs);
      // A coarse pose of an entity whose full poses still come is older news than them.
      if (seen.full) return;
    } else {
      seen.full = true;
      seen.fullAt.push(now);
      seen.fullServerMs.push(serverMs);
      seen.hands = rec.kind === RECORD_FULL_XR ? rec.hands : 0;
      if (rec.kind === RECORD_FULL_XR) seen.headY = rec.headY;
    }
    seen.x = rec.x;
    seen.z = rec.z;
    seen.yaw = rec.yaw;
    seen.pitch = rec.pitch;
    onPose?.(id, seen, rec, now, serverMs);
  };
  room.onMessage(POSES_MESSAGE, (bytes: Uint8Array) => {
    now = performance.now();
    ids.clear();
    room.state.people?.forEach((p, id) => ids.set(p.slot, id));
    room.state.agents?.forEach((a, id) => ids.set(a.slot, id));
    readPoseMessage(bytes, r, take);
  });
  return into;
}
