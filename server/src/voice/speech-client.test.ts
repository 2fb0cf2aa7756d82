import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_TTS_CLIP_BYTES } from "../../../shared/voice";
import { freePort } from "../testing/harness";
import { synthesize, transcribe, VoiceUpstreamError } from "./speech-client";
import { readVoiceSettings, VoiceConfigError } from "./voice-settings";

/** A tiny upstream that answers whatever the test sets, to check what the client makes of it. */
let answer: (res: http.ServerResponse) => void = (res) => res.end();
let upstream: http.Server;
let url: string;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => answer(res));
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => upstream.close(() => r())));

const stt = () => ({ baseURL: url, apiKey: null, model: "m", language: null, timeoutMs: 2000 });
const tts = () => ({ baseURL: url, apiKey: null, model: "m", voice: "v", format: "mp3" as const, timeoutMs: 2000 });
const wav = new Uint8Array(100);

async function failure(p: Promise<unknown>): Promise<VoiceUpstreamError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(VoiceUpstreamError);
  return err as VoiceUpstreamError;
}

describe("the audio endpoints' client", () => {
  it("says plainly when the endpoint is unreachable, slow, failing or answers nonsense", async () => {
    const closed = `http://127.0.0.1:${await freePort()}/v1`;
    expect((await failure(transcribe({ ...stt(), baseURL: closed }, wav))).message).toMatch(/speech-to-text endpoint is unreachable \(.*ECONNREFUSED/);
    answer = () => {}; // never answers
    expect((await failure(transcribe({ ...stt(), timeoutMs: 200 }, wav))).kind).toBe("timeout");
    answer = (res) => res.writeHead(502, { "content-type": "application/json" }).end('{"error":{"message":"bad gateway"}}');
    expect((await failure(transcribe(stt(), wav))).message).toBe("the speech-to-text endpoint answered 502: bad gateway");
    answer = (res) => res.writeHead(200, { "content-type": "application/json" }).end('{"transcript":"hi"}');
    expect((await failure(transcribe(stt(), wav))).message).toMatch(/without a "text" string/);
    answer = (res) => res.writeHead(200, { "content-type": "application/json" }).end('{"error":"no"}');
    expect((await failure(synthesize(tts(), "hello", "v"))).message).toMatch(/answered application\/json, not audio/);
    answer = (res) => res.writeHead(200, { "content-type": "audio/mpeg" }).end(Buffer.alloc(MAX_TTS_CLIP_BYTES + 10));
    expect((await failure(synthesize(tts(), "hello", "v"))).message).toMatch(/over the 2000000-byte limit/);
    answer = (res) => res.writeHead(200, { "content-type": "audio/mpeg" }).end(Buffer.from([1, 2, 3]));
    expect(await synthesize(tts(), "hello", "v")).toEqual({ audio: new Uint8Array([1, 2, 3]), mime: "audio/mpeg" });
    const aborted = new AbortController();
    answer = () => {};
    const pending = synthesize(tts(), "hello", "v", aborted.signal);
    aborted.abort();
    expect((await failure(pending)).kind).toBe("aborted");
  });
});

describe("voice settings", () => {
  it("turns each endpoint on by its own base URL, or by OpenAI itself, never by a chat-only upstream", () => {
    expect(readVoiceSettings({})).toEqual({ stt: null, tts: null });
    expect(readVoiceSettings({ OPENAI_BASE_URL: "http://localhost:11434/v1", OPENAI_API_KEY: "x" })).toEqual({ stt: null, tts: null });
    const openai = readVoiceSettings({ OPENAI_API_KEY: "sk-1" });
    expect(openai.stt).toMatchObject({ baseURL: "https://api.openai.com/v1", apiKey: "sk-1", model: "whisper-1" });
    expect(openai.tts).toMatchObject({ model: "tts-1", voice: "alloy", format: "mp3" });
    const local = readVoiceSettings({ ATRIUM_STT_BASE_URL: "http://localhost:8000/v1/", ATRIUM_STT_MODEL: "Systran/faster-whisper-small", ATRIUM_TTS_BASE_URL: "off", OPENAI_API_KEY: "sk-1" });
    expect(local.stt).toMatchObject({ baseURL: "http://localhost:8000/v1", apiKey: null, model: "Systran/faster-whisper-small" });
    expect(local.tts).toBeNull();
    expect(() => readVoiceSettings({ ATRIUM_STT_BASE_URL: "not a url" })).toThrow(VoiceConfigError);
    expect(() => readVoiceSettings({ ATRIUM_TTS_BASE_URL: "http://x/v1", ATRIUM_TTS_FORMAT: "midi" })).toThrow(/ATRIUM_TTS_FORMAT must be one of/);
  });
});
