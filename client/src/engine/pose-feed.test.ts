import { describe, expect, it } from "vitest";
import { COARSE_DELAY_MARGIN_MS, COARSE_INTERPOLATION_DELAY_MS, COARSE_POSE_INTERVAL_MS, INTERPOLATION_DELAY_GLIDE_MS, INTERPOLATION_DELAY_MS } from "../../../shared/constants";
import { CLIENT_SEND_INTERVAL_MS, PATCH_INTERVAL_MS, WALK_SPEED } from "../../../shared/constants";
import { writeCoarse, writeDrop, writeFrame, writeFull, writeHeader } from "../../../shared/pose-wire";
import { SnapshotBuffer, type Pose } from "./interpolation";
import { FULL_SILENCE_MS, PoseFeed } from "./pose-feed";
import { BATCH_SPAN_WINDOW_MS, PoseStream } from "./pose-stream";
import type { RemoteBody } from "./xr-body";

const out = (): Pose => ({ x: NaN, z: NaN, yaw: NaN, pitch: NaN });

/**
 * Reads message `i` at `arrivals[i]` (`read(i)`) while drawing `walker` every 16 ms from 1000 on,
 * as the scene does; returns the slowest and the fastest it moved between two frames (m/s) after
 * the delay has glided into place (INTERPOLATION_DELAY_GLIDE_MS).
 */
function drawnSpeeds(walker: SnapshotBuffer, arrivals: number[], read: (i: number) => void): { slowest: number; fastest: number } {
  const o = out();
  let lastX = NaN;
  let slowest = Infinity;
  let fastest = 0;
  let next = 0;
  for (let now = 1000; now <= arrivals.at(-1)!; now += 16) {
    while (next < arrivals.length && arrivals[next]! <= now) read(next++);
    if (!walker.sampleNow(now, o)) continue;
    if (now > 1000 + INTERPOLATION_DELAY_GLIDE_MS + 500 && !Number.isNaN(lastX)) {
      const speed = (o.x - lastX) / 0.016;
      slowest = Math.min(slowest, speed);
      fastest = Math.max(fastest, speed);
    }
    lastX = o.x;
  }
  return { slowest, fastest };
}

describe("PoseFeed", () => {
  it("feeds full poses with the short delay, and ignores coarse ones meanwhile", () => {
    const feed = new PoseFeed(new SnapshotBuffer());
    feed.full(0, 0, 1, 2, 0.5, 0.1);
    expect(feed.kind).toBe("full");
    feed.full(50, 50, 2, 2, 0.5, 0.1);
    feed.coarse(60, 60, 9, 9, 0);
    expect(feed.buffer.size).toBe(2);
    expect(feed.buffer.delayAt(60)).toBe(INTERPOLATION_DELAY_MS);
    const o = out();
    feed.buffer.sample(25, o);
    expect(o).toEqual({ x: 1.5, z: 2, yaw: 0.5, pitch: 0.1 });
  });

  it("feeds coarse poses with the long delay", () => {
    const feed = new PoseFeed(new SnapshotBuffer());
    feed.coarse(0, 0, 10, 0, 1);
    expect(feed.kind).toBe("coarse");
    expect(feed.buffer.delayAt(0)).toBe(COARSE_INTERPOLATION_DELAY_MS);
    feed.coarse(1000, 1000, 14, 0, 1);
    const o = out();
    feed.buffer.sampleNow(1000 + COARSE_INTERPOLATION_DELAY_MS - 500, o);
    expect(o.x).toBeCloseTo(12);
  });

  it("a drop switches to coarse poses with no step back; full ones come back with the delay gliding down", () => {
    const feed = new PoseFeed(new SnapshotBuffer());
    for (let t = 0; t <= 800; t += 50) feed.full(t, t, t / 100, 0, 0, 0); // walking east, 1 m per 100 ms
    feed.drop(850);
    expect(feed.kind).toBe("coarse");
    const o = out();
    let last = -Infinity;
    for (let now = 850; now < 4000; now += 16) {
      if (now >= 1250 && feed.buffer.newestTime < 1250) feed.coarse(1250, now, 12.5, 0, 0); // the next coarse pose: where the walker is now
      feed.buffer.sampleNow(now, o);
      expect(o.x).toBeGreaterThanOrEqual(last - 1e-9);
      last = o.x;
    }
    expect(last).toBe(12.5);
    feed.full(4000, 4000, 13, 0, 0, 0);
    expect(feed.kind).toBe("full");
    expect(feed.buffer.delayAt(4000 + INTERPOLATION_DELAY_GLIDE_MS)).toBe(INTERPOLATION_DELAY_MS);
  });
});

