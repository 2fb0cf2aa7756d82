/**
 * Voice wire names and payloads. Plain types, no zod, so the client can import them; the
 * client → server schemas are in ./voice-schemas.ts.
 *
 * Utterances travel as a same-origin HTTP POST (`VOICE_UTTERANCE_PATH`), not as a room message:
 * the room's WebSocket takes messages of at most 4 KB (a bigger one closes the connection), an
 * upload of up to a megabyte must not stall the room's message queue, and an HTTP answer gives
 * the speaker a clear status for each failure (413 too big, 422 too long or not audio, 503
 * speech-to-text down). The POST proves who speaks with a token the room hands out over the
 * WebSocket (`voice-hello` → `voice-session`).
 */

/** Client → server (room messages). */
export const VoiceClientMessage = {
  /** Asks for a voice token and the server's voice settings; also says whether this client listens to agent voices. */
  Hello: "voice-hello",
  /** Whether this person hears agents' voices (the server synthesizes speech only for listeners near an agent). */
  Prefs: "voice-prefs",
  /** The person started speaking to these talking agents: stop them (barge-in). */
  BargeIn: "voice-barge-in",
} as const;

/** Server → client (room messages). */
export const VoiceServerMessage = {
  /** The answer to `voice-hello`. */
  Session: "voice-session",
  /** What a person said by voice: their speech bubble (to everyone). */
  Transcript: "voice-transcript",
  /** One synthesized sentence of an agent's reply (to listeners near the agent). */
  Audio: "voice-audio",
  /** Stop an agent's voice now (barge-in, freed agent). */
  Stop: "voice-stop",
  /** The speech endpoint failed for an utterance: show its text, say why. */
  TtsFailed: "voice-tts-failed",
} as const;

/** Same-origin endpoint for one utterance: body audio/wav, header `x-atrium-voice-token`, optional `?target=agentId`. */
export const VOICE_UTTERANCE_PATH = "/api/voice/utterance";
export const VOICE_TOKEN_HEADER = "x-atrium-voice-token";

/** How agents' replies are voiced: the server's speech endpoint, the browser's speechSynthesis, or text alone. */
export type VoiceOutputMode = "server" | "browser" | "text";

export interface VoiceSessionPayload {
  /** Proves who speaks on VOICE_UTTERANCE_PATH; valid while this seat is in the room. */
  token: string;
  /** A speech-to-text endpoint is configured. */
  stt: boolean;
  /** A speech endpoint (TTS) is configured. */
  tts: boolean;
  maxUtteranceS: number;
  maxUtteranceBytes: number;
  hearingRadiusM: number;
}

export interface VoiceTranscriptPayload {
  personId: string;
  personName: string;
  agentId: string;
  text: string;
}

export interface VoiceAudioPayload {
  agentId: string;
  utteranceId: string;
  /** 0, 1, 2… in speaking order within the utterance. */
  seq: number;
  /** The sentence spoken. */
  text: string;
  /** The encoded clip (mp3, wav, opus… as the endpoint gave it). */
  audio: Uint8Array;
  mime: string;
}

export interface VoiceStopPayload {
  agentId: string;
  reason: string;
}

export interface VoiceTtsFailedPayload {
  agentId: string;
  utteranceId: string;
  message: string;
}

export type VoiceErrorCode =
  | "not_configured"
  | "bad_token"
  | "too_big"
  | "too_long"
  | "too_short"
  | "bad_audio"
  | "busy"
  | "stt_unavailable"
  | "nothing_heard"
  | "no_agent";

/** What VOICE_UTTERANCE_PATH answers. */
export type UtteranceResult =
  | { ok: true; text: string; agentId: string; agentName: string; sttMs: number }
  | { ok: false; error: { code: VoiceErrorCode; message: string } };
