import { describe, expect, it } from "vitest";
import { PATCH_INTERVAL_MS, SPECTATOR_COARSE_POSE_INTERVAL_MS } from "../../../shared/constants";
import { seededRandom } from "../../../shared/random";
import { CLOCK_RESYNC_MS, CLOCK_SLEW, CLOCK_WINDOW_MS, ServerClock } from "./server-clock";

/**
 * The server packs a message at server time `s`; this page's clock reads `s + skew(s)` then
 * (the two clocks' offset, maybe drifting), and reads the message `latency` later.
 */
interface Sent {
  server: number;
  /** When it was packed, on this page's clock. */
  sentLocal: number;
  arrival: number;
}

/** Messages every `intervalMs` of server time from `from` for `count`, read after `latency(i)` ms. */
function stream(count: number, intervalMs: number, latency: (i: number) => number, opts: { from?: number; skew?: number; drift?: number } = {}): Sent[] {
  const from = opts.from ?? 0;
  const skew = opts.skew ?? 1000;
  const drift = opts.drift ?? 0;
  const out: Sent[] = [];
  for (let i = 0; i < count; i++) {
    const server = from + i * intervalMs;
    const sentLocal = server * (1 + drift) + skew;
    out.push({ server, sentLocal, arrival: sentLocal + latency(i) });
  }
  // A page reads its messages in order: a late one holds up the ones behind it.
  for (let i = 1; i < out.length; i++) out[i]!.arrival = Math.max(out[i]!.arrival, out[i - 1]!.arrival);
  return out;
}

const wire = (server: number) => ((server % 2 ** 32) + 2 ** 32) % 2 ** 32;

function mapAll(clock: ServerClock, sent: Sent[]): number[] {
  return sent.map((m) => clock.toLocal(wire(m.server), m.arrival));
}

