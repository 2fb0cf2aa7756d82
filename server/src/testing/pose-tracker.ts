import type { Room as ClientRoom } from "@colyseus/sdk";
import { emptyRecord, POSES_MESSAGE, readRecord, RECORD_COARSE, RECORD_DROP, RECORD_FULL_XR } from "../../../shared/pose-wire";
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
}

/**
 * Decodes the pose stream a client receives, as the browser client does, into `into` by id
 * (slots are looked up in the client's own state). Test and e2e code only.
 */
export function trackPoses(room: ClientRoom<unknown, WorkspaceState>, into = new Map<string, SeenPose>()): Map<string, SeenPose> {
  const r = emptyRecord();
  room.onMessage(POSES_MESSAGE, (bytes: Uint8Array) => {
    const now = performance.now();
    const ids = new Map<number, string>();
    room.state.people?.forEach((p, id) => ids.set(p.slot, id));
    room.state.agents?.forEach((a, id) => ids.set(a.slot, id));
    let at = 0;
    while (at < bytes.length && (at = readRecord(bytes, at, r)) > 0) {
      const id = ids.get(r.slot);
      if (id === undefined) continue;
      let seen = into.get(id);
      if (!seen) into.set(id, (seen = { x: NaN, z: NaN, yaw: NaN, pitch: NaN, full: false, headY: 0, hands: 0, fullAt: [], coarseAt: [] }));
      if (r.kind === RECORD_DROP) {
        seen.full = false;
        continue;
      }
      if (r.kind === RECORD_COARSE) {
        seen.coarseAt.push(now);
        // A coarse pose of an entity whose full poses still come is older news than them.
        if (seen.full) continue;
      } else {
        seen.full = true;
        seen.fullAt.push(now);
        seen.hands = r.kind === RECORD_FULL_XR ? r.hands : 0;
        if (r.kind === RECORD_FULL_XR) seen.headY = r.headY;
      }
      seen.x = r.x;
      seen.z = r.z;
      seen.yaw = r.yaw;
      seen.pitch = r.pitch;
    }
  });
  return into;
}
