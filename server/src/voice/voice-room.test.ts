import path from "node:path";
import type { Room as ClientRoom } from "@colyseus/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { errorReply, speechReply, startFakeOpenAI, textReply, transcriptReply, type FakeOpenAI } from "../../../e2e/fake-openai";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import { AgentServerMessage, type SpeechPayload } from "../../../shared/protocol/agent-messages";
import {
  VOICE_TOKEN_HEADER,
  VOICE_UTTERANCE_PATH,
  VoiceServerMessage,
  type UtteranceResult,
  type VoiceAudioPayload,
  type VoiceSessionPayload,
  type VoiceStopPayload,
  type VoiceTranscriptPayload,
  type VoiceTtsFailedPayload,
} from "../../../shared/protocol/voice-messages";
import type { WorkspaceState } from "../../../shared/state";
import { encodeWav, MAX_UTTERANCE_BYTES, parseWav } from "../../../shared/voice";
import { startTestAtrium, until, writeTestLlmSettings, type TestAtrium } from "../testing/harness";
import { writtenAudit } from "../testing/db-count";

/**
 * The voice path against a real server and the fake OpenAI-compatible upstream for chat,
 * transcription and speech: utterance upload → transcription → the addressed agent → its reply
 * spoken near it; size limits, bad payloads, endpoints down, and barge-in.
 */

let settingsFile: { file: string; remove: () => void } | undefined;
let fake: FakeOpenAI;
let server: TestAtrium;

interface Person {
  room: ClientRoom<unknown, WorkspaceState>;
  session: VoiceSessionPayload | null;
  transcripts: VoiceTranscriptPayload[];
  audio: VoiceAudioPayload[];
  stops: VoiceStopPayload[];
  ttsFailed: VoiceTtsFailedPayload[];
  speech: SpeechPayload[];
}

async function join(workspace: string, name: string, listen = true): Promise<Person> {
  const room = await server.colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace, name });
  const p: Person = { room, session: null, transcripts: [], audio: [], stops: [], ttsFailed: [], speech: [] };
  room.onMessage(VoiceServerMessage.Session, (s: VoiceSessionPayload) => (p.session = s));
  room.onMessage(VoiceServerMessage.Transcript, (t: VoiceTranscriptPayload) => p.transcripts.push(t));
  room.onMessage(VoiceServerMessage.Audio, (a: VoiceAudioPayload) => p.audio.push(a));
  room.onMessage(VoiceServerMessage.Stop, (s: VoiceStopPayload) => p.stops.push(s));
  room.onMessage(VoiceServerMessage.TtsFailed, (f: VoiceTtsFailedPayload) => p.ttsFailed.push(f));
  room.onMessage(AgentServerMessage.Speech, (s: SpeechPayload) => p.speech.push(s));
  room.onMessage("*", () => {});
  await room.waitForInitialState();
  room.send("voice-hello", { listen });
  await until("the voice session", () => p.session);
  return p;
}

/** Puts the person next to an agent (test setup: walking there would take seconds). */
function standNear(p: Person, agentId: string): void {
  const room = [...server.atrium.rooms].find((r) => r.roomId === p.room.roomId)!;
  const agent = room.state.agents.get(agentId)!;
  const me = room.state.people.get(p.room.sessionId)!;
  me.x = agent.x + 2;
  me.z = agent.z + 2;
}

/** A WAV of `seconds` of a quiet tone at 16 kHz (the fake transcribes whatever it is scripted to). */
function utterance(seconds = 1.2): Uint8Array {
  const s = new Float32Array(Math.round(seconds * 16000)).map((_, i) => 0.2 * Math.sin(i / 8));
  return encodeWav(s, 16000);
}

async function post(p: Person | null, body: Uint8Array | string, opts: { target?: string; token?: string } = {}) {
  const q = opts.target ? `?target=${encodeURIComponent(opts.target)}` : "";
  const res = await fetch(`${server.url}${VOICE_UTTERANCE_PATH}${q}`, {
    method: "POST",
    headers: { "content-type": "audio/wav", [VOICE_TOKEN_HEADER]: opts.token ?? p?.session?.token ?? "" },
    body: typeof body === "string" ? body : Buffer.from(body),
  });
  return { status: res.status, body: (await res.json()) as UtteranceResult };
}

