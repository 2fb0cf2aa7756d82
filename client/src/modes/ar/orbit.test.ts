import { describe, expect, it } from "vitest";
import { ORBIT_MAX_DISTANCE, ORBIT_MAX_ELEVATION, ORBIT_MIN_DISTANCE, ORBIT_MIN_ELEVATION, newOrbit, orbitDrag, orbitEye, orbitPan, orbitPinch } from "./orbit";

describe("touch orbit", () => {
  it("puts the eye above and behind the point it looks at", () => {
    const o = { ...newOrbit(), x: 5, z: 5, azimuth: 0, elevation: Math.PI / 4, distance: 10 };
    const e = orbitEye(o, { x: 0, y: 0, z: 0 });
    expect(e.x).toBeCloseTo(5, 10);
    expect(e.y).toBeCloseTo(10 * Math.SQRT1_2, 10);
    expect(e.z).toBeCloseTo(5 + 10 * Math.SQRT1_2, 10);
  });

  it("drags round and up within limits", () => {
    const o = newOrbit();
    const az = o.azimuth;
    orbitDrag(o, 100, 0);
    expect(o.azimuth).not.toBe(az);
    orbitDrag(o, 0, 100_000);
    expect(o.elevation).toBe(ORBIT_MAX_ELEVATION);
    orbitDrag(o, 0, -100_000);
    expect(o.elevation).toBe(ORBIT_MIN_ELEVATION);
  });

  it("pinches out to come closer, within limits", () => {
    const o = newOrbit();
    const d = o.distance;
    orbitPinch(o, 100, 200);
    expect(o.distance).toBeCloseTo(d / 2, 10);
    orbitPinch(o, 1, 1000);
    expect(o.distance).toBe(ORBIT_MIN_DISTANCE);
    orbitPinch(o, 1000, 1);
    expect(o.distance).toBe(ORBIT_MAX_DISTANCE);
  });

  it("pans along the ground and stays on the campus", () => {
    const o = newOrbit();
    orbitPan(o, 0, -100, 50);
    expect(Math.hypot(o.x, o.z)).toBeGreaterThan(0);
    orbitPan(o, 0, -1_000_000, 50);
    expect(Math.hypot(o.x, o.z)).toBeCloseTo(50, 6);
  });
});
