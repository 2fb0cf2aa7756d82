import { describe, expect, it } from "vitest";
import { RUN_SPEED, WALK_SPEED } from "../../../shared/constants";
import { ARRIVE_DISTANCE, LocalPlayer, PITCH_MAX, PITCH_MIN, TURN_SPEED } from "./local-player";

type Key = Parameters<LocalPlayer["press"]>[0];

/** A player at the origin facing `yaw`, with `keys` held, after `seconds` in 1/60 s frames. */
function walk(keys: Key[], seconds: number, yaw = 0, radius = Infinity): LocalPlayer {
  const p = new LocalPlayer(radius);
  p.pose.yaw = yaw;
  for (const k of keys) p.press(k, true);
  run(p, seconds);
  return p;
}

function run(p: LocalPlayer, seconds: number, fps = 60): void {
  const frames = Math.round(seconds * fps);
  for (let i = 0; i < frames; i++) p.step(1 / fps);
}

describe("LocalPlayer: keyboard walking", () => {
  it("stands still with nothing held", () => {
    const p = new LocalPlayer();
    expect(p.step(1 / 60)).toBe(false);
    expect(p.pose).toMatchObject({ x: 0, z: 0, yaw: 0 });
  });

  it("W walks toward -z at walking speed when yaw is 0", () => {
    const p = walk(["forward"], 1);
    expect(p.pose.x).toBeCloseTo(0, 9);
    expect(p.pose.z).toBeCloseTo(-WALK_SPEED, 6);
  });

  it("S walks toward +z, A toward -x, D toward +x", () => {
    expect(walk(["back"], 1).pose).toMatchObject({ x: expect.closeTo(0, 9), z: expect.closeTo(WALK_SPEED, 6) });
    expect(walk(["left"], 1).pose).toMatchObject({ x: expect.closeTo(-WALK_SPEED, 6), z: expect.closeTo(0, 9) });
    expect(walk(["right"], 1).pose).toMatchObject({ x: expect.closeTo(WALK_SPEED, 6), z: expect.closeTo(0, 9) });
  });

  it("walks relative to yaw: a quarter turn left makes W go toward -x and D toward -z", () => {
    const q = Math.PI / 2;
    expect(walk(["forward"], 1, q).pose).toMatchObject({ x: expect.closeTo(-WALK_SPEED, 6), z: expect.closeTo(0, 6) });
    expect(walk(["right"], 1, q).pose).toMatchObject({ x: expect.closeTo(0, 6), z: expect.closeTo(-WALK_SPEED, 6) });
    expect(walk(["forward"], 1, Math.PI).pose).toMatchObject({ x: expect.closeTo(0, 6), z: expect.closeTo(WALK_SPEED, 6) });
  });

  it("does not walk faster diagonally", () => {
    const p = walk(["forward", "right"], 1);
    expect(Math.hypot(p.pose.x, p.pose.z)).toBeCloseTo(WALK_SPEED, 6);
    expect(p.pose.x).toBeCloseTo(WALK_SPEED / Math.SQRT2, 6);
    expect(p.pose.z).toBeCloseTo(-WALK_SPEED / Math.SQRT2, 6);
  });

  it("opposite keys cancel out", () => {
    const p = new LocalPlayer();
    p.press("forward", true);
    p.press("back", true);
    expect(p.step(0.1)).toBe(false);
    expect(p.pose.z).toBe(0);
  });

  it("runs at RUN_SPEED while Shift is held", () => {
    const p = walk(["forward", "run"], 1);
    expect(p.pose.z).toBeCloseTo(-RUN_SPEED, 6);
    expect(RUN_SPEED).toBeGreaterThan(WALK_SPEED);
  });

  it("stops when the key is released, and releaseAll lets go of everything", () => {
    const p = new LocalPlayer();
    p.press("forward", true);
    p.step(0.5);
    p.press("forward", false);
    const z = p.pose.z;
    expect(p.step(0.5)).toBe(false);
    expect(p.pose.z).toBe(z);

    p.press("right", true);
    p.press("turnLeft", true);
    p.releaseAll();
    expect(p.step(0.5)).toBe(false);
  });

  it("reports a change while moving", () => {
    const p = new LocalPlayer();
    p.press("left", true);
    expect(p.step(1 / 60)).toBe(true);
  });
});

describe("LocalPlayer: turning and looking", () => {
  it("Q turns left (yaw up) and E turns right at TURN_SPEED, without moving", () => {
    const q = walk(["turnLeft"], 0.5);
    expect(q.pose.yaw).toBeCloseTo(TURN_SPEED * 0.5, 6);
    expect(q.pose.x).toBe(0);
    expect(q.pose.z).toBe(0);
    const e = walk(["turnRight"], 0.5);
    expect(e.pose.yaw).toBeCloseTo(-TURN_SPEED * 0.5, 6);
    expect(walk(["turnLeft", "turnRight"], 0.5).pose.yaw).toBe(0);
  });

  it("reports a change while turning", () => {
    const p = new LocalPlayer();
    p.press("turnRight", true);
    expect(p.step(1 / 60)).toBe(true);
  });

  it("look turns and tilts the head, clamping pitch to its limits", () => {
    const p = new LocalPlayer();
    p.look(0.3, 0);
    expect(p.pose.yaw).toBeCloseTo(0.3);
    p.look(0, 10);
    expect(p.pose.pitch).toBe(PITCH_MAX);
    p.look(0, -0.5);
    expect(p.pose.pitch).toBeCloseTo(PITCH_MAX - 0.5);
    p.look(0, -10);
    expect(p.pose.pitch).toBe(PITCH_MIN);
    expect(PITCH_MIN).toBeGreaterThanOrEqual(-Math.PI / 2);
    expect(PITCH_MAX).toBeLessThanOrEqual(Math.PI / 2);
  });
});