describe("PoseStream", () => {
  it("routes each record to the person or agent with that slot, places this client once, and keeps far hands hidden", () => {
    const placed: Array<[number, number]> = [];
    const stream = new PoseStream((x, z) => placed.push([x, z]));
    const body: RemoteBody = { headY: 0, hands: 0, leftX: 0, leftY: 0, leftZ: 0, rightX: 0, rightY: 0, rightZ: 0 };
    const vera = stream.add("vera", 4, new SnapshotBuffer(), body);
    const iris = stream.add("iris", 9, new SnapshotBuffer(), null);
    stream.setSelf(2);
    const b = new Uint8Array(200);
    let at = writeHeader(b, 5000, COARSE_POSE_INTERVAL_MS);
    at += writeCoarse(b, at, 2, { x: 5, z: 6, yaw: 0 }); // this client's own place
    at += writeFull(b, at, 4, { x: 1, z: 2, yaw: 0, pitch: 0, headY: 1.5, hands: 3, leftX: 0.2, leftY: 1, leftZ: 0, rightX: -0.2, rightY: 1, rightZ: 0 });
    at += writeCoarse(b, at, 9, { x: 30, z: 40, yaw: 1 });
    at += writeCoarse(b, at, 77, { x: 0, z: 0, yaw: 0 }); // nobody: skipped
    stream.apply(b.subarray(0, at), 100);
    expect(placed).toEqual([[5, 6]]);
    const o = out();
    expect(vera.sample(100, o)).toBe(true);
    expect(o.x).toBeCloseTo(1, 2);
    expect(body.hands).toBe(3);
    expect(body.headY).toBeCloseTo(1.5, 3);
    expect(iris.sample(100, o)).toBe(true);
    expect(o.z).toBeCloseTo(40, 2);
    expect(iris.delayAt(100)).toBe(COARSE_INTERPOLATION_DELAY_MS);

    // Later own poses do not move this client; a drop hides Vera's hands.
    at = writeHeader(b, 5100, COARSE_POSE_INTERVAL_MS);
    at += writeCoarse(b, at, 2, { x: 50, z: 60, yaw: 0 });
    at += writeDrop(b, at, 4);
    stream.apply(b.subarray(0, at), 200);
    expect(placed).toHaveLength(1);
    expect(body.hands).toBe(0);

    // Gone: its records are skipped.
    stream.remove("iris", 9);
    at = writeHeader(b, 5200, COARSE_POSE_INTERVAL_MS);
    at += writeCoarse(b, at, 9, { x: 1, z: 1, yaw: 0 });
    stream.apply(b.subarray(0, at), 300);
    iris.sample(5000, o);
    expect(o.z).toBeCloseTo(40, 2);
  });

  it("times each message's poses by the server time in its header: a burst keeps the server's spacing", () => {
    const stream = new PoseStream(() => undefined);
    const walker = stream.add("walker", 1, new SnapshotBuffer(), null);
    const b = new Uint8Array(64);
    const message = (serverMs: number, x: number) => {
      let at = writeHeader(b, serverMs, COARSE_POSE_INTERVAL_MS);
      at += writeFull(b, at, 1, { x, z: 0, yaw: 0, pitch: 0 });
      return b.slice(0, at);
    };
    // Walking east 0.2 m per patch; read promptly (5 ms after the server's clock says), then
    // four messages held up by a long frame and read at the same moment.
    let serverMs = 100_000;
    for (let i = 0; i < 10; i++, serverMs += PATCH_INTERVAL_MS) stream.apply(message(serverMs, i * 0.2), 1000 + i * PATCH_INTERVAL_MS + 5);
    const stall = 1000 + 14 * PATCH_INTERVAL_MS + 200;
    for (let i = 10; i < 14; i++, serverMs += PATCH_INTERVAL_MS) stream.apply(message(serverMs, i * 0.2), stall);
    expect(walker.newestTime).toBeCloseTo(1000 + 13 * PATCH_INTERVAL_MS + 5, 6);
    // Between the burst's snapshots the walker is where it was then, not at the burst's end.
    const o = out();
    walker.sample(1000 + 11.5 * PATCH_INTERVAL_MS + 5, o);
    expect(o.x).toBeCloseTo(11.5 * 0.2, 6);
    // A message with no header is ignored.
    stream.apply(new Uint8Array(2), stall + 10);
    expect(walker.size).toBe(14);
  });
});

