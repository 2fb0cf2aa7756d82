/**
 * Maps the server's clock onto this page's clock, so that remote poses are timed by when the
 * server packed them and not by when their message happened to be read. Each pose message
 * carries the server time (shared/pose-wire.ts: ms since the room started, a wrapping uint32);
 * a message read at `arrival` says the server time was `serverMs` at least `arrival − serverMs`
 * ago on this clock (the offset, plus however late it came). The least late message of a recent
 * window is the best guess of the offset: a message read in a burst after a long frame or a
 * stalled network is late, and is laid out `serverMs + offset`, when the server sent it, instead
 * of at its arrival with the rest of the burst.
 *
 * - The window is CLOCK_WINDOW_MS of server time, kept as the minimum of each of
 *   CLOCK_BUCKETS slices, so it forgets an old quick message and follows drift between the two
 *   clocks and changes of route. Being of server time, a long stall on this page (no messages
 *   read) does not empty it: the burst after it is measured against the messages before.
 * - The offset in use glides to the window's minimum by at most CLOCK_SLEW of the server time
 *   passed (10 %: snapshots keep 90–110 % of the server's spacing, so remote motion is drawn at
 *   most that much faster or slower while it glides), so snapshots stay in order and evenly spaced.
 * - When the two are more than CLOCK_RESYNC_MS apart (the first messages came late while the
 *   page was loading, or the route changed a lot) it jumps instead of gliding; the pose feeds
 *   then start over from the pose at hand (pose-feed.ts).
 *
 * No allocation after construction.
 */

/** The window whose least late message sets the offset, in server time (ms). */
export const CLOCK_WINDOW_MS = 10_000; // default 10000
/** The window is kept as the minimum of this many slices of it. */
export const CLOCK_BUCKETS = 10; // default 10
/** The offset in use moves towards the window's minimum at most this fraction of the time passed. */
export const CLOCK_SLEW = 0.1; // default 0.1
/** Further apart than this (ms), the offset jumps to the window's minimum instead of gliding. */
export const CLOCK_RESYNC_MS = 500; // default 500

const WRAP = 2 ** 32;

export class ServerClock {
  /** Each slice's least (arrival − server time), and which slice of server time it holds (floor(server / slice)). */
  private readonly least = new Float64Array(CLOCK_BUCKETS);
  private readonly sliceOf = new Float64Array(CLOCK_BUCKETS).fill(-Infinity);
  private readonly sliceMs = CLOCK_WINDOW_MS / CLOCK_BUCKETS;
  /** The last raw header value and the unwrapped server time it stands for. */
  private lastRaw = -1;
  private server = 0;
  /** The offset in use (local = server + offset); NaN before the first message. */
  private offset = NaN;
  /** How many times the offset jumped (the first message included). */
  resyncs = 0;

  /**
   * The local time (performance.now() ms) the server time `rawServerMs` (a header's uint32)
   * stands for, given that its message was read at `arrival`. Call once per message, in order.
   */
  toLocal(rawServerMs: number, arrival: number): number {
    // Unwrap: the difference to the last header, taken as a signed 32-bit number.
    const elapsed = this.lastRaw < 0 ? 0 : ((rawServerMs - this.lastRaw + WRAP) % WRAP) | 0;
    if (this.lastRaw < 0) this.server = rawServerMs;
    else this.server += elapsed;
    this.lastRaw = rawServerMs;
    const server = this.server;
    const sample = arrival - server;

    const slice = Math.floor(server / this.sliceMs);
    const i = ((slice % CLOCK_BUCKETS) + CLOCK_BUCKETS) % CLOCK_BUCKETS;
    if (this.sliceOf[i] !== slice) {
      this.sliceOf[i] = slice;
      this.least[i] = sample;
    } else if (sample < this.least[i]!) this.least[i] = sample;
    let target = sample;
    for (let j = 0; j < CLOCK_BUCKETS; j++) {
      const s = this.sliceOf[j]!;
      if (s > slice - CLOCK_BUCKETS && s <= slice && this.least[j]! < target) target = this.least[j]!;
    }

    if (Number.isNaN(this.offset) || Math.abs(target - this.offset) > CLOCK_RESYNC_MS) {
      this.offset = target;
      this.resyncs++;
    } else {
      // At most CLOCK_SLEW of the server time passed: snapshots keep 90–110 % of their spacing.
      const step = CLOCK_SLEW * Math.max(0, elapsed);
      this.offset += Math.max(-step, Math.min(step, target - this.offset));
    }
    return server + this.offset;
  }

  /**
   * The local time the server time `rawServerMs` stands for, by the offset in use, without
   * taking it as a sample: for the earlier frames of a batched message, which waited for the
   * message's last frame and say nothing about the offset that one does not (PoseStream).
   */
  map(rawServerMs: number): number {
    const elapsed = this.lastRaw < 0 ? 0 : ((rawServerMs - this.lastRaw + WRAP) % WRAP) | 0;
    return this.server + elapsed + this.offset;
  }

  /** The offset in use (local = server + offset), NaN before the first message. */
  get offsetMs(): number {
    return this.offset;
  }
}