const transcriptions = () => fake.requests.filter((r) => r.path.endsWith("/audio/transcriptions"));
const speeches = () => fake.requests.filter((r) => r.path.endsWith("/audio/speech"));
const chats = () => fake.requests.filter((r) => r.path.endsWith("/chat/completions"));
const chatFor = (name: string) => chats().filter((r) => String(r.body?.messages[0]?.content ?? "").includes(`You are ${name},`));

beforeAll(async () => {
  settingsFile = writeTestLlmSettings({ maxRetries: 0, timeoutMs: 20000 });
  const settings = settingsFile.file;
  fake = await startFakeOpenAI();
  server = await startTestAtrium({
    name: "voice-room",
    options: {
      env: {
        OPENAI_BASE_URL: fake.url,
        OPENAI_API_KEY: "sk-chat",
        ATRIUM_MODEL: "fake-model",
        ATRIUM_LLM_CONFIG: settings,
        ATRIUM_STT_BASE_URL: fake.url,
        ATRIUM_STT_API_KEY: "sk-stt",
        ATRIUM_STT_MODEL: "whisper-large-v3",
        ATRIUM_TTS_BASE_URL: fake.url,
        ATRIUM_TTS_MODEL: "fake-tts",
        ATRIUM_TTS_FORMAT: "wav",
      },
    },
  });
});

afterAll(async () => {
  await server?.close();
  await fake?.close();
  settingsFile?.remove();
});

beforeEach(() => {
  fake.reset();
  fake.setDefault(textReply("Noted."));
  fake.setAudioDefault("transcriptions", null);
  fake.setAudioDefault("speech", speechReply({ durationS: 0.5 }));
});

