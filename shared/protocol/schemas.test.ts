import { describe, expect, it } from "vitest";
import { isPlainMove, moveSchema } from "./schemas";

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [0, -0, 1.5, -1.5, Math.PI / 2, -Math.PI / 2, Math.PI / 2 + 1e-9, 100, -100, 100.0001, 1e300, -1e300, NaN, Infinity, -Infinity, "1", null, undefined, true, [], {}, 2 ** 53];

describe("the quick move check", () => {
  it("passes the common move as it is", () => {
    expect(isPlainMove({ x: 1, z: -2, yaw: 0.5, pitch: -0.2 })).toBe(true);
    expect(isPlainMove({ x: -1e6, z: 1e6, yaw: -100, pitch: Math.PI / 2 })).toBe(true);
  });

  it("leaves everything else to the schema: XR fields, extra or missing keys, odd values, odd objects", () => {
    for (const raw of [
      { x: 1, z: 2, yaw: 0, pitch: 0, headY: 1.6 },
      { x: 1, z: 2, yaw: 0, pitch: 0, teleport: true },
      { x: 1, z: 2, yaw: 0 },
      { x: 1, z: 2, yaw: 0, pitch: 0, extra: 1 },
      { x: 1, z: 2, yaw: 0, pitc: 0 },
      { x: NaN, z: 2, yaw: 0, pitch: 0 },
      { x: 1, z: Infinity, yaw: 0, pitch: 0 },
      { x: 1, z: 2, yaw: 101, pitch: 0 },
      { x: 1, z: 2, yaw: 0, pitch: 2 },
      { x: "1", z: 2, yaw: 0, pitch: 0 },
      Object.assign(Object.create({ inherited: 1 }), { x: 1, z: 2, yaw: 0, pitch: 0 }),
      Object.assign(Object.create(null), { x: 1, z: 2, yaw: 0, pitch: 0 }),
      [1, 2, 0, 0],
      null,
      "move",
      42,
    ]) {
      expect(isPlainMove(raw), JSON.stringify(raw)).toBe(false);
    }
  });

  it("never passes what moveSchema refuses, and passes unchanged what it returns (20 000 random moves)", () => {
    const next = random(0xa7e1);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
    const value = () => (next() < 0.6 ? (next() - 0.5) * (next() < 0.5 ? 4 : 400) : pick(ODD_VALUES));
    const keys = ["x", "z", "yaw", "pitch", "headY", "hands", "mode", "teleport", "other"];
    let quick = 0;
    for (let i = 0; i < 20_000; i++) {
      const raw: Record<string, unknown> = {};
      for (const k of ["x", "z", "yaw", "pitch"]) if (next() < 0.95) raw[k] = value();
      if (next() < 0.1) raw[pick(keys)] = value();
      const parsed = moveSchema.safeParse(raw);
      if (isPlainMove(raw)) {
        quick++;
        expect(parsed.success, JSON.stringify(raw)).toBe(true);
        expect(parsed.data).toEqual(raw);
      }
    }
    // The generator must reach both sides often enough for the comparison to mean something.
    expect(quick).toBeGreaterThan(2_000);
    expect(quick).toBeLessThan(18_000);
  });
});
