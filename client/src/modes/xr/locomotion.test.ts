import { describe, expect, it } from "vitest";
import { SNAP_FIRE, STICK_DEAD_ZONE, SnapTurner, applyDeadZone, clampToDisc, headWorld, smoothMove, smoothTurnAngle, teleportHeadTo, turnAboutHead, yawOf, type Rig } from "./locomotion";

const rig = (x = 0, z = 0, yaw = 0): Rig => ({ x, z, yaw });

describe("head and rig", () => {
  it("puts the head at the rig plus its offset, turned with the rig", () => {
    expect(headWorld(rig(10, 5, 0), 0.5, -1, { x: 0, z: 0 })).toEqual({ x: 10.5, z: 4 });
    // Turned a quarter left (+π/2): the tracked space's forward (-z) now points at -x.
    const h = headWorld(rig(0, 0, Math.PI / 2), 0, -1, { x: 0, z: 0 });
    expect(h.x).toBeCloseTo(-1, 10);
    expect(h.z).toBeCloseTo(0, 10);
  });

  it("teleports so that the head, not the rig, lands on the target", () => {
    const r = rig(3, 3, 0.7);
    teleportHeadTo(r, 0.4, -0.8, 20, -12);
    const h = headWorld(r, 0.4, -0.8, { x: 0, z: 0 });
    expect(h.x).toBeCloseTo(20, 10);
    expect(h.z).toBeCloseTo(-12, 10);
    expect(r.yaw).toBe(0.7);
  });

  it("turns about the head: the head stays, the facing changes", () => {
    const r = rig(1, 2, 0.3);
    const before = { ...headWorld(r, 0.6, 0.2, { x: 0, z: 0 }) };
    turnAboutHead(r, 0.6, 0.2, Math.PI / 6);
    const after = headWorld(r, 0.6, 0.2, { x: 0, z: 0 });
    expect(after.x).toBeCloseTo(before.x, 10);
    expect(after.z).toBeCloseTo(before.z, 10);
    expect(r.yaw).toBeCloseTo(0.3 + Math.PI / 6, 10);
  });
});

describe("smooth locomotion", () => {
  it("ignores the dead zone and rescales beyond it", () => {
    expect(applyDeadZone(STICK_DEAD_ZONE)).toBe(0);
    expect(applyDeadZone(-0.1)).toBe(0);
    expect(applyDeadZone(1)).toBe(1);
    expect(applyDeadZone(-1)).toBe(-1);
    expect(applyDeadZone(0.6)).toBeCloseTo((0.6 - STICK_DEAD_ZONE) / (1 - STICK_DEAD_ZONE), 10);
  });

  it("moves where the head faces: stick forward (y = -1) goes forward", () => {
    const r = rig();
    const d = smoothMove(r, 0, -1, 0, 2, 0.5);
    expect(d).toBeCloseTo(1, 10);
    expect(r.x).toBeCloseTo(0, 10);
    expect(r.z).toBeCloseTo(-1, 10); // yaw 0 faces -z
    const s = rig();
    smoothMove(s, 1, 0, Math.PI / 2, 2, 0.5); // facing -x, stick right goes +... north (-z)
    expect(s.x).toBeCloseTo(0, 10);
    expect(s.z).toBeCloseTo(-1, 10);
  });

  it("never goes faster than the speed on a diagonal, and not at all when centred", () => {
    const r = rig();
    smoothMove(r, 1, -1, 0, 3, 1);
    expect(Math.hypot(r.x, r.z)).toBeCloseTo(3, 6);
    expect(smoothMove(rig(), 0.05, -0.1, 0, 3, 1)).toBe(0);
  });

  it("keeps a point inside the campus disc", () => {
    const p = { x: 30, z: 40 };
    expect(clampToDisc(p, 25)).toBe(true);
    expect(Math.hypot(p.x, p.z)).toBeCloseTo(25, 10);
    expect(clampToDisc({ x: 1, z: 1 }, 25)).toBe(false);
  });
});

describe("turning", () => {
  it("snaps once per push, right is negative yaw, and re-arms only after the stick comes back", () => {
    const snap = new SnapTurner();
    const step = Math.PI / 6;
    expect(snap.update(0.5, step)).toBe(0);
    expect(snap.update(SNAP_FIRE + 0.01, step)).toBe(-step);
    expect(snap.update(1, step)).toBe(0); // held: no second turn
    expect(snap.update(0.5, step)).toBe(0); // not back far enough
    expect(snap.update(0.1, step)).toBe(0); // re-armed
    expect(snap.update(-1, step)).toBe(step);
  });

  it("turns smoothly in proportion to the stick and time", () => {
    expect(smoothTurnAngle(1, 2, 0.5)).toBeCloseTo(-1, 10);
    expect(smoothTurnAngle(-1, 2, 0.5)).toBeCloseTo(1, 10);
    expect(smoothTurnAngle(0.1, 2, 0.5)).toBeCloseTo(0, 10);
  });

  it("reads yaw from a forward vector in the scene's convention", () => {
    expect(yawOf(0, -1)).toBeCloseTo(0, 10);
    expect(yawOf(-1, 0)).toBeCloseTo(Math.PI / 2, 10);
  });
});