describe("speaking to agents", () => {
  it("transcribes an utterance, gives it to the named agent, shows it as the speaker's bubble, and speaks the reply near the agent", async () => {
    const ws = "voice-flow";
    const ada = await join(ws, "Ada");
    const bob = await join(ws, "Bob");
    expect(ada.session).toMatchObject({ stt: true, tts: true, maxUtteranceBytes: MAX_UTTERANCE_BYTES });
    standNear(ada, "iris");
    fake.scriptAudio("transcriptions", transcriptReply("Iris, what are you researching today?"));
    fake.setDefault(textReply("I am comparing pricing models. The first results look good."));
    const wav = utterance();

    const res = await post(ada, wav, { target: "bram" }); // looking at Bram, but Iris is named
    expect(res).toEqual({ status: 200, body: { ok: true, text: "Iris, what are you researching today?", agentId: "iris", agentName: "Iris", sttMs: expect.any(Number) } });

    // The upstream got the very bytes, as a multipart file, with the STT model and key.
    const stt = transcriptions()[0]!;
    expect(stt.upload?.file?.equals(Buffer.from(wav))).toBe(true);
    expect(stt.upload?.fields.model).toBe("whisper-large-v3");
    expect(stt.headers.authorization).toBe("Bearer sk-stt");
    // Everyone sees the person's words as their bubble.
    await until("Bob sees Ada's words", () => bob.transcripts[0]);
    expect(bob.transcripts[0]).toEqual({ personId: ada.room.sessionId, personName: "Ada", agentId: "iris", text: "Iris, what are you researching today?" });
    // Iris got them as a message from Ada, and answered.
    const irisCall = await until("Iris's model call", () => chatFor("Iris")[0], 10_000);
    expect(JSON.stringify(irisCall.body?.messages)).toContain("what are you researching today?");
    // Her reply is spoken sentence by sentence in her roster voice, to Ada (near) only.
    await until("two spoken sentences", () => ada.audio.length >= 2 && ada.audio, 10_000);
    expect(ada.audio.map((a) => a.text)).toEqual(["I am comparing pricing models.", "The first results look good."]);
    expect(ada.audio.map((a) => a.seq)).toEqual([0, 1]);
    expect(ada.audio[0]).toMatchObject({ agentId: "iris", mime: "audio/wav" });
    expect(parseWav(new Uint8Array(ada.audio[0]!.audio)).durationS).toBeCloseTo(0.5, 2);
    const tts = speeches()[0]!;
    expect(tts.body).toMatchObject({ model: "fake-tts", voice: "nova", input: "I am comparing pricing models.", response_format: "wav" });
    expect(bob.audio).toEqual([]); // Bob stands at the spawn, out of earshot
    // The person's words are in the store, like typed talk.
    const stored = (await server.atrium.store.messages.recentMessages(ws)).find((m) => m.fromId === ada.room.sessionId);
    expect(stored).toMatchObject({ fromKind: "person", toId: "iris", text: "Iris, what are you researching today?" });
    await ada.room.leave();
    await bob.room.leave();
  });

  it("goes to the selected agent when nobody is named, else the nearest", async () => {
    const ws = "voice-route";
    const ada = await join(ws, "Ada");
    standNear(ada, "otto");
    fake.scriptAudio("transcriptions", transcriptReply("What should we do next?"), transcriptReply("And after that?"));
    expect((await post(ada, utterance(), { target: "mira" })).body).toMatchObject({ ok: true, agentId: "mira" });
    expect((await post(ada, utterance())).body).toMatchObject({ ok: true, agentId: "otto" });
    await ada.room.leave();
  });

  it("refuses oversized, malformed, too long and too short audio and bad tokens, with clear errors, and transcribes none of it", async () => {
    const ws = "voice-limits";
    const ada = await join(ws, "Ada");
    const big = new Uint8Array(MAX_UTTERANCE_BYTES + 1000);
    expect(await post(ada, big)).toMatchObject({ status: 413, body: { ok: false, error: { code: "too_big" } } });
    const notWav = await post(ada, "this is not audio at all, just text pretending");
    expect(notWav).toMatchObject({ status: 422, body: { error: { code: "bad_audio" } } });
    expect(notWav.body.ok === false && notWav.body.error.message).toMatch(/not a WAV file/);
    const cut = utterance(1).slice(0, 5000);
    expect((await post(ada, cut)).body).toMatchObject({ error: { code: "bad_audio", message: expect.stringMatching(/cut short/) } });
    const long = await post(ada, utterance(31));
    expect(long).toMatchObject({ status: 422, body: { error: { code: "too_long" } } });
    expect(long.body.ok === false && long.body.error.message).toMatch(/too long \(31\.0 s; at most 30 s\)/);
    expect((await post(ada, utterance(0.05))).body).toMatchObject({ error: { code: "too_short" } });
    expect(await post(null, utterance(), { token: "forged-token" })).toMatchObject({ status: 401, body: { error: { code: "bad_token" } } });
    expect(await post(ada, utterance(), { target: "NOT AN ID" })).toMatchObject({ status: 400 });
    expect(transcriptions()).toEqual([]);
    await ada.room.leave();
    // A token stops working when its person leaves.
    expect((await post(ada, utterance())).status).toBe(401);
  });

  it("says so when speech-to-text is down, hears nothing in an empty transcript, and the text path keeps working", async () => {
    const ws = "voice-stt-down";
    const ada = await join(ws, "Ada");
    fake.scriptAudio("transcriptions", errorReply(500, { message: "whisper crashed" }), transcriptReply("  ...  "));
    const down = await post(ada, utterance());
    expect(down).toMatchObject({ status: 503, body: { ok: false, error: { code: "stt_unavailable" } } });
    expect(down.body.ok === false && down.body.error.message).toMatch(/Speech-to-text is unavailable: the speech-to-text endpoint answered 500: whisper crashed/);
    expect((await post(ada, utterance())).body).toMatchObject({ error: { code: "nothing_heard" } });
    ada.room.send("talk", { agentId: "cleo", text: "Typing still works?" });
    await until("Cleo's answer to typed talk", () => ada.speech.some((s) => s.agentId === "cleo" && s.done), 10_000);
    await ada.room.leave();
  });

  it("redacts what goes to the speech service (DLP), audits it, and still shows people the words", async () => {
    const ws = "voice-tts-dlp";
    const ada = await join(ws, "Ada");
    standNear(ada, "bram");
    fake.setDefault(textReply("Write to ops.lead@example.com about it."));
    ada.room.send("talk", { agentId: "bram", text: "Who do I ask about the build?" });
    await until("the spoken sentence", () => ada.audio[0], 10_000);
    expect(speeches()[0]!.body).toMatchObject({ input: "Write to [redacted:email] about it." });
    expect(ada.audio[0]!.text).toBe("Write to ops.lead@example.com about it.");
    const audit = await until("the redaction audited", async () => (await writtenAudit(server.atrium.store, 50, ws)).find((r) => JSON.stringify(r.data).includes("tts:input")), 5_000);
    expect(JSON.stringify(audit.data)).not.toContain("ops.lead@example.com");
    await ada.room.leave();
  });

  it("shows the text and says why when the speech endpoint is down", async () => {
    const ws = "voice-tts-down";
    const ada = await join(ws, "Ada");
    standNear(ada, "bram");
    fake.setAudioDefault("speech", errorReply(503, { message: "tts overloaded" }));
    ada.room.send("talk", { agentId: "bram", text: "How is the build going?" });
    await until("the TTS failure notice", () => ada.ttsFailed[0], 10_000);
    expect(ada.ttsFailed[0]).toMatchObject({ agentId: "bram", message: expect.stringMatching(/speech endpoint answered 503: tts overloaded/) });
    await until("Bram's text reply, all of it", () => ada.speech.some((s) => s.agentId === "bram" && s.done));
    expect(ada.audio).toEqual([]);
    await ada.room.leave();
  });
});

