/**
 * Hand-off arcs: a fixed pool of slots, each an arc from the giver to the receiver that lives
 * for ARC_LIFE_MS. The net layer triggers them; the scene reads the pool every frame and draws
 * the live ones (one instanced mesh). Nothing here allocates after construction.
 */

/** How long an arc is drawn (ms). */
export const ARC_LIFE_MS = 3200; // default 3200
/** How long the glow takes to travel from giver to receiver (ms); it then rests at the receiver. */
export const ARC_TRAVEL_MS = 1600; // default 1600
/** Arcs drawn at once; a new one replaces the oldest when all are busy. */
export const MAX_ARCS = 8; // default 8
/** The same hand-off announced twice (hand-off message and feed item) within this window draws once (ms). */
export const ARC_DEDUPE_MS = 3000; // default 3000

export interface ArcSlot {
  from: string;
  to: string;
  /** performance.now() when it started; -Infinity for a free slot. */
  startedAt: number;
}

export class ArcPool {
  readonly slots: ArcSlot[];

  constructor(readonly capacity = MAX_ARCS) {
    this.slots = Array.from({ length: capacity }, () => ({ from: "", to: "", startedAt: -Infinity }));
  }

  /** Starts an arc from `from` to `to`. Returns false when the same arc is already running. */
  trigger(from: string, to: string, now: number): boolean {
    if (!from || !to || from === to) return false;
    let oldest = this.slots[0]!;
    for (const s of this.slots) {
      if (s.from === from && s.to === to && now - s.startedAt < ARC_DEDUPE_MS) return false;
      if (s.startedAt < oldest.startedAt) oldest = s;
    }
    oldest.from = from;
    oldest.to = to;
    oldest.startedAt = now;
    return true;
  }

  /** Arcs alive at `now`. */
  live(now: number): number {
    let n = 0;
    for (const s of this.slots) if (now - s.startedAt < ARC_LIFE_MS) n++;
    return n;
  }
}

/** The arcs of this page. */
export const handOffArcs = new ArcPool();

/** Height of an arc's top above the line between its ends, for a span of `distance` m. */
export function arcHeight(distance: number): number {
  return 1.5 + Math.min(8, distance * 0.25);
}

/**
 * A point on the arc at t ∈ [0, 1]: a quadratic Bézier from (ax, ay, az) to (bx, by, bz) whose
 * control point is lifted by 2·h over the midpoint (so the top is h over it). Written into `out`.
 */
export function arcPoint(
  ax: number,
  ay: number,
  az: number,
  bx: number,
  by: number,
  bz: number,
  h: number,
  t: number,
  out: { x: number; y: number; z: number },
): void {
  const u = 1 - t;
  const cx = (ax + bx) / 2;
  const cy = (ay + by) / 2 + 2 * h;
  const cz = (az + bz) / 2;
  out.x = u * u * ax + 2 * u * t * cx + t * t * bx;
  out.y = u * u * ay + 2 * u * t * cy + t * t * by;
  out.z = u * u * az + 2 * u * t * cz + t * t * bz;
}

/** Where the travelling glow is along the arc at `age` ms (0 → 1, eased, then held at 1). */
export function glowProgress(age: number): number {
  const t = Math.min(1, Math.max(0, age / ARC_TRAVEL_MS));
  return t * t * (3 - 2 * t);
}

/** Opacity-like fade of the whole arc: in quickly, out over the last third of its life. */
export function arcFade(age: number): number {
  if (age < 0 || age >= ARC_LIFE_MS) return 0;
  const fadeIn = Math.min(1, age / 150);
  const fadeOut = Math.min(1, (ARC_LIFE_MS - age) / (ARC_LIFE_MS / 3));
  return Math.min(fadeIn, fadeOut);
}