describe("LocalPlayer: click to walk", () => {
  it("walks to the target at walking speed, arrives, and stops", () => {
    const p = new LocalPlayer();
    p.walkTo(3, -4); // 5 m away
    run(p, 0.5);
    expect(Math.hypot(p.pose.x, p.pose.z)).toBeCloseTo(WALK_SPEED * 0.5, 6);
    expect(p.pose.x / p.pose.z).toBeCloseTo(3 / -4, 6); // on the straight line
    expect(p.target.active).toBe(true);

    run(p, 2);
    expect(Math.hypot(p.pose.x - 3, p.pose.z + 4)).toBeLessThanOrEqual(ARRIVE_DISTANCE);
    expect(p.target.active).toBe(false);
    const { x, z } = p.pose;
    expect(p.step(1 / 60)).toBe(false);
    expect(p.pose).toMatchObject({ x, z });
  });

  it("does not overshoot with a long frame", () => {
    const p = new LocalPlayer();
    p.walkTo(0, -1);
    p.step(5);
    expect(p.pose.z).toBeCloseTo(-1, 9);
    expect(p.pose.x).toBeCloseTo(0, 9);
  });

  it("stops at once when already within the arrive distance", () => {
    const p = new LocalPlayer();
    p.walkTo(ARRIVE_DISTANCE / 2, 0);
    expect(p.step(1 / 60)).toBe(false);
    expect(p.target.active).toBe(false);
    expect(p.pose.x).toBe(0);
  });

  it("runs to the target while Shift is held", () => {
    const p = new LocalPlayer();
    p.press("run", true);
    p.walkTo(0, -20);
    run(p, 1);
    expect(p.pose.z).toBeCloseTo(-RUN_SPEED, 6);
    expect(p.target.active).toBe(true);
  });

  it("a movement key cancels the target, and it does not resume afterwards", () => {
    const p = new LocalPlayer();
    p.walkTo(0, -20);
    run(p, 0.25);
    p.press("right", true);
    expect(p.target.active).toBe(false);
    run(p, 0.25);
    p.press("right", false);
    const { x, z } = p.pose;
    run(p, 1);
    expect(p.pose).toMatchObject({ x, z });
    expect(x).toBeCloseTo(WALK_SPEED * 0.25, 6);
  });

  it("turning, running or releasing a key does not cancel the target", () => {
    const p = new LocalPlayer();
    p.walkTo(0, -20);
    p.press("turnLeft", true);
    p.press("turnLeft", false);
    p.press("run", true);
    p.press("run", false);
    p.press("forward", false);
    expect(p.target.active).toBe(true);
  });

  it("placing the player cancels the target", () => {
    const p = new LocalPlayer();
    p.walkTo(0, -20);
    p.place(5, 5);
    expect(p.target.active).toBe(false);
    expect(p.step(1)).toBe(false);
    expect(p.pose).toMatchObject({ x: 5, z: 5 });
  });
});

describe("LocalPlayer: campus edge", () => {
  it("clamps keyboard walking to the campus radius", () => {
    const p = new LocalPlayer(10);
    p.place(9, 0);
    p.press("right", true);
    run(p, 2);
    expect(Math.hypot(p.pose.x, p.pose.z)).toBeCloseTo(10, 9);
    expect(p.pose.x).toBeCloseTo(10, 9);
  });

  it("slides along the edge rather than sticking", () => {
    const p = new LocalPlayer(10);
    p.place(10, 0);
    p.press("forward", true); // tangent to the rim at (10, 0)
    run(p, 0.5);
    expect(Math.hypot(p.pose.x, p.pose.z)).toBeLessThanOrEqual(10 + 1e-9);
    expect(p.pose.z).toBeLessThan(-1);
  });

  it("stops click-to-walk at the edge when the target is outside", () => {
    const p = new LocalPlayer(10);
    p.walkTo(0, -50);
    run(p, 5);
    expect(p.pose.z).toBeCloseTo(-10, 9);
    expect(p.target.active).toBe(false);
  });

  it("setBounds takes effect on the next step", () => {
    const p = new LocalPlayer();
    p.place(0, -30);
    p.setBounds(20);
    p.press("forward", true);
    p.step(1 / 60);
    expect(Math.hypot(p.pose.x, p.pose.z)).toBeCloseTo(20, 9);
  });

  it("walks around obstacles instead of through them", () => {
    const p = new LocalPlayer();
    p.setBounds(100, [{ x: 0, z: -5, r: 2 }]);
    p.place(0, 0);
    p.press("forward", true); // straight at the obstacle
    run(p, 3);
    // Held at the obstacle's edge, never inside it.
    expect(Math.hypot(p.pose.x - 0, p.pose.z + 5)).toBeGreaterThanOrEqual(2 - 1e-9);
    expect(p.pose.z).toBeGreaterThan(-3.01);
  });

  it("slides along an obstacle when walking past it at an angle", () => {
    const p = new LocalPlayer();
    p.setBounds(100, [{ x: 0, z: -5, r: 2 }]);
    p.place(0.5, 0);
    p.walkTo(0.5, -12);
    run(p, 6);
    expect(p.pose.z).toBeLessThan(-7); // got past it
    expect(Math.abs(p.pose.x)).toBeGreaterThan(0.4);
  });
});
