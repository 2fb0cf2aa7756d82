/**
 * Moderation and notices: wire names and payloads. Plain types, no zod, so the client can import
 * them; the client → server schemas are in ./moderation-schemas.ts. Only the owner may send these
 * (server/src/auth/policy.ts).
 */

/** Client → server (owner only). */
export const ModerationMessage = {
  /** Stop a person from talking to agents or speaking (until unmuted, or for `minutes`). */
  Mute: "mute",
  Unmute: "unmute",
  /** Disconnect a person now; `revoke` also revokes the invite link they joined with. */
  Kick: "kick",
  /** Stop an agent now (its current work is aborted) and keep it paused. */
  AgentPause: "agent-pause",
  /** Let a paused agent work again (also after a budget stop, once its budget allows). */
  AgentResume: "agent-resume",
  /** Set an agent's LLM budget in this workspace (USD); a budget-paused agent resumes when it is raised above its spend. */
  AgentBudget: "agent-budget",
} as const;

/** Server → client. */
export const NoticeMessage = {
  /** Something a person should read: they were muted or removed, a moderation action, the server shutting down. */
  Notice: "notice",
} as const;

export type NoticeKind = "muted" | "unmuted" | "kicked" | "moderation" | "shutdown" | "limits";

export interface NoticePayload {
  kind: NoticeKind;
  /** A sentence a person can read. Plain text, never HTML. */
  message: string;
  /** For "moderation": what was done, and to whom (a session id or an agent id). */
  action?: string;
  target?: string;
}
