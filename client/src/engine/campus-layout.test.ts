import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { worldSchema } from "../../../shared/world";
import { BOARD, layoutBuildings, layoutObstacles, layoutPaths, layoutProps, layoutTrees, mixHex, toWorld } from "./campus-layout";

// The shipped campus, checked by the shared schema.
const world = worldSchema.parse(parse(fs.readFileSync(path.resolve(import.meta.dirname, "../../../config/world.yaml"), "utf8")));

describe("campus layout", () => {
  it("is the same for every visitor (seeded)", () => {
    expect(layoutTrees(world)).toEqual(layoutTrees(world));
    expect(layoutBuildings(world)).toEqual(layoutBuildings(world));
  });

  it("keeps trees off the plaza, the districts and the paths", () => {
    const trees = layoutTrees(world);
    expect(trees.length).toBeGreaterThan(50);
    for (const t of trees) {
      expect(Math.hypot(t.x, t.z)).toBeGreaterThan(world.plaza.radius);
      for (const d of world.districts) expect(Math.hypot(t.x - d.position[0], t.z - d.position[1])).toBeGreaterThan(d.radius);
    }
  });

  it("runs one path from the plaza rim to each district rim", () => {
    const paths = layoutPaths(world);
    expect(paths).toHaveLength(world.districts.length);
    paths.forEach((p, i) => {
      const d = world.districts[i]!;
      const dist = Math.hypot(d.position[0], d.position[1]);
      expect(p.length).toBeCloseTo(dist - d.radius - world.plaza.radius + 1, 6);
      // The path's centre lies on the line from the plaza centre to the district.
      const cross = p.x * d.position[1] - p.z * d.position[0];
      expect(Math.abs(cross)).toBeLessThan(1e-6);
    });
  });

  it("gives every district a sign, a board and its columns, as boxes", () => {
    const perDistrict = 3 + 2;
    expect(layoutProps(world)).toHaveLength(world.districts.length * perDistrict);
  });

  it("turns local offsets into world space", () => {
    const p = toWorld({ x: 10, z: 5, rotY: Math.PI / 2 }, 1, 2, 0);
    expect(p.x).toBeCloseTo(10, 9);
    expect(p.y).toBe(2);
    expect(p.z).toBeCloseTo(4, 9);
  });

  it("puts the fountain and every building in the obstacle list", () => {
    const obstacles = layoutObstacles(world);
    expect(obstacles).toHaveLength(1 + layoutBuildings(world).length);
    expect(obstacles[0]).toMatchObject({ x: 0, z: 0 });
  });

  it("mixes colours", () => {
    expect(mixHex("#000000", "#ffffff", 0.5)).toBe("#808080");
    expect(mixHex("#f00", "#00f", 1)).toBe("#0000ff");
  });
});