describe("PoseStream, coarse interval", () => {
  it("draws coarse poses as far back as the header's interval says: a big room sends them less often", () => {
    const stream = new PoseStream(() => undefined);
    const far = stream.add("far", 3, new SnapshotBuffer(), null);
    const b = new Uint8Array(64);
    const message = (serverMs: number, intervalMs: number, x: number) => {
      let at = writeHeader(b, serverMs, intervalMs);
      at += writeCoarse(b, at, 3, { x, z: 0, yaw: 0 });
      return b.slice(0, at);
    };
    stream.apply(message(10_000, COARSE_POSE_INTERVAL_MS, 0), 1000);
    expect(far.delayAt(1000)).toBe(COARSE_INTERPOLATION_DELAY_MS);
    // The room grew: coarse poses every 2.5 s now. The delay glides to 2.5 s plus the margin, and
    // two poses 2.5 s apart (not a silence: no hold) blend over that time.
    stream.apply(message(12_500, 2500, 5), 3500);
    expect(stream.coarseIntervalMs).toBe(2500);
    expect(far.delayAt(3500 + INTERPOLATION_DELAY_GLIDE_MS)).toBe(2500 + COARSE_DELAY_MARGIN_MS);
    stream.apply(message(15_000, 2500, 10), 6000);
    const o = out();
    far.sampleNow(6000 + 1250 + 2500 + COARSE_DELAY_MARGIN_MS - 2500, o);
    expect(o.x).toBeCloseTo(7.5, 1);
  });
});

