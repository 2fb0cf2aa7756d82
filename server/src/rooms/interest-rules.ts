/**
 * Who gets whose full pose: the interest rule of server/src/rooms/interest.ts, kept pure so it
 * can be tested without a room. A client gets full-rate poses for at most FULL_RATE_MAX people
 * and agents, the nearest ones within FULL_RATE_RADIUS_M, where what it faces counts as nearer
 * than what is behind it. Everything else reaches it as a coarse pose.
 */

/** Beyond this distance (m) a person or agent reaches a client only as a coarse pose. */
export const FULL_RATE_RADIUS_M = 30; // default 30
/** Most people and agents a client gets at full rate at once. */
export const FULL_RATE_MAX = 8; // default 8
/**
 * What a client faces counts as nearer: the distance is multiplied by `1 − w·cos θ` (θ between
 * where it looks and the direction to the other), so straight ahead counts as 0.7× as far and
 * straight behind as 1.3×.
 */
export const INTEREST_LOOK_WEIGHT = 0.3; // default 0.3
/**
 * Hysteresis: something already at full rate counts as this much nearer, so a person walking
 * along the edge of the radius, or two people at about the same distance, do not flap in and out.
 */
export const INTEREST_KEEP_FACTOR = 0.8; // default 0.8

export interface InterestRules {
  radiusM: number;
  max: number;
  lookWeight: number;
  keepFactor: number;
}

export const DEFAULT_INTEREST_RULES: InterestRules = {
  radiusM: FULL_RATE_RADIUS_M,
  max: FULL_RATE_MAX,
  lookWeight: INTEREST_LOOK_WEIGHT,
  keepFactor: INTEREST_KEEP_FACTOR,
};

/** Where a client stands and looks (yaw 0 faces −z, positive turns left, as everywhere). */
export interface Viewer {
  x: number;
  z: number;
  yaw: number;
}

export interface Placed {
  x: number;
  z: number;
}

/** Scores of the picks, best first; grown once to the largest `max` seen. */
let scores = new Float64Array(16);

/**
 * How far `c` counts as from `viewer` under `rules` (m), or Infinity when it is beyond the
 * radius. `kept` says whether it is at full rate already.
 */
export function interestScore(viewer: Viewer, c: Placed, kept: boolean, rules: InterestRules = DEFAULT_INTEREST_RULES): number {
  return score(c.x - viewer.x, c.z - viewer.z, -Math.sin(viewer.yaw), -Math.cos(viewer.yaw), kept, rules);
}

/** The score of something (dx, dz) away from a viewer facing (fx, fz). */
function score(dx: number, dz: number, fx: number, fz: number, kept: boolean, rules: InterestRules): number {
  const d = Math.sqrt(dx * dx + dz * dz);
  let s = d > 1e-6 ? d - rules.lookWeight * (fx * dx + fz * dz) : d; // d × (1 − w·cos θ)
  if (kept) s *= rules.keepFactor;
  return s <= rules.radiusM ? s : Infinity;
}

/**
 * Picks what `viewer` gets at full rate from `candidates` (never `self`): at most `rules.max`,
 * best (lowest score) first, written into `out` (reused, grown when shorter). `current` is what
 * it gets now, for the hysteresis. Returns how many were picked. Allocation-free.
 */
export function pickNear<T extends Placed>(
  viewer: Viewer,
  candidates: readonly T[],
  current: ReadonlySet<T>,
  out: T[],
  self: T | null = null,
  rules: InterestRules = DEFAULT_INTEREST_RULES,
): number {
  if (scores.length < rules.max) scores = new Float64Array(rules.max);
  const fx = -Math.sin(viewer.yaw);
  const fz = -Math.cos(viewer.yaw);
  // Nothing further than this can score within the radius, even straight ahead and kept.
  const reach = rules.radiusM / ((1 - rules.lookWeight) * Math.min(1, rules.keepFactor));
  const reach2 = reach * reach;
  let n = 0;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    const dx = c.x - viewer.x;
    const dz = c.z - viewer.z;
    if (dx * dx + dz * dz > reach2 || c === self) continue;
    const s = score(dx, dz, fx, fz, current.has(c), rules);
    if (s === Infinity || (n === rules.max && s >= scores[n - 1]!)) continue;
    // Insertion into the sorted picks; the worst falls off the end when they are full.
    let j = n < rules.max ? n++ : n - 1;
    while (j > 0 && scores[j - 1]! > s) {
      scores[j] = scores[j - 1]!;
      out[j] = out[j - 1]!;
      j--;
    }
    scores[j] = s;
    out[j] = c;
  }
  return n;
}