describe("barge-in", () => {
  it("speaking over a talking agent stops its voice, aborts its generation (the upstream sees the disconnect) and keeps what it said", async () => {
    const ws = "voice-barge";
    const ada = await join(ws, "Ada");
    standNear(ada, "mira");
    const long = "Let me walk you through the design. " + "It has many parts and details to cover. ".repeat(30);
    fake.setDefault(textReply(long, { chunkSize: 8, delayMs: 60 }));
    ada.room.send("talk", { agentId: "mira", text: "Walk me through the design." });
    await until("Mira's first spoken sentence", () => ada.audio[0], 10_000);
    expect(ada.audio[0]!.text).toBe("Let me walk you through the design.");
    const said = () => ada.speech.filter((s) => s.agentId === "mira").map((s) => s.delta).join("");
    expect(ada.room.state.agents.get("mira")?.state).toBe("speaking");

    ada.room.send("voice-barge-in", { agentIds: ["mira"] });
    await until("the stop", () => ada.stops[0]);
    expect(ada.stops[0]).toEqual({ agentId: "mira", reason: "interrupted by Ada" });
    await fake.waitFor(() => fake.stats.disconnects === 1, 3000);
    expect(chatFor("Mira").at(-1)?.disconnected).toBe(true);
    await until("Mira idle, interrupted", () => {
      const m = ada.room.state.agents.get("mira");
      return m?.state === "idle" && m.reason === "interrupted by Ada";
    });
    // What she had said stays (her bubble closed, her words stored), and no more audio comes.
    await until("the bubble closed", () => ada.speech.some((s) => s.agentId === "mira" && s.done));
    const spoken = said();
    expect(spoken.startsWith("Let me walk you through the design.")).toBe(true);
    expect(spoken.length).toBeLessThan(long.length);
    const audioCount = ada.audio.length;
    await new Promise((r) => setTimeout(r, 400));
    expect(ada.audio.length).toBe(audioCount);
    const audit = (await writtenAudit(server.atrium.store, 50, ws)).filter((r) => r.kind === "barge-in");
    expect(audit[0]?.data).toMatchObject({ agent: "mira", was: "speaking", name: "Ada" });

    // Barge-in on an agent that is no longer talking changes nothing.
    ada.room.send("voice-barge-in", { agentIds: ["mira"] });
    await new Promise((r) => setTimeout(r, 200));
    expect(ada.stops.length).toBe(1);
    await ada.room.leave();
  });
});