describe("PoseStream, batched messages", () => {
  // In a big room the server writes to a client every few patches, each message holding a frame
  // per patch (server/src/rooms/send-batch.ts): here every 4th patch, so 4 frames a message.
  const FRAMES = 4;
  /** A message of FRAMES frames, from server time `first` on, of a walker going east 0.2 m per patch from `x`. */
  function batch(b: Uint8Array, first: number, x: number, frames = FRAMES): Uint8Array {
    let at = writeHeader(b, first, COARSE_POSE_INTERVAL_MS);
    for (let i = 0; i < frames; i++) {
      if (i > 0) at += writeFrame(b, at, first + i * PATCH_INTERVAL_MS);
      at += writeFull(b, at, 1, { x: x + i * 0.2, z: 0, yaw: 0, pitch: 0 });
    }
    return b.slice(0, at);
  }

  it("lays each frame's poses at its own server time, and draws full poses that much further back, so the walk never stalls between messages", () => {
    const stream = new PoseStream(() => undefined);
    const walker = stream.add("walker", 1, new SnapshotBuffer(), null);
    const b = new Uint8Array(256);
    expect(stream.fullDelayMs).toBe(INTERPOLATION_DELAY_MS);
    // A message every FRAMES patches, read 5 ms after its last frame was packed.
    const span = (FRAMES - 1) * PATCH_INTERVAL_MS;
    const arrivals: number[] = [];
    for (let m = 0; m < 40; m++) arrivals.push(1000 + m * FRAMES * PATCH_INTERVAL_MS + span + 5);
    const { slowest, fastest } = drawnSpeeds(walker, arrivals, (i) => {
      stream.apply(batch(b, 100_000 + i * FRAMES * PATCH_INTERVAL_MS, i * FRAMES * 0.2), arrivals[i]!);
      if (i === 0) {
        // Each frame is a snapshot of its own time: the message's first pose is `span` older than its last.
        expect(walker.size).toBe(FRAMES);
        expect(walker.newestTime).toBeCloseTo(arrivals[0]!, 6);
      }
    });
    expect(stream.fullDelayMs).toBe(INTERPOLATION_DELAY_MS + span);
    expect(walker.delayAt(arrivals.at(-1)!)).toBe(INTERPOLATION_DELAY_MS + span);
    // After the delay has glided up, the drawing moves steadily.
    const walkSpeed = 0.2 / (PATCH_INTERVAL_MS / 1000);
    expect(slowest).toBeGreaterThan(walkSpeed * 0.9);
    expect(fastest).toBeLessThan(walkSpeed * 1.1);

    // Batches stop (a room that shrank): after two windows of single-frame messages the delay is the short one again.
    let serverMs = 100_000 + arrivals.length * FRAMES * PATCH_INTERVAL_MS;
    let now = arrivals.at(-1)!;
    const until = now + 2 * BATCH_SPAN_WINDOW_MS + 100;
    for (; now < until; now += PATCH_INTERVAL_MS, serverMs += PATCH_INTERVAL_MS) stream.apply(batch(b, serverMs, 0, 1), now);
    expect(stream.fullDelayMs).toBe(INTERPOLATION_DELAY_MS);
  });
});

describe("PoseStream, move interval", () => {
  it("a room of over a hundred asks people to send less often: full records come that much further apart, are drawn that much further back, and the walk stays steady", () => {
    const stream = new PoseStream(() => undefined);
    const walker = stream.add("walker", 1, new SnapshotBuffer(), null);
    const b = new Uint8Array(256);
    // Messages of 2 frames; the header asks for a move every 3 patches, and the walker's pose
    // changes that often (0.6 m at a time), so most messages hold one record and some none.
    // Each is read 5 to 35 ms after its last frame was packed.
    const FRAMES = 2;
    const MOVE_PATCHES = 3;
    const moveMs = MOVE_PATCHES * PATCH_INTERVAL_MS;
    const message = (m: number) => {
      const first = 100_000 + m * FRAMES * PATCH_INTERVAL_MS;
      let at = writeHeader(b, first, COARSE_POSE_INTERVAL_MS, moveMs);
      for (let i = 0; i < FRAMES; i++) {
        const patch = m * FRAMES + i;
        if (i > 0) at += writeFrame(b, at, first + i * PATCH_INTERVAL_MS);
        if (patch % MOVE_PATCHES === 0) at += writeFull(b, at, 1, { x: patch * 0.2, z: 0, yaw: 0, pitch: 0 });
      }
      return b.slice(0, at);
    };
    const span = (FRAMES - 1) * PATCH_INTERVAL_MS;
    const arrivals: number[] = [];
    for (let m = 0; m < 60; m++) arrivals.push(1000 + m * FRAMES * PATCH_INTERVAL_MS + span + 5 + ((m * 7) % 4) * 10);
    const { slowest, fastest } = drawnSpeeds(walker, arrivals, (i) => stream.apply(message(i), arrivals[i]!));
    expect(stream.moveIntervalMs).toBe(moveMs);
    expect(stream.fullDelayMs).toBe(INTERPOLATION_DELAY_MS + span + moveMs - CLIENT_SEND_INTERVAL_MS);
    const walkSpeed = 0.2 / (PATCH_INTERVAL_MS / 1000);
    expect(slowest).toBeGreaterThan(walkSpeed * 0.8);
    expect(fastest).toBeLessThan(walkSpeed * 1.2);
  });
});

