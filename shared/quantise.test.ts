import { describe, expect, it } from "vitest";
import {
  CAMPUS_RADIUS_MAX_M,
  COARSE_YAW_RANGE,
  fromWire,
  HAND_XZ_RANGE,
  HAND_Y_RANGE,
  HEAD_Y_RANGE,
  PITCH_RANGE,
  POSITION_RANGE,
  quantum,
  snap,
  toWire,
  YAW_RANGE,
  type PoseRange,
} from "./quantise";
import { worldSchema } from "./world";

/** The smallest signed difference between two angles (rad). */
function turn(a: number, b: number): number {
  const d = (((b - a) % (2 * Math.PI)) + 3 * Math.PI) % (2 * Math.PI);
  return d - Math.PI;
}

const ranges: Array<[string, PoseRange]> = [
  ["position", POSITION_RANGE],
  ["pitch", PITCH_RANGE],
  ["head height", HEAD_Y_RANGE],
  ["hand across", HAND_XZ_RANGE],
  ["hand height", HAND_Y_RANGE],
];

describe("fixed-point poses", () => {
  it("positions are whole centimetres over ±327.67 m: an int16 of centimetres", () => {
    expect(quantum(POSITION_RANGE)).toBeCloseTo(0.01, 12);
    expect(toWire(POSITION_RANGE, 0)).toBe(32767);
    expect(toWire(POSITION_RANGE, -327.67)).toBe(0);
    expect(toWire(POSITION_RANGE, 327.67)).toBe(65534);
    expect(toWire(POSITION_RANGE, 12.345)).toBe(32767 + 1235);
    expect(snap(POSITION_RANGE, 0)).toBe(0); // a symmetric range carries an exact zero
  });

  it.each(ranges)("%s: a round trip moves a value by at most half a step, and the ends are exact", (_name, range) => {
    const half = quantum(range) / 2;
    for (let i = 0; i <= 1000; i++) {
      const v = range.min + ((range.max - range.min) * i) / 1000 + (i % 7) * 1e-4 * (range.max - range.min) * 0.001;
      const clamped = Math.min(range.max, Math.max(range.min, v));
      expect(Math.abs(snap(range, v) - clamped)).toBeLessThanOrEqual(half + 1e-12);
    }
    expect(snap(range, range.min)).toBe(range.min);
    expect(snap(range, range.max)).toBeCloseTo(range.max, 12);
    // Out of range clamps to the nearest end; garbage pins to the bottom, never to NaN.
    expect(snap(range, range.max + 10)).toBeCloseTo(range.max, 12);
    expect(snap(range, range.min - 10)).toBe(range.min);
    expect(snap(range, Number.NaN)).toBe(range.min);
  });

  it("every place on the largest campus a world may have, plus a hand's reach, fits the position range", () => {
    expect(CAMPUS_RADIUS_MAX_M + HAND_XZ_RANGE.max).toBeLessThan(POSITION_RANGE.max);
    const base = { name: "w", plaza: { radius: 10, colour: "#ccc" }, spawn: { position: [0, 0] }, districts: [{ id: "a", name: "A", purpose: "p", colour: "#ccc", position: [0, 0], radius: 5 }] };
    expect(worldSchema.safeParse({ ...base, campusRadius: CAMPUS_RADIUS_MAX_M }).success).toBe(true);
    const tooBig = worldSchema.safeParse({ ...base, campusRadius: CAMPUS_RADIUS_MAX_M + 1 });
    expect(tooBig.success).toBe(false);
  });

  it.each([
    ["yaw", YAW_RANGE],
    ["coarse yaw", COARSE_YAW_RANGE],
  ] as const)("%s wraps: any angle reads back in [−π, π), within half a step of the same direction", (_name, range) => {
    const half = quantum(range) / 2;
    expect(quantum(range)).toBeCloseTo((2 * Math.PI) / 2 ** range.bits, 12);
    for (let a = -20; a <= 20; a += 0.0137) {
      const s = snap(range, a);
      expect(s).toBeGreaterThanOrEqual(-Math.PI);
      expect(s).toBeLessThan(Math.PI);
      expect(Math.abs(turn(a, s))).toBeLessThanOrEqual(half + 1e-9);
    }
    expect(toWire(range, Math.PI)).toBe(0); // +π is −π: the same direction
    expect(toWire(range, 0)).toBe(toWire(range, 2 * Math.PI)); // a full turn is no turn
    expect(snap(range, -Math.PI / 2)).toBeCloseTo(-Math.PI / 2, 9);
    expect(snap(range, (3 * Math.PI) / 2)).toBeCloseTo(-Math.PI / 2, 9);
    expect(fromWire(range, 2 ** (range.bits - 1))).toBe(0);
  });
});
