import { MAX_TTS_CLIP_BYTES } from "../../../shared/voice";
import type { SttSettings, TtsSettings } from "./voice-settings";

/**
 * A small fetch client for the two OpenAI-compatible audio endpoints. No SDK: multipart upload
 * and a binary answer are a few lines with fetch, and the errors it throws say plainly what
 * went wrong (unreachable, timed out, HTTP status with the upstream's message, bad answer).
 */

export type VoiceUpstreamErrorKind = "unreachable" | "timeout" | "http" | "bad_response" | "aborted";

export class VoiceUpstreamError extends Error {
  override name = "VoiceUpstreamError";
  constructor(
    readonly kind: VoiceUpstreamErrorKind,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

function headers(apiKey: string | null, extra: Record<string, string> = {}): Record<string, string> {
  return apiKey ? { authorization: `Bearer ${apiKey}`, ...extra } : extra;
}

async function call(url: string, init: RequestInit, timeoutMs: number, signal: AbortSignal | undefined, what: string): Promise<Response> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: combined });
  } catch (err) {
    if (signal?.aborted) throw new VoiceUpstreamError("aborted", `${what} was cancelled`);
    if (timeout.aborted) throw new VoiceUpstreamError("timeout", `${what} did not answer within ${Math.round(timeoutMs / 1000)} s`);
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
    throw new VoiceUpstreamError("unreachable", `${what} is unreachable (${cause})`);
  }
  if (!res.ok) {
    const body = await res.text().catch(() => "");
    let detail = body.slice(0, 200);
    try {
      const parsed = JSON.parse(body) as { error?: { message?: string } | string };
      detail = typeof parsed.error === "string" ? parsed.error : (parsed.error?.message ?? detail);
    } catch {
      /* not JSON: keep the text */
    }
    throw new VoiceUpstreamError("http", `${what} answered ${res.status}${detail ? `: ${detail}` : ""}`, res.status);
  }
  return res;
}

/** Sends a WAV utterance to `/audio/transcriptions` and returns the text. */
export async function transcribe(stt: SttSettings, wav: Uint8Array, signal?: AbortSignal): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(wav)], { type: "audio/wav" }), "utterance.wav");
  form.append("model", stt.model);
  form.append("response_format", "json");
  if (stt.language) form.append("language", stt.language);
  const res = await call(`${stt.baseURL}/audio/transcriptions`, { method: "POST", headers: headers(stt.apiKey), body: form }, stt.timeoutMs, signal, "the speech-to-text endpoint");
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new VoiceUpstreamError("bad_response", "the speech-to-text endpoint answered something that is not JSON");
  }
  const text = (body as { text?: unknown } | null)?.text;
  if (typeof text !== "string") throw new VoiceUpstreamError("bad_response", 'the speech-to-text endpoint answered JSON without a "text" string');
  return text;
}

export interface SpeechClip {
  audio: Uint8Array;
  mime: string;
}

const MIME_BY_FORMAT: Record<string, string> = { mp3: "audio/mpeg", wav: "audio/wav", opus: "audio/ogg", aac: "audio/aac", flac: "audio/flac" };

/** Asks `/audio/speech` to say `text` in `voice`; returns the encoded clip (at most MAX_TTS_CLIP_BYTES). */
export async function synthesize(tts: TtsSettings, text: string, voice: string, signal?: AbortSignal): Promise<SpeechClip> {
  const res = await call(
    `${tts.baseURL}/audio/speech`,
    {
      method: "POST",
      headers: headers(tts.apiKey, { "content-type": "application/json" }),
      body: JSON.stringify({ model: tts.model, input: text, voice, response_format: tts.format }),
    },
    tts.timeoutMs,
    signal,
    "the speech endpoint",
  );
  const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type.startsWith("application/json") || type.startsWith("text/")) {
    throw new VoiceUpstreamError("bad_response", `the speech endpoint answered ${type}, not audio`);
  }
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > MAX_TTS_CLIP_BYTES) {
    await res.body?.cancel().catch(() => {});
    throw new VoiceUpstreamError("bad_response", `the speech endpoint's clip is ${declared} bytes, over the ${MAX_TTS_CLIP_BYTES}-byte limit`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const reader = res.body?.getReader();
    for (;;) {
      if (!reader) break;
      const { done, value: chunk } = await reader.read();
      if (done) break;
      total += chunk.byteLength;
      if (total > MAX_TTS_CLIP_BYTES) {
        await reader.cancel().catch(() => {});
        throw new VoiceUpstreamError("bad_response", `the speech endpoint's clip is over the ${MAX_TTS_CLIP_BYTES}-byte limit`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof VoiceUpstreamError) throw err;
    if (signal?.aborted) throw new VoiceUpstreamError("aborted", "the speech request was cancelled");
    throw new VoiceUpstreamError("unreachable", `the speech endpoint broke off its answer (${err instanceof Error ? err.message : String(err)})`);
  }
  if (total === 0) throw new VoiceUpstreamError("bad_response", "the speech endpoint answered no audio");
  const audio = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    audio.set(c, at);
    at += c.byteLength;
  }
  return { audio, mime: type.startsWith("audio/") ? type : (MIME_BY_FORMAT[tts.format] ?? "application/octet-stream") };
}
