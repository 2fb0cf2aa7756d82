import { describe, expect, it } from "vitest";
import { COARSE_INTERPOLATION_DELAY_MS, INTERPOLATION_DELAY_GLIDE_MS, INTERPOLATION_DELAY_MS } from "../../../shared/constants";
import { RESUME_MAX_EXTRA_DELAY_MS, SnapshotBuffer, angleDelta, type Pose } from "./interpolation";

const pose = (x: number, z = 0, yaw = 0, pitch = 0): Pose => ({ x, z, yaw, pitch });
const out = (): Pose => ({ x: NaN, z: NaN, yaw: NaN, pitch: NaN });

/** Capacity of the ring; see interpolation.ts. Pushing more than this must keep the newest. */
const CAPACITY = 16;

describe("angleDelta", () => {
  it("returns the signed shortest turn", () => {
    expect(angleDelta(0, 1)).toBeCloseTo(1);
    expect(angleDelta(1, 0)).toBeCloseTo(-1);
    expect(angleDelta(3, -3)).toBeCloseTo(2 * Math.PI - 6); // through +π, not the long way
    expect(angleDelta(-3, 3)).toBeCloseTo(6 - 2 * Math.PI);
    expect(angleDelta(0, 4 * Math.PI + 0.5)).toBeCloseTo(0.5);
    expect(angleDelta(0, -4 * Math.PI - 0.5)).toBeCloseTo(-0.5);
  });

  it("stays in (-π, π]", () => {
    expect(angleDelta(0, Math.PI)).toBeCloseTo(Math.PI);
    expect(angleDelta(0, -Math.PI)).toBeCloseTo(Math.PI);
    for (let b = -10; b <= 10; b += 0.37) {
      const d = angleDelta(0.3, b);
      expect(d).toBeGreaterThan(-Math.PI - 1e-9);
      expect(d).toBeLessThanOrEqual(Math.PI + 1e-9);
    }
  });
});

