import { createStore } from "zustand/vanilla";

/**
 * VR comfort and locomotion settings, with defaults that suit most people, kept in
 * localStorage. Bad stored values fall back to the defaults, field by field.
 */
export interface XRSettings {
  /** snap (default) or smooth turning on the right stick. */
  turn: "snap" | "smooth";
  /** Snap turn step (degrees): 15, 30 (default) or 45. */
  snapDegrees: 15 | 30 | 45;
  /** Smooth turn speed (degrees/s), default 90. */
  smoothTurnSpeed: number;
  /** Smooth locomotion on the left stick, default on; teleport works either way. */
  smoothMove: boolean;
  /** Smooth locomotion speed (m/s), default 2.5 (within the server's walking check). */
  moveSpeed: number;
  /** Comfort vignette strength 0..1 (0 = off), default 0.7. */
  vignette: number;
  /** Selecting the ground with a ray teleports there, default on (the way hands teleport). */
  pointTeleport: boolean;
  /** The hand that holds the wrist menu (the other one points), default left. */
  menuHand: "left" | "right";
}

export const DEFAULT_XR_SETTINGS: Readonly<XRSettings> = {
  turn: "snap",
  snapDegrees: 30,
  smoothTurnSpeed: 90,
  smoothMove: true,
  moveSpeed: 2.5,
  vignette: 0.7,
  pointTeleport: true,
  menuHand: "left",
};

export const SETTINGS_KEY = "atrium.xr.settings";
/** Limits that keep a stored value sane (the server refuses moves faster than it allows). */
export const MOVE_SPEED_RANGE = [0.5, 4] as const;
export const SMOOTH_TURN_RANGE = [30, 180] as const;

const inRange = (v: unknown, [lo, hi]: readonly [number, number]): v is number => typeof v === "number" && Number.isFinite(v) && v >= lo && v <= hi;

/** Reads settings from a stored JSON string; every missing or bad field takes its default. */
export function parseSettings(raw: string | null): XRSettings {
  const d = DEFAULT_XR_SETTINGS;
  let v: Record<string, unknown> = {};
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) v = parsed as Record<string, unknown>;
  } catch {
    // unreadable: defaults
  }
  return {
    turn: v.turn === "smooth" || v.turn === "snap" ? v.turn : d.turn,
    snapDegrees: v.snapDegrees === 15 || v.snapDegrees === 30 || v.snapDegrees === 45 ? v.snapDegrees : d.snapDegrees,
    smoothTurnSpeed: inRange(v.smoothTurnSpeed, SMOOTH_TURN_RANGE) ? v.smoothTurnSpeed : d.smoothTurnSpeed,
    smoothMove: typeof v.smoothMove === "boolean" ? v.smoothMove : d.smoothMove,
    moveSpeed: inRange(v.moveSpeed, MOVE_SPEED_RANGE) ? v.moveSpeed : d.moveSpeed,
    vignette: inRange(v.vignette, [0, 1]) ? v.vignette : d.vignette,
    pointTeleport: typeof v.pointTeleport === "boolean" ? v.pointTeleport : d.pointTeleport,
    menuHand: v.menuHand === "left" || v.menuHand === "right" ? v.menuHand : d.menuHand,
  };
}

function load(): XRSettings {
  try {
    return parseSettings(localStorage.getItem(SETTINGS_KEY));
  } catch {
    return { ...DEFAULT_XR_SETTINGS };
  }
}

export const xrSettings = createStore<XRSettings>()(() => load());

/** Changes settings (validated like stored ones) and saves them. */
export function updateXRSettings(patch: Partial<XRSettings>): XRSettings {
  const next = parseSettings(JSON.stringify({ ...xrSettings.getState(), ...patch }));
  xrSettings.setState(next, true);
  try {
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(next));
  } catch {
    // storage full or private mode: the change lasts for this visit
  }
  return next;
}

/** The next value in a cycle (settings buttons step through choices). */
export function nextOf<T>(values: readonly T[], current: T): T {
  const i = values.indexOf(current);
  return values[(i + 1) % values.length] as T;
}
