import { describe, expect, it } from "vitest";
import { VIGNETTE_FULL_SPEED, VIGNETTE_FULL_TURN, easeVignette, vignetteInnerRadius, vignetteTarget } from "./comfort";

describe("comfort vignette", () => {
  it("is off when still or when the setting is off, full at full speed or turn", () => {
    expect(vignetteTarget(0, 0, 0.7)).toBe(0);
    expect(vignetteTarget(VIGNETTE_FULL_SPEED * 2, 0, 0)).toBe(0);
    expect(vignetteTarget(VIGNETTE_FULL_SPEED, 0, 0.7)).toBeCloseTo(0.7, 10);
    expect(vignetteTarget(0, -VIGNETTE_FULL_TURN, 1)).toBeCloseTo(1, 10);
    expect(vignetteTarget(VIGNETTE_FULL_SPEED / 2, 0, 1)).toBeCloseTo(0.5, 10);
  });

  it("closes faster than it opens, whatever the frame rate", () => {
    const closing = easeVignette(0, 1, 0.1);
    const opening = 1 - easeVignette(1, 0, 0.1);
    expect(closing).toBeGreaterThan(opening);
    // Ten 10 ms frames land where one 100 ms frame does.
    let v = 0;
    for (let i = 0; i < 10; i++) v = easeVignette(v, 1, 0.01);
    expect(v).toBeCloseTo(closing, 6);
  });

  it("snaps to the target once it is close, and narrows the view as it grows", () => {
    expect(easeVignette(0.9995, 1, 0.016)).toBe(1);
    expect(vignetteInnerRadius(0)).toBe(1);
    expect(vignetteInnerRadius(1)).toBeLessThan(vignetteInnerRadius(0.5));
  });
});
