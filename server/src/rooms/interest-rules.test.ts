import { describe, expect, it } from "vitest";
import { DEFAULT_INTEREST_RULES, FULL_RATE_MAX, FULL_RATE_RADIUS_M, interestScore, pickNear, type InterestRules, type Placed } from "./interest-rules";

const at = (x: number, z: number, name = `${x},${z}`) => ({ x, z, name });
type Thing = ReturnType<typeof at>;

function pick(viewer: { x: number; z: number; yaw: number }, things: Thing[], current: Thing[] = [], rules: InterestRules = DEFAULT_INTEREST_RULES, self: Thing | null = null): string[] {
  const out: Thing[] = [];
  const n = pickNear(viewer, things, new Set(current), out, self, rules);
  return out.slice(0, n).map((t) => t.name);
}

describe("pickNear: who gets whose full pose", () => {
  const north = { x: 0, z: 0, yaw: 0 }; // yaw 0 faces −z

  it("takes what is within the radius, nearest first, and nothing beyond it", () => {
    const things = [at(0, 5), at(0, -2), at(10, 0), at(0, FULL_RATE_RADIUS_M * 2), at(-FULL_RATE_RADIUS_M * 1.4, 0)];
    expect(pick(north, things)).toEqual(["0,-2", "0,5", "10,0"]);
  });

  it(`takes at most FULL_RATE_MAX (${FULL_RATE_MAX}), the best of them, however many are near`, () => {
    const crowd = Array.from({ length: 60 }, (_, i) => at(Math.cos(i) * (1 + i * 0.3), Math.sin(i) * (1 + i * 0.3), `p${i}`));
    const picked = pick({ x: 0, z: 0, yaw: 1 }, crowd);
    expect(picked).toHaveLength(FULL_RATE_MAX);
    const scores = crowd.map((c) => ({ name: c.name, s: interestScore({ x: 0, z: 0, yaw: 1 }, c, false) })).sort((a, b) => a.s - b.s);
    expect(picked).toEqual(scores.slice(0, FULL_RATE_MAX).map((s) => s.name));
  });

  it("counts what the viewer faces as nearer than what is behind it", () => {
    const ahead = at(0, -12, "ahead");
    const behind = at(0, 10, "behind");
    const rules = { ...DEFAULT_INTEREST_RULES, max: 1 };
    expect(pick(north, [ahead, behind], [], rules)).toEqual(["ahead"]);
    // Turned round, the one that is now ahead wins.
    expect(pick({ x: 0, z: 0, yaw: Math.PI }, [ahead, behind], [], rules)).toEqual(["behind"]);
    // Far ahead is still in range where the same distance behind is not.
    const r = FULL_RATE_RADIUS_M;
    expect(pick(north, [at(0, -r * 1.2, "far ahead"), at(0, r * 1.2, "far behind")])).toEqual(["far ahead"]);
  });

  it("keeps what it has unless something is clearly nearer (no flapping at the edge)", () => {
    const rules = { ...DEFAULT_INTEREST_RULES, max: 1, lookWeight: 0 };
    const a = at(10, 0, "a");
    const b = at(9.5, 0, "b");
    expect(pick(north, [a, b], [], rules)).toEqual(["b"]);
    expect(pick(north, [a, b], [a], rules)).toEqual(["a"]); // kept: 10 × 0.8 < 9.5
    expect(pick(north, [a, at(7, 0, "c")], [a], rules)).toEqual(["c"]); // 7 < 8: clearly nearer
    // At the radius: kept a little beyond it, but not for ever.
    const edge = at(FULL_RATE_RADIUS_M * 1.1, 0, "edge");
    expect(pick(north, [edge], [], rules)).toEqual([]);
    expect(pick(north, [edge], [edge], rules)).toEqual(["edge"]);
    expect(pick(north, [at(FULL_RATE_RADIUS_M * 1.3, 0, "gone")], [at(FULL_RATE_RADIUS_M * 1.3, 0, "gone")], rules)).toEqual([]);
  });

  it("never picks the viewer itself, and writes into the array it is given", () => {
    const me = at(0, 0, "me");
    const other = at(1, 1, "other");
    const out: Placed[] = [me, me, me];
    expect(pickNear(north, [me, other], new Set(), out, me)).toBe(1);
    expect(out[0]).toBe(other);
  });
});
