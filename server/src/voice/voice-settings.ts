/**
 * Where speech goes: a speech-to-text endpoint (`/audio/transcriptions`) and a speech endpoint
 * (`/audio/speech`), each OpenAI-compatible, each with its own base URL, key and model, so they
 * can differ from the chat endpoint (a local Whisper server, say, next to a hosted chat model).
 */

/** Default STT model name (ATRIUM_STT_MODEL). */
export const DEFAULT_STT_MODEL = "whisper-1";
/** Default TTS model name (ATRIUM_TTS_MODEL). */
export const DEFAULT_TTS_MODEL = "tts-1";
/** Voice for agents whose roster entry names none (ATRIUM_TTS_VOICE). */
export const DEFAULT_TTS_VOICE = "alloy";
/** Audio format asked of the speech endpoint (ATRIUM_TTS_FORMAT): mp3 is small and every browser decodes it. */
export const DEFAULT_TTS_FORMAT = "mp3";
/** One transcription may take this long before it counts as down (ms). */
export const STT_TIMEOUT_MS = 20_000;
/** One sentence's speech may take this long (ms). */
export const TTS_TIMEOUT_MS = 20_000;
/** Where OpenAI itself answers, used when OPENAI_API_KEY is set with no OPENAI_BASE_URL. */
const OPENAI_URL = "https://api.openai.com/v1";

export const TTS_FORMATS = ["mp3", "wav", "opus", "aac", "flac"] as const;
export type TtsFormat = (typeof TTS_FORMATS)[number];

export interface SttSettings {
  baseURL: string;
  apiKey: string | null;
  model: string;
  /** Optional language hint (ISO-639-1), ATRIUM_STT_LANGUAGE. */
  language: string | null;
  timeoutMs: number;
}

export interface TtsSettings {
  baseURL: string;
  apiKey: string | null;
  model: string;
  voice: string;
  format: TtsFormat;
  timeoutMs: number;
}

export interface VoiceSettings {
  stt: SttSettings | null;
  tts: TtsSettings | null;
}

export class VoiceConfigError extends Error {}

/**
 * Reads the voice settings from the environment. An endpoint is on when its own base URL is
 * set, or when OpenAI itself is the chat upstream (OPENAI_API_KEY with no OPENAI_BASE_URL),
 * which offers both. `ATRIUM_STT_BASE_URL=off` (or `ATRIUM_TTS_BASE_URL=off`) turns one off.
 * A chat-only upstream (Ollama, vLLM…) never gets audio requests it cannot answer.
 */
export function readVoiceSettings(env: NodeJS.ProcessEnv): VoiceSettings {
  const openaiItself = !env.OPENAI_BASE_URL && !!env.OPENAI_API_KEY;
  const base = (own: string | undefined): string | null => {
    if (own === "off") return null;
    if (own) {
      try {
        new URL(own);
      } catch {
        throw new VoiceConfigError(`voice endpoint "${own}" is not a URL (like http://localhost:8000/v1)`);
      }
      return own.replace(/\/+$/, "");
    }
    return openaiItself ? OPENAI_URL : null;
  };
  const key = (own: string | undefined, url: string) => own || (url === OPENAI_URL ? (env.OPENAI_API_KEY ?? null) : null) || null;

  const sttURL = base(env.ATRIUM_STT_BASE_URL);
  const ttsURL = base(env.ATRIUM_TTS_BASE_URL);
  const format = (env.ATRIUM_TTS_FORMAT || DEFAULT_TTS_FORMAT) as TtsFormat;
  if (!TTS_FORMATS.includes(format)) throw new VoiceConfigError(`ATRIUM_TTS_FORMAT must be one of ${TTS_FORMATS.join(", ")}, got "${format}"`);
  return {
    stt: sttURL
      ? {
          baseURL: sttURL,
          apiKey: key(env.ATRIUM_STT_API_KEY, sttURL),
          model: env.ATRIUM_STT_MODEL || DEFAULT_STT_MODEL,
          language: env.ATRIUM_STT_LANGUAGE || null,
          timeoutMs: STT_TIMEOUT_MS,
        }
      : null,
    tts: ttsURL
      ? {
          baseURL: ttsURL,
          apiKey: key(env.ATRIUM_TTS_API_KEY, ttsURL),
          model: env.ATRIUM_TTS_MODEL || DEFAULT_TTS_MODEL,
          voice: env.ATRIUM_TTS_VOICE || DEFAULT_TTS_VOICE,
          format,
          timeoutMs: TTS_TIMEOUT_MS,
        }
      : null,
  };
}
