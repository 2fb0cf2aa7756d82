import { describe, expect, it } from "vitest";
import { ARC_DEDUPE_MS, ARC_LIFE_MS, ArcPool, arcFade, arcHeight, arcPoint, glowProgress } from "./arcs";

describe("ArcPool", () => {
  it("starts an arc, and draws the same hand-off announced twice only once", () => {
    const pool = new ArcPool(4);
    expect(pool.trigger("iris", "bram", 1000)).toBe(true);
    expect(pool.trigger("iris", "bram", 1500)).toBe(false);
    expect(pool.live(1500)).toBe(1);
    expect(pool.trigger("iris", "bram", 1000 + ARC_DEDUPE_MS + 1)).toBe(true);
  });

  it("ignores arcs with a missing end or to itself", () => {
    const pool = new ArcPool(2);
    expect(pool.trigger("", "bram", 0)).toBe(false);
    expect(pool.trigger("bram", "bram", 0)).toBe(false);
    expect(pool.live(0)).toBe(0);
  });

  it("reuses the oldest slot when full, never growing", () => {
    const pool = new ArcPool(2);
    pool.trigger("a", "b", 0);
    pool.trigger("b", "c", 10);
    pool.trigger("c", "d", 20);
    expect(pool.slots).toHaveLength(2);
    expect(pool.slots.map((s) => `${s.from}>${s.to}`).sort()).toEqual(["b>c", "c>d"]);
    expect(pool.live(20 + ARC_LIFE_MS + 1)).toBe(0);
  });
});

describe("arc geometry", () => {
  it("runs from one end to the other, highest in the middle", () => {
    const p = { x: 0, y: 0, z: 0 };
    arcPoint(0, 1, 0, 10, 1, 0, 3, 0, p);
    expect(p).toEqual({ x: 0, y: 1, z: 0 });
    arcPoint(0, 1, 0, 10, 1, 0, 3, 1, p);
    expect(p).toEqual({ x: 10, y: 1, z: 0 });
    arcPoint(0, 1, 0, 10, 1, 0, 3, 0.5, p);
    expect(p.x).toBeCloseTo(5);
    expect(p.y).toBeCloseTo(4);
    expect(arcHeight(40)).toBeGreaterThan(arcHeight(4));
  });

  it("moves the glow from 0 to 1 and fades the arc out at the end of its life", () => {
    expect(glowProgress(0)).toBe(0);
    expect(glowProgress(1e9)).toBe(1);
    expect(arcFade(-1)).toBe(0);
    expect(arcFade(ARC_LIFE_MS / 2)).toBe(1);
    expect(arcFade(ARC_LIFE_MS)).toBe(0);
  });
});
