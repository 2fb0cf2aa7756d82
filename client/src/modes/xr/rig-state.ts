import { ARC_POINTS } from "./teleport-arc";

/**
 * Fast XR state shared by the rig, the teleport arc and the vignette: plain objects mutated in
 * the frame loop (never React state).
 */

/** The XR origin in the campus: where the tracked space stands and which way it faces. */
export const rig = { x: 0, z: 0, yaw: 0 };

/** The teleport arc being aimed (right stick forward), drawn by TeleportArc. */
export const aim = {
  active: false,
  valid: false,
  x: 0,
  z: 0,
  points: new Float32Array(ARC_POINTS * 3),
  count: 0,
};

/** This frame's self-motion (stick locomotion and smooth turn), for the comfort vignette. */
export const motion = { speed: 0, turn: 0 };

/** The tracked objects of each hand or controller (set by their views), for the body sent to others and the wrist menu. */
export const handObjects: { left: import("three").Object3D | null; right: import("three").Object3D | null; leftKind: "controller" | "hand" | null; rightKind: "controller" | "hand" | null } = {
  left: null,
  right: null,
  leftKind: null,
  rightKind: null,
};

/** A teleport asked for by the menu ("teleport to a district"), carried out by the rig next frame. */
export const teleportRequest = { pending: false, x: 0, z: 0 };