describe("SnapshotBuffer", () => {
  it("reports empty until a snapshot arrives", () => {
    const buf = new SnapshotBuffer();
    const o = out();
    expect(buf.size).toBe(0);
    expect(buf.sample(0, o)).toBe(false);
    expect(o.x).toBeNaN();
  });

  it("blends linearly between the two snapshots around the render time", () => {
    const buf = new SnapshotBuffer();
    buf.push(100, pose(0, 10, 0, 0));
    buf.push(200, pose(10, 20, 1, 0.5));
    const o = out();
    expect(buf.sample(150, o)).toBe(true);
    expect(o).toEqual({ x: 5, z: 15, yaw: 0.5, pitch: 0.25 });
    buf.sample(125, o);
    expect(o.x).toBeCloseTo(2.5);
    expect(o.z).toBeCloseTo(12.5);
    buf.sample(200, o);
    expect(o.x).toBe(10);
  });

  it("picks the right pair among many", () => {
    const buf = new SnapshotBuffer();
    for (let i = 0; i < 6; i++) buf.push(i * 50, pose(i * 10));
    const o = out();
    buf.sample(175, o); // between t=150 (x=30) and t=200 (x=40)
    expect(o.x).toBeCloseTo(35);
    buf.sample(60, o); // between t=50 (x=10) and t=100 (x=20)
    expect(o.x).toBeCloseTo(12);
  });

  it("holds the oldest before the range and the newest after it (no extrapolation)", () => {
    const buf = new SnapshotBuffer();
    buf.push(100, pose(1, 2, 0.1, 0.2));
    buf.push(200, pose(3, 4, 0.3, 0.4));
    const o = out();
    buf.sample(0, o);
    expect(o).toEqual(pose(1, 2, 0.1, 0.2));
    buf.sample(1000, o);
    expect(o).toEqual(pose(3, 4, 0.3, 0.4));
  });

  it("holds a single snapshot at any time", () => {
    const buf = new SnapshotBuffer();
    buf.push(100, pose(7, 8, 0.5, -0.5));
    const o = out();
    for (const t of [0, 100, 500]) {
      expect(buf.sample(t, o)).toBe(true);
      expect(o).toEqual(pose(7, 8, 0.5, -0.5));
    }
  });

  it("turns yaw the short way across ±π", () => {
    const buf = new SnapshotBuffer();
    buf.push(0, pose(0, 0, Math.PI - 0.1));
    buf.push(100, pose(0, 0, -Math.PI + 0.1));
    const o = out();
    buf.sample(50, o);
    // halfway along the 0.2 rad turn through π, not 0 (the long way round)
    expect(Math.abs(angleDelta(o.yaw, Math.PI))).toBeLessThan(1e-9);
    buf.sample(25, o);
    expect(o.yaw).toBeCloseTo(Math.PI - 0.05);

    const back = new SnapshotBuffer();
    back.push(0, pose(0, 0, -Math.PI + 0.1));
    back.push(100, pose(0, 0, Math.PI - 0.1));
    back.sample(25, o);
    expect(o.yaw).toBeCloseTo(-Math.PI + 0.05);
  });

  it("drops snapshots older than the newest", () => {
    const buf = new SnapshotBuffer();
    buf.push(100, pose(0));
    buf.push(200, pose(10));
    buf.push(150, pose(999));
    expect(buf.size).toBe(2);
    const o = out();
    buf.sample(150, o);
    expect(o.x).toBeCloseTo(5);
  });

  it("blends to the newer of two snapshots with the same time", () => {
    const buf = new SnapshotBuffer();
    buf.push(100, pose(0));
    buf.push(200, pose(10));
    buf.push(200, pose(20));
    const o = out();
    buf.sample(200, o);
    expect(o.x).toBe(20);
    buf.sample(150, o);
    expect(o.x).toBeCloseTo(5);
  });

  it("keeps the newest snapshots when the ring overflows", () => {
    const buf = new SnapshotBuffer();
    const total = CAPACITY + 10;
    for (let i = 0; i < total; i++) buf.push(i * 10, pose(i));
    expect(buf.size).toBe(CAPACITY);
    const o = out();
    const oldestKept = total - CAPACITY;
    buf.sample(0, o); // before everything kept: the oldest kept, not the very first
    expect(o.x).toBe(oldestKept);
    buf.sample(1e9, o);
    expect(o.x).toBe(total - 1);
    buf.sample((total - 2) * 10 + 5, o);
    expect(o.x).toBeCloseTo(total - 1.5);
    buf.sample(oldestKept * 10 + 5, o);
    expect(o.x).toBeCloseTo(oldestKept + 0.5);
  });

  it("reset forgets history and starts at the given pose", () => {
    const buf = new SnapshotBuffer();
    for (let i = 0; i < 5; i++) buf.push(1000 + i * 10, pose(i));
    buf.reset(50, pose(42, 1, 2, 0.3));
    expect(buf.size).toBe(1);
    const o = out();
    buf.sample(0, o);
    expect(o).toEqual(pose(42, 1, 2, 0.3));
    buf.sample(2000, o);
    expect(o.x).toBe(42);
    // history is gone: earlier times than the old snapshots are accepted again
    buf.push(60, pose(52));
    expect(buf.size).toBe(2);
    buf.sample(55, o);
    expect(o.x).toBeCloseTo(47);
  });

  it("does not touch the output when empty, and writes into the given object", () => {
    const buf = new SnapshotBuffer();
    const o = pose(1, 2, 3, 4);
    buf.sample(0, o);
    expect(o).toEqual(pose(1, 2, 3, 4));
    buf.push(0, pose(5));
    const same = o;
    buf.sample(0, o);
    expect(same).toBe(o);
    expect(o.x).toBe(5);
  });

  it("after a silence, plays the next move over one interval instead of over the whole silence", () => {
    const buf = new SnapshotBuffer();
    buf.push(0, pose(0));
    buf.push(5000, pose(1), 1000); // stood still 5 s, then moved 1 m within the last interval
    expect(buf.size).toBe(3);
    const o = out();
    buf.sample(3000, o);
    expect(o.x).toBe(0); // still standing, not creeping over 5 s
    buf.sample(4500, o);
    expect(o.x).toBeCloseTo(0.5);
    // Regular arrivals add no hold.
    buf.push(6000, pose(2), 1000);
    expect(buf.size).toBe(4);
    buf.sample(5500, o);
    expect(o.x).toBeCloseTo(1.5);
  });

  it("sampleNow draws INTERPOLATION_DELAY_MS in the past, and glides to a new delay without a jump", () => {
    const buf = new SnapshotBuffer();
    // A straight walk, 1 m per 100 ms: a snapshot arrives every 100 ms, as time goes on.
    buf.reset(0, pose(0));
    const o = out();
    let arrived = 0;
    const arrive = (now: number) => {
      while (arrived + 100 <= now) {
        arrived += 100;
        buf.push(arrived, pose(arrived / 100));
      }
    };
    arrive(1000);
    buf.sampleNow(1000, o);
    expect(o.x).toBeCloseTo((1000 - INTERPOLATION_DELAY_MS) / 100);

    // Switch to coarse poses at t = 2 s: the delay grows to COARSE_INTERPOLATION_DELAY_MS over the glide.
    buf.setDelay(COARSE_INTERPOLATION_DELAY_MS, 2000);
    expect(buf.delayAt(2000)).toBe(INTERPOLATION_DELAY_MS);
    expect(buf.delayAt(2000 + INTERPOLATION_DELAY_GLIDE_MS / 2)).toBeCloseTo((INTERPOLATION_DELAY_MS + COARSE_INTERPOLATION_DELAY_MS) / 2);
    expect(buf.delayAt(2000 + INTERPOLATION_DELAY_GLIDE_MS)).toBe(COARSE_INTERPOLATION_DELAY_MS);
    // Drawn every 16 ms through the glide and back: never a step back, never a jump.
    let last = -Infinity;
    let biggest = 0;
    let back = false;
    for (let now = 1500; now < 9000; now += 16) {
      if (!back && now >= 5000) {
        back = true;
        buf.setDelay(INTERPOLATION_DELAY_MS, now); // and back to full poses mid-way
      }
      arrive(now);
      buf.sampleNow(now, o);
      if (last !== -Infinity) {
        expect(o.x).toBeGreaterThanOrEqual(last - 1e-9);
        biggest = Math.max(biggest, o.x - last);
      }
      last = o.x;
    }
    // Walking 0.16 m per frame; catching up after the glide back at most about 1.5× that.
    expect(biggest).toBeLessThan(0.16 * (1 + (COARSE_INTERPOLATION_DELAY_MS - INTERPOLATION_DELAY_MS) / INTERPOLATION_DELAY_GLIDE_MS) + 1e-6);
    expect(buf.delayAt(9000)).toBe(INTERPOLATION_DELAY_MS);

    // reset takes a delay at once.
    buf.reset(0, pose(0), COARSE_INTERPOLATION_DELAY_MS);
    expect(buf.delayAt(0)).toBe(COARSE_INTERPOLATION_DELAY_MS);
  });

  it("resume: a drawing that rests on the newest snapshot goes back to it, so the next move plays in full; the extra delay glides off", () => {
    const buf = new SnapshotBuffer();
    buf.reset(0, pose(0), INTERPOLATION_DELAY_MS);
    buf.push(100, pose(1));
    const o = out();
    buf.sampleNow(700, o);
    expect(o.x).toBe(1); // resting on the newest since 200
    buf.resume(700);
    expect(buf.delayAt(700)).toBe(600); // drawn at 100, the newest: the same pose
    buf.sampleNow(700, o);
    expect(o.x).toBe(1);
    buf.push(700, pose(2));
    buf.sampleNow(716, o);
    expect(o.x).toBeGreaterThan(1);
    expect(o.x).toBeLessThan(1.1); // the move starts, not most of it at once
    expect(buf.delayAt(700 + INTERPOLATION_DELAY_GLIDE_MS)).toBe(INTERPOLATION_DELAY_MS);
    // Still drawing towards the newest: nothing changes.
    buf.resume(720);
    expect(buf.delayAt(720)).toBeCloseTo(600 - (20 * 500) / INTERPOLATION_DELAY_GLIDE_MS);
    // Far behind (a page stalled for 5 s): at most RESUME_MAX_EXTRA_DELAY_MS more.
    buf.resume(6000);
    expect(buf.delayAt(6000)).toBe(INTERPOLATION_DELAY_MS + RESUME_MAX_EXTRA_DELAY_MS);
  });

  it("hold repeats the newest pose later; newestTime tells the newest snapshot's time", () => {
    const buf = new SnapshotBuffer();
    expect(buf.newestTime).toBe(-Infinity);
    buf.hold(50); // nothing to repeat
    expect(buf.size).toBe(0);
    buf.push(0, pose(3));
    buf.hold(900);
    buf.hold(800); // not after the newest: ignored
    expect(buf.size).toBe(2);
    expect(buf.newestTime).toBe(900);
    buf.push(1000, pose(4));
    const o = out();
    buf.sample(850, o);
    expect(o.x).toBe(3);
    buf.sample(950, o);
    expect(o.x).toBeCloseTo(3.5);
  });
});
