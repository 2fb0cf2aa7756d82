import { describe, expect, it } from "vitest";
import { AGENT_ARRIVE_DISTANCE, AGENT_TURN_RATE, AGENT_WALK_SPEED, steer, yawFacing, type Walker } from "./steering";

/** Smallest signed difference between two angles, in (-π, π]. */
function angleDiff(a: number, b: number): number {
  let d = (a - b) % (Math.PI * 2);
  if (d > Math.PI) d -= Math.PI * 2;
  if (d <= -Math.PI) d += Math.PI * 2;
  return d;
}

/** Distance from point p to the segment a–b. */
function offSegment(p: { x: number; z: number }, a: { x: number; z: number }, b: { x: number; z: number }): number {
  const abx = b.x - a.x;
  const abz = b.z - a.z;
  const len2 = abx * abx + abz * abz;
  const t = Math.max(0, Math.min(1, ((p.x - a.x) * abx + (p.z - a.z) * abz) / len2));
  return Math.hypot(p.x - (a.x + abx * t), p.z - (a.z + abz * t));
}

describe("yawFacing", () => {
  it("uses the people convention: yaw 0 faces -z, +π/2 faces -x", () => {
    expect(yawFacing(0, -1)).toBeCloseTo(0, 12);
    expect(yawFacing(-1, 0)).toBeCloseTo(Math.PI / 2, 12);
    expect(yawFacing(1, 0)).toBeCloseTo(-Math.PI / 2, 12);
    expect(Math.abs(yawFacing(0, 1))).toBeCloseTo(Math.PI, 12);
  });
});

