import type { XRBody } from "../../../shared/pose-wire";
import type { MovePayload } from "../../../shared/protocol/schemas";

/**
 * The XR part of this person's pose (head height, hands, mode, teleports), written by the XR
 * rig each frame and added to the next move by the connection (net.ts flushPose). Plain data:
 * nothing here allocates per frame.
 */
export const localBody = {
  /** True while an XR session drives the pose. */
  active: false,
  /** The mode to announce with the next move, or null when it has not changed. */
  mode: null as "desktop" | "vr" | "ar" | null,
  headY: 1.6,
  hands: 0,
  left: [0, 0, 0] as [number, number, number],
  right: [0, 0, 0] as [number, number, number],
  /** The rig jumped since the last send (the server then checks bounds, not speed). */
  teleport: false,
};

/** Adds the XR fields to an outgoing move (the connection's reused scratch payload). */
export function writeBody(m: MovePayload): void {
  const b = localBody;
  if (b.mode !== null) {
    m.mode = b.mode;
    b.mode = null;
  } else if (m.mode !== undefined) delete m.mode;
  if (b.teleport) {
    m.teleport = true;
    b.teleport = false;
  } else if (m.teleport !== undefined) delete m.teleport;
  if (b.active) {
    m.headY = Math.min(3, Math.max(0, b.headY));
    m.hands = b.hands;
    m.left = b.left;
    m.right = b.right;
  } else if (m.headY !== undefined) {
    delete m.headY;
    delete m.hands;
    delete m.left;
    delete m.right;
  }
}

/** Announces a mode change (entering or leaving a session) with the next move. */
export function announceMode(mode: "desktop" | "vr" | "ar"): void {
  localBody.mode = mode;
}

/**
 * A remote person's XR body, as the pose stream last carried it (pose-stream.ts); `hands` is 0
 * while the person is not at full rate here (far hands are not drawn).
 */
export type RemoteBody = XRBody;

/** Each remote person's XR body, by id, for the scene to read in the frame loop. */
export const remoteBodies = new Map<string, RemoteBody>();
