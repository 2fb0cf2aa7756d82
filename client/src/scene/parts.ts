import { toWorld, type Placement } from "../engine/campus-layout";

/**
 * A box or sphere in world space, as the work scene draws it with instancing: centre, size,
 * yaw, a turn about its own z axis (chart line segments), colour, and what a click on it
 * means (`owner`, e.g. a task id; "" for nothing).
 */
export interface Part {
  x: number;
  y: number;
  z: number;
  sx: number;
  sy: number;
  sz: number;
  rotY: number;
  angle: number;
  colour: string;
  owner: string;
}

/** A part given in a frame's local coordinates (a board, a wall panel), placed in the world. */
export function partAt(frame: Placement, lx: number, ly: number, lz: number, sx: number, sy: number, sz: number, colour: string, owner = "", angle = 0): Part {
  const p = toWorld(frame, lx, ly, lz);
  return { x: p.x, y: p.y, z: p.z, sx, sy, sz, rotY: frame.rotY, angle, colour, owner };
}

/** Clip rectangle of a text anchored at its top, in its own frame, for troika's clipRect. */
export function clipRectFor(anchorX: "left" | "center" | "right", maxWidth: number, clipHeight: number): [number, number, number, number] {
  const min = anchorX === "left" ? -0.02 : anchorX === "right" ? -maxWidth - 0.01 : -maxWidth / 2 - 0.01;
  const max = anchorX === "left" ? maxWidth + 0.01 : anchorX === "right" ? 0.02 : maxWidth / 2 + 0.01;
  return [min, -clipHeight - 0.005, max, 0.2];
}
