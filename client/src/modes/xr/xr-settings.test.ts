import { describe, expect, it } from "vitest";
import { DEFAULT_XR_SETTINGS, nextOf, parseSettings } from "./xr-settings";

describe("XR settings", () => {
  it("defaults to snap turn 30°, stick movement, a vignette and the menu on the left hand", () => {
    expect(parseSettings(null)).toEqual(DEFAULT_XR_SETTINGS);
    expect(DEFAULT_XR_SETTINGS).toMatchObject({ turn: "snap", snapDegrees: 30, smoothMove: true, menuHand: "left" });
    expect(DEFAULT_XR_SETTINGS.vignette).toBeGreaterThan(0);
  });

  it("keeps good stored values and replaces bad ones field by field", () => {
    const s = parseSettings(JSON.stringify({ turn: "smooth", snapDegrees: 45, moveSpeed: 99, vignette: -1, menuHand: "right", smoothMove: "yes" }));
    expect(s.turn).toBe("smooth");
    expect(s.snapDegrees).toBe(45);
    expect(s.menuHand).toBe("right");
    expect(s.moveSpeed).toBe(DEFAULT_XR_SETTINGS.moveSpeed);
    expect(s.vignette).toBe(DEFAULT_XR_SETTINGS.vignette);
    expect(s.smoothMove).toBe(DEFAULT_XR_SETTINGS.smoothMove);
  });

  it("survives unreadable storage", () => {
    expect(parseSettings("{not json")).toEqual(DEFAULT_XR_SETTINGS);
    expect(parseSettings("[1,2]")).toEqual(DEFAULT_XR_SETTINGS);
  });

  it("cycles through choices", () => {
    expect(nextOf([15, 30, 45], 30)).toBe(45);
    expect(nextOf([15, 30, 45], 45)).toBe(15);
  });
});
