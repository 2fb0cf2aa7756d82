/**
 * Poses on the wire are fixed-point integers, not floats: the pose stream (shared/pose-wire.ts)
 * writes each value with `toWire` on the server and reads it with `fromWire` on the client, the
 * only two places the conversion happens. Each range below is an unsigned integer of `bits`
 * spread over [min, max]: a clamped range is a UNORM over [min, max] (with an exact zero when it
 * is symmetric) and half-up rounding; a wrapping one (angles) spreads 2^bits steps over
 * [min, max). This is the same arithmetic as @colyseus/schema's `t.quantized`.
 */
export interface PoseRange {
  min: number;
  max: number;
  bits: 8 | 16;
  mode: "clamp" | "wrap";
}

/**
 * Positions: ±327.67 m in 1 cm steps, an int16 of centimetres (a symmetric clamped range of
 * 2^16 − 2 steps). The world's campusRadius may not exceed CAMPUS_RADIUS_MAX_M, so every place
 * on the campus, plus a hand's reach, fits.
 */
export const POSITION_RANGE: PoseRange = { min: -327.67, max: 327.67, bits: 16, mode: "clamp" };
/** Largest campusRadius a world may have (m): inside POSITION_RANGE with room to spare. */
export const CAMPUS_RADIUS_MAX_M = 320;
/** Yaw: a full turn in 2^16 steps (0.0055°); read back in [−π, π), as the clients keep it. */
export const YAW_RANGE: PoseRange = { min: -Math.PI, max: Math.PI, bits: 16, mode: "wrap" };
/** The coarse (far) pose's yaw: a full turn in 256 steps (1.4°), enough for something far away. */
export const COARSE_YAW_RANGE: PoseRange = { min: -Math.PI, max: Math.PI, bits: 8, mode: "wrap" };
/** Head pitch: ±90° (moveSchema's bounds) in 2^16 − 2 steps. */
export const PITCH_RANGE: PoseRange = { min: -Math.PI / 2, max: Math.PI / 2, bits: 16, mode: "clamp" };
/** XR eye height above the floor: 0–3 m (moveSchema's bounds), 0.05 mm steps. */
export const HEAD_Y_RANGE: PoseRange = { min: 0, max: 3, bits: 16, mode: "clamp" };
/** A hand's offset across the ground from the person: ±2 m (moveSchema's bounds). */
export const HAND_XZ_RANGE: PoseRange = { min: -2, max: 2, bits: 16, mode: "clamp" };
/** A hand's height: −0.5–3 m (moveSchema's bounds). */
export const HAND_Y_RANGE: PoseRange = { min: -0.5, max: 3, bits: 16, mode: "clamp" };

/** The number of integer steps the range is spread over (as @colyseus/schema counts them). */
function span(range: PoseRange): number {
  const steps = range.bits === 16 ? 65536 : 256;
  if (range.mode === "wrap") return steps;
  return range.min === -range.max ? steps - 2 : steps - 1;
}

/** The size of one step of `range`: the most a snapped value can move is half of it. */
export function quantum(range: PoseRange): number {
  return (range.max - range.min) / span(range);
}

/** The integer that goes on the wire for `value`. */
export function toWire(range: PoseRange, value: number): number {
  const s = span(range);
  const width = range.max - range.min;
  if (range.mode === "wrap") {
    if (!Number.isFinite(value)) return 0;
    let a = (value - range.min) % width;
    if (a < 0) a += width;
    return Math.floor((a / width) * s + 0.5) % s;
  }
  if (Number.isNaN(value)) return 0;
  const v = Math.min(range.max, Math.max(range.min, value));
  return Math.floor(((v - range.min) / width) * s + 0.5);
}

/** The value an integer from the wire stands for. */
export function fromWire(range: PoseRange, q: number): number {
  return range.min + (q / span(range)) * (range.max - range.min);
}

/** What a field of `range` holds after `value` is written to it (on both sides of the wire). */
export function snap(range: PoseRange, value: number): number {
  return fromWire(range, toWire(range, value));
}
