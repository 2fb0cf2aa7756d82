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
  /** Say something to an agent: it goes into the agent's mailbox. */
  Talk: "talk",
  /** Answer an agent's ask_human question. */
  Answer: "answer",
  /** Create a task on a district's board, optionally assigned to an agent or a person. */
  TaskCreate: "task-create",
  /** Move a task to another column and/or (re)assign it. */
  TaskUpdate: "task-update",
} as const;
export type ClientMessageType = (typeof ClientMessage)[keyof typeof ClientMessage];

/** Server → client. */
export const ServerMessage = {
  /** The campus layout, sent once on join (not part of the patched state). */
  World: "world",
  /** A message from this client was refused; nothing changed. */
  Error: "error",
  /** An agent asks the people a question (ask_human); also sent on join for open questions. */
  Question: "question",
  /** A question was answered (or withdrawn); its notification goes away. */
  QuestionClosed: "question-closed",
  /** An agent handed a task to another: draw the arc, move the card. */
  HandOff: "hand-off",
} as const;

export const personModes = ["desktop", "vr", "ar"] as const;
export type PersonMode = (typeof personModes)[number];

/** Why a message was refused. */
export type ErrorCode =
  | "invalid_message"
  | "unknown_message"
  | "too_fast"
  | "out_of_bounds"
  | "unknown_agent"
  | "unknown_question"
  | "unknown_task"
  | "unknown_district"
  | "not_allowed"
  | "not_saved"
  /** The sender's role may not send this message type (server/src/auth/policy.ts). */
  | "forbidden"
  /** Over a rate limit (messages per second, per type, or LLM-triggering actions per minute). */
  | "rate_limited"
  /** A field or the message is larger than allowed. */
  | "too_large"
  /** The owner muted this person: they may not talk or speak. */
  | "muted"
  /** An owner's moderation request named no such person. */
  | "unknown_person";

export interface ErrorPayload {
  code: ErrorCode;
  /** A sentence a person can read. */
  message: string;
  /** The message type that was refused. */
  rejected: string;
  /** Where the server has the sender, when a move was refused: snap back here. */
  correction?: { x: number; z: number };
}

export interface QuestionPayload {
  requestId: string;
  agentId: string;
  agentName: string;
  question: string;
  options: string[];
  taskId: string | null;
}

export interface QuestionClosedPayload {
  requestId: string;
  /** The chosen option, or null when the question was withdrawn (the agent was freed). */
  choice: string | null;
  by: string | null;
}

export interface HandOffPayload {
  taskId: string;
  from: string;
  to: string;
  title: string;
}