describe("steer", () => {
  it("moves exactly speed × dt per step while far from the target, with the default speed and a given one", () => {
    const w: Walker = { x: 0, z: 0, yaw: 0 };
    expect(steer(w, 0, -100, 0.1)).toBe(false);
    expect(Math.hypot(w.x, w.z)).toBeCloseTo(AGENT_WALK_SPEED * 0.1, 9);
    expect(w.z).toBeLessThan(0);

    const before = { x: w.x, z: w.z };
    expect(steer(w, 0, -100, 0.25)).toBe(false);
    expect(Math.hypot(w.x - before.x, w.z - before.z)).toBeCloseTo(AGENT_WALK_SPEED * 0.25, 9);

    const fast: Walker = { x: 5, z: 5, yaw: 0 };
    expect(steer(fast, 5 + 30, 5 + 40, 0.5, 8)).toBe(false);
    // 4 m along the 3:4 direction.
    expect(fast.x).toBeCloseTo(5 + 2.4, 9);
    expect(fast.z).toBeCloseTo(5 + 3.2, 9);
  });

  it("does not move with dt = 0", () => {
    const w: Walker = { x: 1, z: 2, yaw: 0.5 };
    expect(steer(w, 10, 10, 0)).toBe(false);
    expect(w).toEqual({ x: 1, z: 2, yaw: 0.5 });
  });

  it("arrives within the arrive distance and reports it, then stays put", () => {
    const w: Walker = { x: -3, z: 4, yaw: 0 };
    const target = { x: 12, z: -7 };
    let steps = 0;
    while (!steer(w, target.x, target.z, 0.05)) {
      steps++;
      if (steps > 10_000) throw new Error("never arrived");
    }
    expect(Math.hypot(target.x - w.x, target.z - w.z)).toBeLessThanOrEqual(AGENT_ARRIVE_DISTANCE + 1e-9);
    // About distance / (speed × dt) steps, not a teleport.
    const dist = Math.hypot(15, 11);
    expect(steps).toBeGreaterThanOrEqual(Math.floor((dist - AGENT_ARRIVE_DISTANCE) / (AGENT_WALK_SPEED * 0.05)) - 1);
    const at = { ...w };
    expect(steer(w, target.x, target.z, 0.05)).toBe(true);
    expect(w).toEqual(at);
  });

  it("counts a walker already within the arrive distance as arrived without moving or turning", () => {
    const w: Walker = { x: 0, z: 0, yaw: 1 };
    expect(steer(w, AGENT_ARRIVE_DISTANCE * 0.9, 0, 0.1)).toBe(true);
    expect(w).toEqual({ x: 0, z: 0, yaw: 1 });
  });

  it("never overshoots: stays on the segment, gets closer every step, and a huge dt lands on the target", () => {
    const start = { x: 2, z: 3 };
    const target = { x: -7, z: 11 };
    const w: Walker = { ...start, yaw: 2 };
    let prev = Math.hypot(target.x - w.x, target.z - w.z);
    for (let i = 0; i < 2000; i++) {
      const arrived = steer(w, target.x, target.z, 0.2);
      const d = Math.hypot(target.x - w.x, target.z - w.z);
      expect(d).toBeLessThan(prev);
      expect(offSegment(w, start, target)).toBeLessThan(1e-9);
      prev = d;
      if (arrived) break;
    }
    expect(prev).toBeLessThanOrEqual(AGENT_ARRIVE_DISTANCE + 1e-9);

    const jump: Walker = { x: 0, z: 0, yaw: 0 };
    expect(steer(jump, 3, 4, 1000)).toBe(true);
    expect(jump.x).toBeCloseTo(3, 9);
    expect(jump.z).toBeCloseTo(4, 9);
  });

  it("turns towards the walking direction by at most the turn rate × dt per step, then faces it", () => {
    const w: Walker = { x: 0, z: 0, yaw: 0 }; // facing -z
    const target = { x: 100, z: 0 }; // due +x: yaw -π/2
    const want = yawFacing(1, 0);
    const dt = 0.05;
    const maxStep = AGENT_TURN_RATE * dt;
    let prevYaw = w.yaw;
    let steps = 0;
    while (Math.abs(angleDiff(w.yaw, want)) > 1e-9) {
      steer(w, target.x, target.z, dt);
      const turned = angleDiff(w.yaw, prevYaw);
      expect(Math.abs(turned)).toBeLessThanOrEqual(maxStep + 1e-12);
      // Each step turns the short way, towards the direction of travel.
      expect(Math.sign(turned)).toBe(Math.sign(angleDiff(want, prevYaw)));
      prevYaw = w.yaw;
      steps++;
      if (steps > 100) throw new Error("never faced the target");
    }
    // π/2 at 6 rad/s and 0.05 s per step: 0.3 rad per step, so 6 steps, the first 5 at the full rate.
    expect(steps).toBe(Math.ceil(Math.PI / 2 / maxStep));
    // Keeps facing it while it walks on.
    steer(w, target.x, target.z, dt);
    expect(angleDiff(w.yaw, want)).toBeCloseTo(0, 9);
  });

  it("turns the short way across ±π", () => {
    const w: Walker = { x: 0, z: 0, yaw: 3 }; // just short of π
    // Target yaw −3: the short way is +0.28 rad through π, not −6 rad.
    const dir = { x: -Math.sin(-3), z: -Math.cos(-3) };
    steer(w, dir.x * 50, dir.z * 50, 0.01);
    expect(w.yaw).toBeGreaterThan(3);
    expect(w.yaw - 3).toBeCloseTo(AGENT_TURN_RATE * 0.01, 9);
    for (let i = 0; i < 10; i++) steer(w, dir.x * 50, dir.z * 50, 0.01);
    expect(angleDiff(w.yaw, -3)).toBeCloseTo(0, 9);

    // And the other way round: from −3 towards +3 it turns through −π.
    const back: Walker = { x: 0, z: 0, yaw: -3 };
    const dir3 = { x: -Math.sin(3), z: -Math.cos(3) };
    steer(back, dir3.x * 50, dir3.z * 50, 0.01);
    expect(back.yaw).toBeLessThan(-3);
    expect(-3 - back.yaw).toBeCloseTo(AGENT_TURN_RATE * 0.01, 9);
  });
});
