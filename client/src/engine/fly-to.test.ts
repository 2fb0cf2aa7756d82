import { describe, expect, it } from "vitest";
import type { World } from "../../../shared/world";
import { boardPlacement } from "./campus-layout";
import { FOUNTAIN_CLEARANCE, Flight, routeAround, viewpointFor, yawFacing } from "./fly-to";
import { LocalPlayer } from "./local-player";

const world: World = {
  name: "t",
  campusRadius: 60,
  plaza: { radius: 12, colour: "#ffffff" },
  spawn: { position: [0, 8], spread: 0 },
  districts: [
    { id: "north", name: "North", purpose: "p", colour: "#4f8cff", position: [0, -34], radius: 12, boards: ["tasks"] },
    { id: "south", name: "South", purpose: "p", colour: "#4f8cff", position: [0, 34], radius: 12, boards: ["tasks"] },
  ],
};

describe("viewpointFor", () => {
  it("stands in front of the board, facing it", () => {
    const v = viewpointFor(world, "north")!;
    const board = boardPlacement(world.districts[0]!);
    expect(v.lookX).toBeCloseTo(board.x);
    expect(v.z).toBeGreaterThan(board.z); // the north board faces the plaza (+z)
    // Facing the board: forward (-sin yaw, -cos yaw) points from the viewpoint to the board.
    const fx = -Math.sin(v.yaw);
    const fz = -Math.cos(v.yaw);
    const len = Math.hypot(board.x - v.x, board.z - v.z);
    expect(fx).toBeCloseTo((board.x - v.x) / len);
    expect(fz).toBeCloseTo((board.z - v.z) / len);
    expect(viewpointFor(world, "nowhere")).toBeNull();
  });

  it("yawFacing agrees with the player's forward vector", () => {
    const yaw = yawFacing(1, 0);
    expect(-Math.sin(yaw)).toBeCloseTo(1);
    expect(-Math.cos(yaw)).toBeCloseTo(0);
  });
});

describe("routeAround", () => {
  it("goes straight when the line misses the fountain", () => {
    expect(routeAround({ x: 20, z: 0 }, { x: 20, z: 30 })).toEqual([{ x: 20, z: 30 }]);
  });

  it("adds one waypoint beside the fountain when the line crosses it", () => {
    const route = routeAround({ x: 0.5, z: -20 }, { x: 0, z: 20 });
    expect(route).toHaveLength(2);
    expect(Math.hypot(route[0]!.x, route[0]!.z)).toBeGreaterThan(FOUNTAIN_CLEARANCE);
    // Each leg stays clear of the fountain.
    const [a, b, c] = [{ x: 0.5, z: -20 }, route[0]!, route[1]!];
    for (const [p, q] of [[a, b], [b, c]] as const) {
      for (let t = 0; t <= 1; t += 0.01) expect(Math.hypot(p.x + (q.x - p.x) * t, p.z + (q.z - p.z) * t)).toBeGreaterThan(FOUNTAIN_RADIUS_SAFE);
    }
  });
});
const FOUNTAIN_RADIUS_SAFE = 2.6;

describe("Flight", () => {
  it("runs the player to the viewpoint and holds the view there, facing the board", () => {
    const player = new LocalPlayer(60);
    player.place(0, -14);
    const flight = new Flight();
    expect(flight.start(player, world, "south", 0)).toBe(true);
    let now = 0;
    for (let i = 0; i < 2000 && !flight.holding; i++) {
      now += 16;
      player.step(0.016);
      flight.step(player, now);
    }
    expect(flight.holding).toBe(true);
    expect(flight.active).toBe(true);
    const v = viewpointFor(world, "south")!;
    expect(Math.hypot(player.pose.x - v.x, player.pose.z - v.z)).toBeLessThan(0.5);
    expect(player.pose.yaw).toBeCloseTo(v.yaw);
    expect(now).toBeLessThan(10_000); // it ran (7 m/s), it did not walk
    // Holding: nothing changes until the person moves.
    flight.step(player, now + 1000);
    expect(flight.active).toBe(true);
    player.press("forward", true);
    player.step(0.1);
    flight.step(player, now + 1100);
    expect(flight.active).toBe(false);
  });

  it("hands control back when the person presses a movement key", () => {
    const player = new LocalPlayer(60);
    player.place(0, 0);
    const flight = new Flight();
    flight.start(player, world, "north", 0);
    player.step(0.1);
    player.press("back", true);
    flight.step(player, 100);
    expect(flight.active).toBe(false);
  });
});
