import { describe, expect, it } from "vitest";
import { ReplayClock } from "./replay-clock";

describe("the replay clock", () => {
  it("advances only while playing, at its speed, and stops at the end", () => {
    const c = new ReplayClock(1000, 11_000);
    c.advance(500);
    expect(c.t).toBe(1000);
    c.play();
    c.advance(500);
    expect(c.t).toBe(1500);
    c.setSpeed(16);
    c.advance(500);
    expect(c.t).toBe(9500);
    c.advance(500);
    expect(c.t).toBe(11_000);
    expect(c.playing).toBe(false);
    expect(c.progress).toBe(1);
  });

  it("plays again from the start once at the end, and seeks within the window", () => {
    const c = new ReplayClock(0, 100);
    c.seek(500);
    expect(c.t).toBe(100);
    c.toggle();
    expect(c.playing).toBe(true);
    expect(c.t).toBe(0);
    c.toggle();
    expect(c.playing).toBe(false);
    c.seek(-5);
    expect(c.t).toBe(0);
  });

  it("never plays an empty window", () => {
    const c = new ReplayClock(5, 5);
    c.play();
    expect(c.playing).toBe(false);
  });
});
