import { describe, expect, it } from "vitest";
import { COARSE_INTERPOLATION_DELAY_MS, INTERPOLATION_DELAY_MS } from "../../../shared/constants";
import { SnapshotBuffer, type Pose } from "./interpolation";
import { PoseFeed, type FedEntity } from "./pose-feed";

const out = (): Pose => ({ x: NaN, z: NaN, yaw: NaN, pitch: NaN });

describe("PoseFeed", () => {
  it("feeds full poses while they come, with the short delay", () => {
    const e: FedEntity = { x: 1, z: 2, yaw: 0.5, pitch: 0.1, coarseX: 1, coarseZ: 2, coarseYaw: 0.5 };
    const feed = new PoseFeed(e, new SnapshotBuffer());
    feed.update(0);
    expect(feed.kind).toBe("full");
    e.x = 2;
    feed.update(50);
    expect(feed.buffer.size).toBe(2);
    expect(feed.buffer.delayAt(50)).toBe(INTERPOLATION_DELAY_MS);
    const o = out();
    feed.buffer.sample(25, o);
    expect(o).toEqual({ x: 1.5, z: 2, yaw: 0.5, pitch: 0.1 });
    // A patch that changed something else (a name, the coarse pose) adds no snapshot.
    e.coarseX = 2;
    feed.update(100);
    expect(feed.buffer.size).toBe(2);
  });

  it("feeds coarse poses, with the long delay, when there is no full pose", () => {
    const e: FedEntity = { coarseX: 10, coarseZ: 0, coarseYaw: 1 };
    const feed = new PoseFeed(e, new SnapshotBuffer());
    feed.update(0);
    expect(feed.kind).toBe("coarse");
    expect(feed.buffer.delayAt(0)).toBe(COARSE_INTERPOLATION_DELAY_MS);
    e.coarseX = 14;
    feed.update(1000);
    const o = out();
    feed.buffer.sampleNow(1000 + COARSE_INTERPOLATION_DELAY_MS - 500, o);
    expect(o.x).toBeCloseTo(12);
    expect(o.pitch).toBe(0);
  });

  it("when the full pose stops, does not pull the entity back to the older coarse pose held since", () => {
    const e: FedEntity = { x: 0, z: 0, yaw: 0, pitch: 0, coarseX: 0, coarseZ: 0, coarseYaw: 0 };
    const feed = new PoseFeed(e, new SnapshotBuffer());
    feed.update(0);
    for (let t = 50; t <= 800; t += 50) {
      e.x = t / 100; // walking east, the coarse pose last refreshed at t = 0
      feed.update(t);
    }
    // Out of range: the server deletes the full pose; the coarse one is still the one from t = 0.
    e.x = undefined;
    e.z = undefined;
    feed.update(850);
    expect(feed.kind).toBe("coarse");
    const o = out();
    let last = -Infinity;
    for (let now = 850; now < 3000; now += 16) {
      if (now === 1250) {
        e.coarseX = 12; // the next coarse refresh: where the walker is now
        feed.update(now);
      }
      feed.buffer.sampleNow(now, o);
      expect(o.x).toBeGreaterThanOrEqual(last - 1e-9);
      last = o.x;
    }
    expect(last).toBe(12);
    // Back in range: full poses again, the delay glides back down.
    e.x = 12.5;
    e.z = 0;
    feed.update(3000);
    expect(feed.kind).toBe("full");
    expect(feed.buffer.delayAt(3000 + 2500)).toBe(INTERPOLATION_DELAY_MS);
  });

  it("waits while neither pose has arrived", () => {
    const e: FedEntity = {};
    const feed = new PoseFeed(e, new SnapshotBuffer());
    feed.update(0);
    expect(feed.kind).toBeNull();
    expect(feed.buffer.size).toBe(0);
    e.coarseX = 1;
    e.coarseZ = 1;
    feed.update(10);
    expect(feed.buffer.size).toBe(1);
  });
});
