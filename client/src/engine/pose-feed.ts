import {
  COARSE_INTERPOLATION_DELAY_MS,
  COARSE_POSE_INTERVAL_MS,
  INTERPOLATION_DELAY_MS,
  SPECTATOR_COARSE_POSE_INTERVAL_MS,
  SPECTATOR_INTERPOLATION_DELAY_MS,
} from "../../../shared/constants";

/** How often coarse poses come, and how far in the past they are drawn (ms). */
export interface CoarseRate {
  intervalMs: number;
  delayMs: number;
}

/** A person's client: coarse poses every second. */
export const PERSON_COARSE: CoarseRate = { intervalMs: COARSE_POSE_INTERVAL_MS, delayMs: COARSE_INTERPOLATION_DELAY_MS };
/** A spectator's (wall screen's) client: coarse poses only, every two seconds. */
export const SPECTATOR_COARSE: CoarseRate = { intervalMs: SPECTATOR_COARSE_POSE_INTERVAL_MS, delayMs: SPECTATOR_INTERPOLATION_DELAY_MS };
import type { Pose, SnapshotBuffer } from "./interpolation";

/**
 * Feeds one remote person's or agent's snapshot buffer from the pose stream (pose-stream.ts).
 * The server sends the full pose at every patch it changes only for what is near this client,
 * and a coarse pose about once a second for everything (server/src/rooms/interest.ts);
 * spectators get only coarse poses. The buffer is drawn INTERPOLATION_DELAY_MS in the past
 * while full poses come and COARSE_INTERPOLATION_DELAY_MS while only coarse ones do (a
 * spectator's every SPECTATOR_COARSE_POSE_INTERVAL_MS, SPECTATOR_INTERPOLATION_DELAY_MS); a switch
 * glides from one delay to the other (SnapshotBuffer.setDelay).
 *
 * Coarse poses are packed from the current pose when they are sent, so they are as fresh as
 * full ones; they are ignored while full ones come (both streams name everything near).
 */
export class PoseFeed {
  private readonly pose: Pose = { x: 0, z: 0, yaw: 0, pitch: 0 };
  private lastKind: "full" | "coarse" | null = null;

  constructor(
    readonly buffer: SnapshotBuffer,
    private readonly rate: CoarseRate = PERSON_COARSE,
  ) {}

  /** The kind of pose it is fed now: "full", "coarse", or null before any arrived. */
  get kind(): "full" | "coarse" | null {
    return this.lastKind;
  }

  /** A full pose arrived (`now`: performance.now()). */
  full(now: number, x: number, z: number, yaw: number, pitch: number): void {
    this.feed(now, "full", x, z, yaw, pitch);
  }

  /** A coarse pose arrived; ignored while full poses come. */
  coarse(now: number, x: number, z: number, yaw: number): void {
    if (this.lastKind === "full") return;
    this.feed(now, "coarse", x, z, yaw, 0);
  }

  /** Full poses stop (the entity left this client's full-rate set): coarse ones follow. */
  drop(now: number): void {
    if (this.lastKind !== "full") return;
    this.lastKind = "coarse";
    this.buffer.setDelay(this.rate.delayMs, now);
  }

  private feed(now: number, kind: "full" | "coarse", x: number, z: number, yaw: number, pitch: number): void {
    const p = this.pose;
    p.x = x;
    p.z = z;
    p.yaw = yaw;
    p.pitch = pitch;
    const delay = kind === "full" ? INTERPOLATION_DELAY_MS : this.rate.delayMs;
    if (this.lastKind === null || this.buffer.size === 0) this.buffer.reset(now, p, delay);
    else {
      this.buffer.setDelay(delay, now);
      // After a silence of coarse poses the entity stood still: its move plays over one interval.
      // Full poses come every patch, but not always evenly (a busy page takes several at once),
      // so a gap there is not taken for standing still.
      this.buffer.push(now, p, kind === "full" ? 0 : this.rate.intervalMs);
    }
    this.lastKind = kind;
  }
}
