import { describe, expect, it } from "vitest";
import { ARC_GRAVITY, ARC_POINTS, ARC_SPEED, findLanding, traceArc, validLanding, type ArcResult } from "./teleport-arc";

const result = (): ArcResult => ({ hit: false, x: 0, z: 0, count: 0 });

describe("teleport arc", () => {
  it("lands where a thrown ball would: level throw from 1.2 m", () => {
    const out = new Float32Array(ARC_POINTS * 3);
    const r = traceArc(0, 1.2, 0, 0, 0, -1, out, result());
    const t = Math.sqrt((2 * 1.2) / ARC_GRAVITY);
    expect(r.hit).toBe(true);
    expect(r.z).toBeCloseTo(-ARC_SPEED * t, 4);
    expect(r.x).toBeCloseTo(0, 6);
    expect(r.count).toBe(ARC_POINTS);
    // It starts at the hand and ends on the ground.
    expect(out[1]).toBeCloseTo(1.2, 6);
    expect(out[(ARC_POINTS - 1) * 3 + 1]).toBeCloseTo(0, 4);
  });

  it("reaches further when aimed up a little, and lands nowhere when the flight is too long", () => {
    const out = new Float32Array(ARC_POINTS * 3);
    const level = traceArc(0, 1.2, 0, 0, 0, -1, out, result()).z;
    const up = traceArc(0, 1.2, 0, 0, 0.4, -1, out, result()).z;
    expect(up).toBeLessThan(level);
    expect(traceArc(0, 200, 0, 0, 1, -1, out, result()).hit).toBe(false);
  });

  it("accepts spots inside the campus and outside obstacles", () => {
    const blockers = [{ x: 0, z: 0, r: 3 }];
    expect(validLanding(5, 0, 40, blockers)).toBe(true);
    expect(validLanding(1, 1, 40, blockers)).toBe(false);
    expect(validLanding(41, 0, 40, blockers)).toBe(false);
  });

  it("finds a free spot on the way back to the centre", () => {
    const blockers = [{ x: 20, z: 0, r: 4 }];
    const spot = findLanding(20, 0, 40, blockers)!;
    expect(validLanding(spot.x, spot.z, 40, blockers)).toBe(true);
    expect(spot.x).toBeLessThanOrEqual(16);
    expect(findLanding(0, 0, 40, [{ x: 0, z: 0, r: 100 }])).toBeNull();
  });
});