describe("ServerClock", () => {
  it("lays a late burst out when the server packed it, not when it was read", () => {
    const clock = new ServerClock();
    // 5 ms on the wire; messages 40–49 are held up by a 600 ms frame and read all at once.
    const sent = stream(60, PATCH_INTERVAL_MS, () => 5);
    const stall = sent[49]!.arrival + 100;
    for (let i = 40; i < 50; i++) sent[i]!.arrival = stall;
    const local = mapAll(clock, sent);
    for (let i = 0; i < sent.length; i++) expect(local[i]! - (sent[i]!.sentLocal + 5), `message ${i}`).toBeCloseTo(0, 6);
    // The burst keeps the server's spacing: 50 ms between its snapshots, not 0.
    for (let i = 41; i < 50; i++) expect(local[i]! - local[i - 1]!).toBeCloseTo(PATCH_INTERVAL_MS, 6);
    expect(clock.resyncs).toBe(1); // the first message only
  });

  it("under jitter, times by the least late message: never later than a message was read, and evenly spaced", () => {
    const random = seededRandom(7);
    const clock = new ServerClock();
    const base = 3;
    const sent = stream(2000, PATCH_INTERVAL_MS, () => base + random() ** 2 * 120); // mostly quick, sometimes 120 ms late
    const local = mapAll(clock, sent);
    for (let i = 200; i < sent.length; i++) {
      const m = sent[i]!;
      // Laid out within a few ms of when it was packed plus the quickest path...
      expect(local[i]! - (m.sentLocal + base)).toBeGreaterThanOrEqual(-1e-6);
      expect(local[i]! - (m.sentLocal + base)).toBeLessThan(5);
      // ...so never after it was read (a little: the least late message of the window was that quick).
      expect(local[i]!).toBeLessThanOrEqual(m.arrival + 5);
      // and the spacing is the server's, give or take the glide of the offset.
      expect(local[i]! - local[i - 1]!).toBeGreaterThan(PATCH_INTERVAL_MS * (1 - CLOCK_SLEW) - 1e-6);
      expect(local[i]! - local[i - 1]!).toBeLessThan(PATCH_INTERVAL_MS * (1 + CLOCK_SLEW) + 1e-6);
    }
    expect(clock.resyncs).toBe(1);
  });

  it("follows a drifting clock (the page's runs 0.1 % fast) without a jump", () => {
    const random = seededRandom(11);
    const clock = new ServerClock();
    const drift = 0.001; // far more than real clocks drift
    const sent = stream(20 * 60 * 5, PATCH_INTERVAL_MS, () => 2 + random() * 40, { drift }); // five minutes
    const local = mapAll(clock, sent);
    for (let i = 1; i < sent.length; i++) {
      expect(local[i]! - local[i - 1]!).toBeGreaterThan(PATCH_INTERVAL_MS * (1 - CLOCK_SLEW) - 1e-6);
      if (i < 200) continue; // the first messages' window
      // Early by at most what the clocks drift apart over the window, late by a few ms of jitter.
      expect(local[i]! - (sent[i]!.sentLocal + 2)).toBeGreaterThan(-CLOCK_WINDOW_MS * drift - 1);
      expect(local[i]! - (sent[i]!.sentLocal + 2)).toBeLessThan(5);
    }
    expect(clock.resyncs).toBe(1);
  });

  it("keeps time across coarse gaps (a spectator's message every 2 s)", () => {
    const random = seededRandom(3);
    const clock = new ServerClock();
    const sent = stream(100, SPECTATOR_COARSE_POSE_INTERVAL_MS, (i) => (i % 7 === 3 ? 400 : 4 + random() * 30));
    const local = mapAll(clock, sent);
    for (let i = 10; i < sent.length; i++) {
      expect(local[i]! - (sent[i]!.sentLocal + 4)).toBeGreaterThanOrEqual(-1);
      expect(local[i]! - (sent[i]!.sentLocal + 4)).toBeLessThan(35);
      const gap = local[i]! - local[i - 1]!;
      expect(gap).toBeGreaterThan(SPECTATOR_COARSE_POSE_INTERVAL_MS - 35);
      expect(gap).toBeLessThan(SPECTATOR_COARSE_POSE_INTERVAL_MS + 35);
    }
    expect(clock.resyncs).toBe(1);
  });

  it("glides when the route gets slower or quicker, and jumps only when it is far off", () => {
    const clock = new ServerClock();
    // 20 s at 5 ms, 30 s at 205 ms, 30 s at 5 ms again.
    const sent = stream(1600, PATCH_INTERVAL_MS, (i) => (i >= 400 && i < 1000 ? 205 : 5));
    const local = mapAll(clock, sent);
    for (let i = 1; i < sent.length; i++) {
      const gap = local[i]! - local[i - 1]!;
      expect(gap, `gap before ${i}`).toBeGreaterThanOrEqual(PATCH_INTERVAL_MS * (1 - CLOCK_SLEW) - 1e-6);
      expect(gap, `gap before ${i}`).toBeLessThanOrEqual(PATCH_INTERVAL_MS * (1 + CLOCK_SLEW) + 1e-6);
    }
    // Settled on the slower route before it got quick again, and on the quick one at the end.
    expect(local[999]! - (sent[999]!.sentLocal + 205)).toBeCloseTo(0, 6);
    expect(local[1599]! - (sent[1599]!.sentLocal + 5)).toBeCloseTo(0, 6);
    expect(clock.resyncs).toBe(1);

    // Far off (the first messages came while the page was loading, 3 s late, and the ones
    // behind them were read in a rush): it jumps, rather than glide for half a minute.
    const late = new ServerClock();
    const loading = stream(200, PATCH_INTERVAL_MS, (i) => (i < 3 ? 3000 : 5));
    const mapped = mapAll(late, loading);
    expect(CLOCK_RESYNC_MS).toBeLessThan(3000);
    expect(late.resyncs).toBeGreaterThan(1);
    const settled = loading.findIndex((m, i) => Math.abs(mapped[i]! - (m.sentLocal + 5)) < 1e-6);
    expect(settled).toBeGreaterThan(0);
    expect(loading[settled]!.server).toBeLessThan(3000 + CLOCK_RESYNC_MS / CLOCK_SLEW + 1000); // the jumps, then a glide of at most CLOCK_RESYNC_MS
    for (let i = settled; i < loading.length; i++) expect(mapped[i]! - (loading[i]!.sentLocal + 5)).toBeCloseTo(0, 6);
  });

  it("reads the header's uint32 across its wrap", () => {
    const clock = new ServerClock();
    const from = 2 ** 32 - 20 * PATCH_INTERVAL_MS;
    const sent = stream(40, PATCH_INTERVAL_MS, () => 5, { from, skew: -from + 1000 });
    const local = mapAll(clock, sent);
    for (let i = 1; i < sent.length; i++) expect(local[i]! - local[i - 1]!).toBeCloseTo(PATCH_INTERVAL_MS, 6);
    expect(local[39]! - (sent[39]!.sentLocal + 5)).toBeCloseTo(0, 6);
  });
});
