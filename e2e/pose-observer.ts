import type { Room } from "@colyseus/sdk";
import { emptyRecord, POSES_MESSAGE, readRecord, RECORD_COARSE, RECORD_DROP, RECORD_FULL_XR } from "../shared/pose-wire";
import type { WorkspaceState } from "../shared/state";

/** A person's pose as another client last received it (shared/pose-wire.ts), with the XR body when one came. */
export interface ObservedPose {
  x: number;
  z: number;
  yaw: number;
  /** From the last full record; 0 from a coarse one. */
  pitch: number;
  /** Whether the last record was full (false: coarse, or full poses were dropped). */
  full: boolean;
  /** The XR body of the last FULL_XR record (hands 0 until one comes). */
  headY: number;
  hands: number;
}

/**
 * What another person sees of everyone's poses: decodes the pose stream `room` receives, naming
 * each record by the slot its Person or Agent carries in the state, as the browser does.
 */
export function observePoses(room: Room<unknown, WorkspaceState>): Map<string, ObservedPose> {
  const poses = new Map<string, ObservedPose>();
  const r = emptyRecord();
  room.onMessage(POSES_MESSAGE, (bytes: Uint8Array) => {
    const ids = new Map<number, string>();
    room.state.people?.forEach((p, id) => ids.set(p.slot, id));
    room.state.agents?.forEach((a, id) => ids.set(a.slot, id));
    let at = 0;
    while (at < bytes.length && (at = readRecord(bytes, at, r)) > 0) {
      const id = ids.get(r.slot);
      if (id === undefined) continue;
      let seen = poses.get(id);
      if (!seen) poses.set(id, (seen = { x: NaN, z: NaN, yaw: NaN, pitch: NaN, full: false, headY: 0, hands: 0 }));
      if (r.kind === RECORD_DROP) {
        seen.full = false;
        continue;
      }
      // A coarse pose of an entity whose full poses still come is older news than them.
      if (r.kind === RECORD_COARSE && seen.full) continue;
      seen.full = r.kind !== RECORD_COARSE;
      seen.x = r.x;
      seen.z = r.z;
      seen.yaw = r.yaw;
      seen.pitch = r.pitch;
      if (r.kind === RECORD_FULL_XR) {
        seen.headY = r.headY;
        seen.hands = r.hands;
      } else if (r.kind !== RECORD_COARSE) {
        seen.hands = 0;
      }
    }
  });
  return poses;
}
