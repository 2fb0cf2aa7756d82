import { COARSE_INTERPOLATION_DELAY_MS, COARSE_POSE_INTERVAL_MS, INTERPOLATION_DELAY_MS, PATCH_INTERVAL_MS } from "../../../shared/constants";
import { poseOf, type PosedEntity } from "../../../shared/state";
import type { Pose, SnapshotBuffer } from "./interpolation";

/** A person's or an agent's schema object as the client holds it (pitch: people only). */
export type FedEntity = PosedEntity & { pitch?: number | undefined };

/**
 * Feeds one remote person's or agent's snapshot buffer from its schema object. The server sends
 * the full pose (every patch) only for what is near this client, and a coarse pose (every
 * COARSE_POSE_INTERVAL_MS) for everything (server/src/rooms/interest.ts); spectators get only
 * coarse poses. Each patch that touches the entity calls `update`: it pushes the best pose it
 * has when that pose changed, and sets the buffer's drawing delay for how often such poses come.
 *
 * A coarse pose is pushed only when a new one arrives: the server refreshes it from the full
 * pose just before the patch that carries it, so it is as fresh as a full one. The coarse pose
 * held when the full one stops (the entity went out of range) is up to an interval old, older
 * than the last full pose: pushing it would pull the entity back.
 */
export class PoseFeed {
  private readonly pose: Pose = { x: 0, z: 0, yaw: 0, pitch: 0 };
  private readonly last: Pose = { x: NaN, z: NaN, yaw: NaN, pitch: NaN };
  private lastKind: "full" | "coarse" | null = null;
  /** The coarse pose as it was at the last update, to tell a fresh coarse pose from one held since. */
  private coarseX: number | undefined = undefined;
  private coarseZ: number | undefined = undefined;
  private coarseYaw: number | undefined = undefined;

  constructor(
    private readonly entity: FedEntity,
    readonly buffer: SnapshotBuffer,
  ) {}

  /** The kind of pose fed last: "full", "coarse", or null before any arrived. */
  get kind(): "full" | "coarse" | null {
    return this.lastKind;
  }

  /** Reads the entity after a patch (`now`: performance.now()). */
  update(now: number): void {
    const p = this.pose;
    const kind = poseOf(this.entity, p);
    if (kind === null) return;
    p.pitch = kind === "full" ? (this.entity.pitch ?? 0) : 0;
    const delay = kind === "full" ? INTERPOLATION_DELAY_MS : COARSE_INTERPOLATION_DELAY_MS;
    const e = this.entity;
    const freshCoarse = e.coarseX !== this.coarseX || e.coarseZ !== this.coarseZ || e.coarseYaw !== this.coarseYaw;
    this.coarseX = e.coarseX;
    this.coarseZ = e.coarseZ;
    this.coarseYaw = e.coarseYaw;
    if (this.lastKind === null || this.buffer.size === 0) {
      this.buffer.reset(now, p, delay);
    } else {
      this.buffer.setDelay(delay, now);
      // Another field changed (a name, a state, the coarse pose of something drawn from its full one): nothing to push.
      if (kind === "coarse" && !freshCoarse) {
        this.lastKind = kind;
        return;
      }
      if (kind === this.lastKind && p.x === this.last.x && p.z === this.last.z && p.yaw === this.last.yaw && p.pitch === this.last.pitch) return;
      this.buffer.push(now, p, kind === "full" ? PATCH_INTERVAL_MS : COARSE_POSE_INTERVAL_MS);
    }
    this.lastKind = kind;
    this.last.x = p.x;
    this.last.z = p.z;
    this.last.yaw = p.yaw;
    this.last.pitch = p.pitch;
  }
}
