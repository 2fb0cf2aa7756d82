import { describe, expect, it } from "vitest";
import { COARSE_INTERPOLATION_DELAY_MS, INTERPOLATION_DELAY_GLIDE_MS, INTERPOLATION_DELAY_MS } from "../../../shared/constants";
import { writeCoarse, writeDrop, writeFull } from "../../../shared/pose-wire";
import { SnapshotBuffer, type Pose } from "./interpolation";
import { PoseFeed } from "./pose-feed";
import { PoseStream } from "./pose-stream";
import type { RemoteBody } from "./xr-body";

const out = (): Pose => ({ x: NaN, z: NaN, yaw: NaN, pitch: NaN });

describe("PoseFeed", () => {
  it("feeds full poses with the short delay, and ignores coarse ones meanwhile", () => {
    const feed = new PoseFeed(new SnapshotBuffer());
    feed.full(0, 1, 2, 0.5, 0.1);
    expect(feed.kind).toBe("full");
    feed.full(50, 2, 2, 0.5, 0.1);
    feed.coarse(60, 9, 9, 0);
    expect(feed.buffer.size).toBe(2);
    expect(feed.buffer.delayAt(60)).toBe(INTERPOLATION_DELAY_MS);
    const o = out();
    feed.buffer.sample(25, o);
    expect(o).toEqual({ x: 1.5, z: 2, yaw: 0.5, pitch: 0.1 });
  });

  it("feeds coarse poses with the long delay", () => {
    const feed = new PoseFeed(new SnapshotBuffer());
    feed.coarse(0, 10, 0, 1);
    expect(feed.kind).toBe("coarse");
    expect(feed.buffer.delayAt(0)).toBe(COARSE_INTERPOLATION_DELAY_MS);
    feed.coarse(1000, 14, 0, 1);
    const o = out();
    feed.buffer.sampleNow(1000 + COARSE_INTERPOLATION_DELAY_MS - 500, o);
    expect(o.x).toBeCloseTo(12);
  });

  it("a drop switches to coarse poses with no step back; full ones come back with the delay gliding down", () => {
    const feed = new PoseFeed(new SnapshotBuffer());
    for (let t = 0; t <= 800; t += 50) feed.full(t, t / 100, 0, 0, 0); // walking east, 1 m per 100 ms
    feed.drop(850);
    expect(feed.kind).toBe("coarse");
    const o = out();
    let last = -Infinity;
    for (let now = 850; now < 4000; now += 16) {
      if (now >= 1250 && feed.buffer.size < 18) feed.coarse(now, 12.5, 0, 0); // the next coarse pose: where the walker is now
      feed.buffer.sampleNow(now, o);
      expect(o.x).toBeGreaterThanOrEqual(last - 1e-9);
      last = o.x;
    }
    expect(last).toBe(12.5);
    feed.full(4000, 13, 0, 0, 0);
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
    let at = writeCoarse(b, 0, 2, { x: 5, z: 6, yaw: 0 }); // this client's own place
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
    at = writeCoarse(b, 0, 2, { x: 50, z: 60, yaw: 0 });
    at += writeDrop(b, at, 4);
    stream.apply(b.subarray(0, at), 200);
    expect(placed).toHaveLength(1);
    expect(body.hands).toBe(0);

    // Gone: its records are skipped.
    stream.remove("iris", 9);
    at = writeCoarse(b, 0, 9, { x: 1, z: 1, yaw: 0 });
    stream.apply(b.subarray(0, at), 300);
    iris.sample(5000, o);
    expect(o.z).toBeCloseTo(40, 2);
  });
});
