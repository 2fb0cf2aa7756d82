/**
 * Remote motion smoothing. Each remote person keeps a small ring of timestamped snapshots;
 * the scene samples it at `now - INTERPOLATION_DELAY_MS`, so there are normally two snapshots
 * to blend and motion never jumps between patches. No allocation after construction.
 */

export interface Pose {
  x: number;
  z: number;
  yaw: number;
  pitch: number;
}

const CAPACITY = 16;

/** The signed shortest turn from a to b, in (-π, π]. */
export function angleDelta(a: number, b: number): number {
  let d = (b - a) % (Math.PI * 2);
  if (d > Math.PI) d -= Math.PI * 2;
  if (d <= -Math.PI) d += Math.PI * 2;
  return d;
}

export class SnapshotBuffer {
  private readonly t = new Float64Array(CAPACITY);
  private readonly x = new Float64Array(CAPACITY);
  private readonly z = new Float64Array(CAPACITY);
  private readonly yaw = new Float64Array(CAPACITY);
  private readonly pitch = new Float64Array(CAPACITY);
  /** Index of the newest snapshot. */
  private head = -1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds a snapshot taken at time `t` (ms). Out-of-order snapshots are dropped. */
  push(t: number, pose: Pose): void {
    if (this.count > 0 && t < this.t[this.head]!) return;
    this.head = (this.head + 1) % CAPACITY;
    this.t[this.head] = t;
    this.x[this.head] = pose.x;
    this.z[this.head] = pose.z;
    this.yaw[this.head] = pose.yaw;
    this.pitch[this.head] = pose.pitch;
    if (this.count < CAPACITY) this.count++;
  }

  /** Forgets history and starts at `pose` (after a reconnect or a snap). */
  reset(t: number, pose: Pose): void {
    this.count = 0;
    this.head = -1;
    this.push(t, pose);
  }

  /**
   * Writes the pose at render time `t` into `out`. Between two snapshots it blends them;
   * before the oldest it holds the oldest; after the newest it holds the newest (no guessing
   * ahead, so a stopped person stops). Returns false when the buffer is empty.
   */
  sample(t: number, out: Pose): boolean {
    if (this.count === 0) return false;
    // Walk back from the newest to find the pair [older, newer] that brackets t.
    let newer = this.head;
    for (let i = 0; i < this.count; i++) {
      const idx = (this.head - i + CAPACITY) % CAPACITY;
      if (this.t[idx]! <= t) {
        if (idx === this.head) return this.copy(idx, out);
        return this.blend(idx, newer, t, out);
      }
      newer = idx;
    }
    return this.copy(newer, out); // t is before every snapshot: hold the oldest
  }

  private copy(i: number, out: Pose): true {
    out.x = this.x[i]!;
    out.z = this.z[i]!;
    out.yaw = this.yaw[i]!;
    out.pitch = this.pitch[i]!;
    return true;
  }

  private blend(a: number, b: number, t: number, out: Pose): true {
    const span = this.t[b]! - this.t[a]!;
    const k = span > 0 ? (t - this.t[a]!) / span : 1;
    out.x = this.x[a]! + (this.x[b]! - this.x[a]!) * k;
    out.z = this.z[a]! + (this.z[b]! - this.z[a]!) * k;
    out.yaw = this.yaw[a]! + angleDelta(this.yaw[a]!, this.yaw[b]!) * k;
    out.pitch = this.pitch[a]! + (this.pitch[b]! - this.pitch[a]!) * k;
    return true;
  }
}
