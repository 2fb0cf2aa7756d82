/** Agent-related wire payloads. Plain types and names, no zod, so the client can import them. */

export const AgentServerMessage = {
  /** A piece of an agent's reply while it streams, coalesced on the server. */
  Speech: "speech",
} as const;

export interface SpeechPayload {
  agentId: string;
  /** One utterance, so a new reply replaces the old bubble. */
  utteranceId: string;
  /** Text to append. */
  delta: string;
  /** True on the last piece of the utterance. */
  done: boolean;
}

/** Colours the avatars use to show an agent's state at a glance. */
export const AGENT_STATE_COLOURS: Record<string, string> = {
  idle: "#94a3b8",
  walking: "#38bdf8",
  thinking: "#a78bfa",
  speaking: "#34d399",
  working: "#f59e0b",
  "waiting-for-human": "#f43f5e",
  paused: "#64748b",
  offline: "#475569",
};
