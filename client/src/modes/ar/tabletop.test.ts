import { describe, expect, it } from "vitest";
import { SCALE_MAX, SCALE_MIN, TABLETOP_SCALE, fingerSpan, newPlacement, originFor, pinchScale, twistAngle } from "./tabletop";

/** Applies the origin transform (translate · rotY · scale) to a campus point: where it appears in the tracked space... inverted. */
function campusToTracked(o: { x: number; y: number; z: number; yaw: number; scale: number }, px: number, py: number, pz: number) {
  // world = O · tracked  ⇒  tracked = O⁻¹ · world, with O = T(o) · R(yaw) · S(scale)
  const dx = px - o.x;
  const dy = py - o.y;
  const dz = pz - o.z;
  const c = Math.cos(-o.yaw);
  const s = Math.sin(-o.yaw);
  return { x: (dx * c + dz * s) / o.scale, y: dy / o.scale, z: (-dx * s + dz * c) / o.scale };
}

describe("AR tabletop placement", () => {
  it("starts unplaced at about 1:50", () => {
    const p = newPlacement();
    expect(p.placed).toBe(false);
    expect(1 / p.scale).toBeCloseTo(50, 10);
    expect(p.scale).toBe(TABLETOP_SCALE);
  });

  it("puts the campus centre exactly where it was placed, turned and scaled", () => {
    const p = { ...newPlacement(), placed: true, x: 0.4, y: 0.75, z: -1.2, yaw: 0.6 };
    const o = originFor(p, { x: 0, y: 0, z: 0, yaw: 0, scale: 1 });
    expect(o.scale).toBeCloseTo(50, 10);
    const centre = campusToTracked(o, 0, 0, 0);
    expect(centre.x).toBeCloseTo(0.4, 10);
    expect(centre.y).toBeCloseTo(0.75, 10);
    expect(centre.z).toBeCloseTo(-1.2, 10);
    // 50 campus metres north of the centre are 1 m from it on the table, turned by the yaw.
    const north = campusToTracked(o, 0, 0, -50);
    expect(Math.hypot(north.x - 0.4, north.z + 1.2)).toBeCloseTo(1, 10);
    expect(Math.atan2(-(north.x - 0.4), -(north.z + 1.2))).toBeCloseTo(0.6, 10);
  });

  it("pinches within limits and twists by the shortest way round", () => {
    expect(pinchScale(TABLETOP_SCALE, 100, 200)).toBeCloseTo(TABLETOP_SCALE * 2, 12);
    expect(pinchScale(TABLETOP_SCALE, 100, 1)).toBe(SCALE_MIN);
    expect(pinchScale(TABLETOP_SCALE, 1, 1000)).toBe(SCALE_MAX);
    expect(pinchScale(TABLETOP_SCALE, 0, 100)).toBe(TABLETOP_SCALE);
    expect(twistAngle(3, -3)).toBeCloseTo(2 * Math.PI - 6, 10);
    expect(twistAngle(0.2, 0.5)).toBeCloseTo(0.3, 10);
  });

  it("measures two fingers: a counter-clockwise twist on screen is a positive turn", () => {
    const a = fingerSpan(0, 0, 100, 0, { distance: 0, angle: 0 });
    expect(a.distance).toBe(100);
    const b = fingerSpan(0, 0, 0, -100, { distance: 0, angle: 0 }); // second finger moved up the screen
    expect(twistAngle(a.angle, b.angle)).toBeCloseTo(Math.PI / 2, 10);
  });
});
