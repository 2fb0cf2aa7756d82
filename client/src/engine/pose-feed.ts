import {
  COARSE_INTERPOLATION_DELAY_MS,
  COARSE_POSE_INTERVAL_MS,
  INTERPOLATION_DELAY_MS,
  MOVE_MAX_DT_S,
  PATCH_INTERVAL_MS,
  RUN_SPEED,
  SPECTATOR_COARSE_POSE_INTERVAL_MS,
  SPECTATOR_INTERPOLATION_DELAY_MS,
  WALK_SPEED,
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
 * Full poses come at every patch the pose changes: a longer gap than this (ms) between two is
 * someone who stood still, not a slow sender (a page drawing two frames a second sends a step
 * every half second).
 */
export const FULL_SILENCE_MS = 1000; // default 1000
/**
 * After standing still, the first step plays at walking pace (its length over WALK_SPEED, at
 * least one patch interval): when it started is not known, and one frame of a slow sender can
 * cover a metre. Longer than a step can be (RUN_SPEED × MOVE_MAX_DT_S: a teleport or a snap), it
 * plays over one patch interval.
 */
export const STEP_MAX_M = RUN_SPEED * MOVE_MAX_DT_S; // default 3.5

/**
 * Feeds one remote person's or agent's snapshot buffer from the pose stream (pose-stream.ts).
 * The server sends the full pose at every patch it changes only for what is near this client,
 * and a coarse pose about once a second for everything (server/src/rooms/interest.ts);
 * spectators get only coarse poses. The buffer is drawn INTERPOLATION_DELAY_MS in the past
 * (more in a big room: PoseStream.fullDelayMs) while full poses come and COARSE_INTERPOLATION_DELAY_MS while only coarse ones do (a
 * spectator's every SPECTATOR_COARSE_POSE_INTERVAL_MS, SPECTATOR_INTERPOLATION_DELAY_MS); a switch
 * glides from one delay to the other (SnapshotBuffer.setDelay).
 *
 * Coarse poses are packed from the current pose when they are sent, so they are as fresh as
 * full ones; they are ignored while full ones come (both streams name everything near).
 *
 * Snapshots are timed `t` by the server's clock mapped onto this page's (server-clock.ts), and
 * delays glide on this page's clock (`now`, the arrival).
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

  /** A full pose of server time `t` (mapped onto performance.now()) arrived at `now`, to be drawn `delayMs` in the past. */
  full(t: number, now: number, x: number, z: number, yaw: number, pitch: number, delayMs = INTERPOLATION_DELAY_MS): void {
    this.feed(t, now, "full", x, z, yaw, pitch, delayMs);
  }

  /** A coarse pose arrived; ignored while full poses come. */
  coarse(t: number, now: number, x: number, z: number, yaw: number): void {
    if (this.lastKind === "full") return;
    this.feed(t, now, "coarse", x, z, yaw, 0, this.rate.delayMs);
  }

  /** Full poses stop (the entity left this client's full-rate set): coarse ones follow. */
  drop(now: number): void {
    if (this.lastKind !== "full") return;
    this.lastKind = "coarse";
    this.buffer.setDelay(this.rate.delayMs, now);
  }

  private feed(t: number, now: number, kind: "full" | "coarse", x: number, z: number, yaw: number, pitch: number, delay: number): void {
    const p = this.pose;
    const b = this.buffer;
    // New, or the clock jumped back (server-clock.ts resynced): start over from this pose.
    if (this.lastKind === null || b.size === 0 || t < b.newestTime) {
      setPose(p, x, z, yaw, pitch);
      b.reset(t, p, delay);
      this.lastKind = kind;
      return;
    }
    b.setDelay(delay, now);
    // After a silence the entity stood still: its move plays over a short time before `t`, not
    // over the whole silence (which would be a creep, then the rest at once when it arrives).
    // Coarse poses: over one interval. Full ones: at walking pace (FULL_SILENCE_MS, STEP_MAX_M).
    const gap = t - b.newestTime;
    if (kind === "coarse") {
      if (gap > 2 * this.rate.intervalMs) b.hold(t - this.rate.intervalMs);
    } else if (gap > FULL_SILENCE_MS) {
      const d = Math.hypot(x - p.x, z - p.z);
      b.hold(t - (d > STEP_MAX_M ? PATCH_INTERVAL_MS : Math.max(PATCH_INTERVAL_MS, (d / WALK_SPEED) * 1000)));
    }
    // The drawing may rest on the newest snapshot already (a sender slower than the delay): the
    // move from there plays in full instead of jumping ahead (SnapshotBuffer.resume).
    b.resume(now);
    setPose(p, x, z, yaw, pitch);
    b.push(t, p);
    this.lastKind = kind;
  }
}

function setPose(p: Pose, x: number, z: number, yaw: number, pitch: number): void {
  p.x = x;
  p.z = z;
  p.yaw = yaw;
  p.pitch = pitch;
}
