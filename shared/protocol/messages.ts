/**
 * Message names on the wire. Plain constants with no runtime dependencies, so the client can
 * import them without pulling zod into its bundle. Payload schemas live in ./schemas.ts.
 */

/** Client → server. */
export const ClientMessage = {
  /** The sender's own pose: position on the ground, body yaw, head pitch. */
  Move: "move",
  /** Change the sender's display name. */
  Rename: "rename",
} as const;
export type ClientMessageType = (typeof ClientMessage)[keyof typeof ClientMessage];

/** Server → client. */
export const ServerMessage = {
  /** The campus layout, sent once on join (not part of the patched state). */
  World: "world",
  /** A message from this client was refused; nothing changed. */
  Error: "error",
} as const;

export const personModes = ["desktop", "vr", "ar"] as const;
export type PersonMode = (typeof personModes)[number];

/** Why a message was refused. */
export type ErrorCode = "invalid_message" | "unknown_message" | "too_fast" | "out_of_bounds";

export interface ErrorPayload {
  code: ErrorCode;
  /** A sentence a person can read. */
  message: string;
  /** The message type that was refused. */
  rejected: string;
  /** Where the server has the sender, when a move was refused: snap back here. */
  correction?: { x: number; z: number };
}