describe("PoseFeed timing", () => {
  /**
   * Feeds `steps` (full poses of server time `t`, mapped already, read at `arrival`, walking
   * along x) while drawing every 16 ms with sampleNow as the scene does, until `until`; returns
   * the fastest the drawing moved between two frames (m/s) and where it ended.
   */
  function draw(feed: PoseFeed, steps: { t: number; arrival: number; x: number }[], from: number, until: number): { fastest: number; x: number } {
    const o = out();
    let fastest = 0;
    let lastX = NaN;
    let next = 0;
    for (let now = from; now <= until; now += 16) {
      while (next < steps.length && steps[next]!.arrival <= now) {
        const s = steps[next++]!;
        feed.full(s.t, s.arrival, s.x, 0, 0, 0);
      }
      feed.buffer.sampleNow(now, o);
      if (!Number.isNaN(lastX)) fastest = Math.max(fastest, Math.abs(o.x - lastX) / 0.016);
      lastX = o.x;
    }
    return { fastest, x: lastX };
  }

  it("a sender slower than the delay (a step every 500 ms): each step plays out in full, never faster than 1.5× its pace", () => {
    // A page drawing two frames a second walks 1 m a frame (a frame's step is capped at 250 ms).
    const feed = new PoseFeed(new SnapshotBuffer());
    feed.full(0, 0, 0, 0, 0, 0);
    const steps = [];
    for (let i = 1; i <= 10; i++) steps.push({ t: i * 500, arrival: i * 500 + 5, x: i });
    const { fastest, x } = draw(feed, steps, 0, 8000);
    expect(fastest).toBeLessThanOrEqual((1 / 0.5) * 1.5 + 1e-9); // 1 m per 500 ms, 1.5× while a resume's delay glides off
    expect(x).toBe(10); // and it gets there
  });

  it("after standing still, the first step plays at walking pace; a teleport within a patch", () => {
    const feed = new PoseFeed(new SnapshotBuffer());
    feed.full(0, 0, 0, 0, 0, 0);
    // Stood 5 s, then one frame of a slow page: 1 m at once.
    const walk = draw(feed, [{ t: 5000, arrival: 5005, x: 1 }], 4000, 7000);
    expect(walk.fastest).toBeLessThanOrEqual(WALK_SPEED * 1.5);
    expect(walk.fastest).toBeGreaterThan(WALK_SPEED * 0.5); // a walk, not a creep over the 5 s
    expect(walk.x).toBe(1);
    // A VR teleport 10 m away after standing: there within a patch interval of drawing time.
    feed.full(10_000, 10_000, 11, 0, 0, 0);
    const o = out();
    feed.buffer.sample(10_000 - PATCH_INTERVAL_MS - 1, o);
    expect(o.x).toBe(1);
    feed.buffer.sample(10_000, o);
    expect(o.x).toBe(11);
    expect(FULL_SILENCE_MS).toBeLessThan(5000);
  });

  it("starts over when the clock jumps back (a resync)", () => {
    const feed = new PoseFeed(new SnapshotBuffer());
    feed.full(1000, 1000, 1, 0, 0, 0);
    feed.full(1050, 1050, 2, 0, 0, 0);
    feed.full(400, 1100, 3, 0, 0, 0); // the clock now maps 700 ms earlier
    expect(feed.buffer.size).toBe(1);
    expect(feed.buffer.newestTime).toBe(400);
    feed.full(450, 1150, 4, 0, 0, 0);
    expect(feed.buffer.size).toBe(2);
  });
});
