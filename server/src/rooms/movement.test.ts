import { describe, expect, it } from "vitest";
import { MOVE_MAX_DT_S, MOVE_SLACK_M, MOVE_SPEED_TOLERANCE, RUN_SPEED } from "../../../shared/constants";
import { TELEPORT_MIN_INTERVAL_MS, applyBody, checkMove, insideCampus, mayTeleport, maxStep } from "./movement";

const R = 60;

describe("maxStep", () => {
  it("is the slack alone when no time has passed", () => {
    expect(maxStep(0)).toBe(MOVE_SLACK_M);
  });

  it("grows with run speed times tolerance", () => {
    expect(maxStep(0.1)).toBeCloseTo(RUN_SPEED * MOVE_SPEED_TOLERANCE * 0.1 + MOVE_SLACK_M, 10);
    expect(maxStep(0.2)).toBeGreaterThan(maxStep(0.1));
  });

  it("is capped at MOVE_MAX_DT_S so distance cannot be saved up", () => {
    const capped = RUN_SPEED * MOVE_SPEED_TOLERANCE * MOVE_MAX_DT_S + MOVE_SLACK_M;
    expect(maxStep(MOVE_MAX_DT_S)).toBeCloseTo(capped, 10);
    expect(maxStep(10)).toBeCloseTo(capped, 10);
    expect(maxStep(Infinity)).toBeCloseTo(capped, 10);
  });

  it("treats a negative dt (clock skew) as zero", () => {
    expect(maxStep(-5)).toBe(MOVE_SLACK_M);
  });
});

describe("insideCampus", () => {
  it("accepts the centre and the exact edge", () => {
    expect(insideCampus({ x: 0, z: 0 }, R)).toBe(true);
    expect(insideCampus({ x: R, z: 0 }, R)).toBe(true);
    expect(insideCampus({ x: 0, z: -R }, R)).toBe(true);
  });

  it("measures the distance from the centre, not per axis", () => {
    // 50, 50 is inside the square but 70.7 m from the centre
    expect(insideCampus({ x: 50, z: 50 }, R)).toBe(false);
    expect(insideCampus({ x: 42, z: 42 }, R)).toBe(true);
  });

  it("rejects a point just past the edge", () => {
    expect(insideCampus({ x: R + 0.001, z: 0 }, R)).toBe(false);
  });

  it("rejects NaN positions", () => {
    expect(insideCampus({ x: Number.NaN, z: 0 }, R)).toBe(false);
  });
});

describe("checkMove", () => {
  const origin = { x: 0, z: 0 };

  it("accepts standing still", () => {
    expect(checkMove(origin, origin, 0, R)).toEqual({ ok: true });
  });

  it("accepts a step within the limit, and exactly at the limit", () => {
    const dt = 0.05;
    expect(checkMove(origin, { x: maxStep(dt) * 0.99, z: 0 }, dt, R).ok).toBe(true);
    expect(checkMove(origin, { x: 0, z: -maxStep(dt) }, dt, R).ok).toBe(true);
  });

  it("refuses a step just past the limit as too_fast, with a readable message", () => {
    const dt = 0.05;
    const verdict = checkMove(origin, { x: maxStep(dt) + 0.01, z: 0 }, dt, R);
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.code).toBe("too_fast");
    expect(verdict.message).toMatch(/50 ms/);
    expect(verdict.message).toContain(maxStep(dt).toFixed(2));
  });

  it("uses the diagonal distance", () => {
    const dt = 0.1;
    const side = maxStep(dt) * 0.8; // each axis below the limit, the diagonal above it
    expect(checkMove(origin, { x: side, z: side }, dt, R).ok).toBe(false);
  });

  it("caps a long pause: 10 s of silence does not allow a 50 m jump", () => {
    const verdict = checkMove(origin, { x: 50, z: 0 }, 10, R);
    expect(verdict).toMatchObject({ ok: false, code: "too_fast" });
  });

  it("refuses a target outside the campus as out_of_bounds, even for a tiny step", () => {
    const from = { x: R - 0.1, z: 0 };
    const verdict = checkMove(from, { x: R + 0.1, z: 0 }, 0.05, R);
    expect(verdict).toMatchObject({ ok: false, code: "out_of_bounds" });
    if (!verdict.ok) expect(verdict.message).toContain(`${R} m`);
  });

  it("checks bounds before speed: a huge jump outside is out_of_bounds", () => {
    expect(checkMove(origin, { x: 1e300, z: 0 }, 0.05, R)).toMatchObject({ ok: false, code: "out_of_bounds" });
  });

  it("allows walking back into the campus from outside (e.g. after the radius shrank)", () => {
    const from = { x: R + 0.2, z: 0 };
    expect(checkMove(from, { x: R - 0.1, z: 0 }, 0.05, R).ok).toBe(true);
  });
});

describe("teleport (XR)", () => {
  it("skips the speed check but not the campus bounds", () => {
    expect(checkMove({ x: 0, z: 0 }, { x: 30, z: 0 }, 0.05, R).ok).toBe(false);
    expect(checkMove({ x: 0, z: 0 }, { x: 30, z: 0 }, 0.05, R, true).ok).toBe(true);
    const out = checkMove({ x: 0, z: 0 }, { x: R + 1, z: 0 }, 0.05, R, true);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.code).toBe("out_of_bounds");
  });

  it("is allowed to people in VR or AR only, and not more often than the minimum interval", () => {
    const desktop = { mode: "desktop" };
    expect(mayTeleport(desktop, { teleport: true }, 1000)).toBe(false);
    // A move that switches into VR may teleport (entering a session places the rig).
    expect(mayTeleport({ mode: "desktop" }, { teleport: true, mode: "vr" }, 1000)).toBe(true);
    const vr = { mode: "vr" };
    expect(mayTeleport(vr, {}, 1000)).toBe(false);
    expect(mayTeleport(vr, { teleport: true }, 1000)).toBe(true);
    expect(mayTeleport(vr, { teleport: true }, 1000 + TELEPORT_MIN_INTERVAL_MS - 1)).toBe(false);
    expect(mayTeleport(vr, { teleport: true }, 1000 + TELEPORT_MIN_INTERVAL_MS)).toBe(true);
    expect(mayTeleport({ mode: "ar" }, { teleport: true }, 5000)).toBe(true);
  });
});

describe("applyBody", () => {
  const body = () => ({ mode: "desktop", headY: 0, hands: 0, leftX: 0, leftY: 0, leftZ: 0, rightX: 0, rightY: 0, rightZ: 0 });

  it("copies head height, hands and mode", () => {
    const p = body();
    applyBody(p, { mode: "vr", headY: 1.7, hands: 3, left: [-0.3, 1.2, -0.2], right: [0.3, 1.1, -0.25] });
    expect(p).toEqual({ mode: "vr", headY: 1.7, hands: 3, leftX: -0.3, leftY: 1.2, leftZ: -0.2, rightX: 0.3, rightY: 1.1, rightZ: -0.25 });
  });

  it("leaves absent fields as they were (a desktop move changes nothing)", () => {
    const p = { ...body(), mode: "vr", headY: 1.6, hands: 1, leftX: 0.1 };
    applyBody(p, {});
    expect(p.mode).toBe("vr");
    expect(p.headY).toBe(1.6);
    expect(p.hands).toBe(1);
    expect(p.leftX).toBe(0.1);
  });
});
