import { INTERPOLATION_DELAY_GLIDE_MS, INTERPOLATION_DELAY_MS } from "../../../shared/constants";

/**
 * Remote motion smoothing. Each remote person and agent keeps a small ring of timestamped
 * snapshots; the scene samples it a little in the past (`sampleNow`), so there are normally two
 * snapshots to blend and motion never jumps between patches. How far in the past depends on how
 * often poses arrive: INTERPOLATION_DELAY_MS for full-rate poses (every patch), and
 * COARSE_INTERPOLATION_DELAY_MS for coarse ones (what is far away; see pose-feed.ts). When a
 * buffer switches, its delay glides to the new one over INTERPOLATION_DELAY_GLIDE_MS, so the
 * drawing speeds up or slows down for a while instead of jumping.
 *
 * Snapshots are timed on this page's clock by when the server packed them (pose-stream.ts maps
 * the server time of each message with server-clock.ts), so their spacing is the server's, even
 * for messages read in a burst. When a pose arrives after the drawing has caught up with the
 * newest one and rests there (the sender is slower than the delay: a page drawing two frames a
 * second sends a step every half second), `resume` sets the drawing back to that newest
 * snapshot, which changes nothing on screen, so the move plays out in full instead of jumping
 * to where the render time already is; the extra delay glides off. No allocation after
 * construction.
 */

export interface Pose {
  x: number;
  z: number;
  yaw: number;
  pitch: number;
}

const CAPACITY = 16;

/**
 * Most extra delay (ms) `resume` takes on at once (it glides off over INTERPOLATION_DELAY_GLIDE_MS,
 * so the drawing then runs at most 1.5× fast). A drawing further behind (this page stalled for
 * longer) skips the rest.
 */
export const RESUME_MAX_EXTRA_DELAY_MS = 1000; // default 1000

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
  /** The drawing delay glides from `delayFrom` to `delayTo` (ms), starting at `glideStart`. */
  private delayFrom = INTERPOLATION_DELAY_MS;
  private delayTo = INTERPOLATION_DELAY_MS;
  private glideStart = 0;

  get size(): number {
    return this.count;
  }

  /** The time of the newest snapshot (−Infinity when empty). */
  get newestTime(): number {
    return this.count > 0 ? this.t[this.head]! : -Infinity;
  }

  /**
   * Adds a snapshot taken at time `t` (ms). Out-of-order snapshots are dropped. With
   * `intervalMs` (how often poses normally arrive), a snapshot after a silence of over two
   * intervals (the person stood still, so nothing was sent) first repeats the last pose one interval earlier:
   * the move then plays over one interval instead of being blended over the whole silence.
   */
  push(t: number, pose: Pose, intervalMs = 0): void {
    if (this.count > 0 && t < this.t[this.head]!) return;
    if (intervalMs > 0 && this.count > 0 && t - this.t[this.head]! > intervalMs * 2) {
      const last = this.head;
      this.append(t - intervalMs, this.x[last]!, this.z[last]!, this.yaw[last]!, this.pitch[last]!);
    }
    this.append(t, pose.x, pose.z, pose.yaw, pose.pitch);
  }

  /** Repeats the newest pose at `t` (a standing still that ended then); ignored unless `t` is after the newest. */
  hold(t: number): void {
    if (this.count === 0 || t <= this.t[this.head]!) return;
    const last = this.head;
    this.append(t, this.x[last]!, this.z[last]!, this.yaw[last]!, this.pitch[last]!);
  }

  /**
   * Call before pushing a snapshot that arrived at `now`. If the drawing has run past the newest
   * snapshot (it rests on it), the render time goes back to that snapshot at once: the same pose,
   * so nothing moves, but the move to the snapshot about to come plays in full. The delay this
   * adds (at most RESUME_MAX_EXTRA_DELAY_MS over the target) glides off.
   */
  resume(now: number): void {
    if (this.count === 0) return;
    const behind = now - this.t[this.head]!;
    const delay = this.delayAt(now);
    if (behind <= delay) return; // still drawing towards the newest: nothing to do
    this.delayFrom = Math.min(behind, this.delayTo + RESUME_MAX_EXTRA_DELAY_MS);
    if (this.delayFrom < delay) this.delayFrom = delay;
    this.glideStart = now;
  }

  private append(t: number, x: number, z: number, yaw: number, pitch: number): void {
    this.head = (this.head + 1) % CAPACITY;
    this.t[this.head] = t;
    this.x[this.head] = x;
    this.z[this.head] = z;
    this.yaw[this.head] = yaw;
    this.pitch[this.head] = pitch;
    if (this.count < CAPACITY) this.count++;
  }

  /** Forgets history and starts at `pose` (after a reconnect or a snap); `delayMs` is taken at once, without a glide. */
  reset(t: number, pose: Pose, delayMs = this.delayTo): void {
    this.count = 0;
    this.head = -1;
    this.delayFrom = this.delayTo = delayMs;
    this.push(t, pose);
  }

  /** From `now` on, glide the drawing delay to `delayMs` (no-op when that is the target already). */
  setDelay(delayMs: number, now: number): void {
    if (delayMs === this.delayTo) return;
    this.delayFrom = this.delayAt(now);
    this.delayTo = delayMs;
    this.glideStart = now;
  }

  /** How far in the past this buffer is drawn at `now` (ms). */
  delayAt(now: number): number {
    const k = (now - this.glideStart) / INTERPOLATION_DELAY_GLIDE_MS;
    if (k >= 1) return this.delayTo;
    if (k <= 0) return this.delayFrom;
    return this.delayFrom + (this.delayTo - this.delayFrom) * k;
  }

  /** The pose to draw at `now`: `sample` at `now` minus this buffer's delay. */
  sampleNow(now: number, out: Pose): boolean {
    return this.sample(now - this.delayAt(now), out);
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
