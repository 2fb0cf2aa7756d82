import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import { AgentServerMessage, type SpeechPayload } from "../../../shared/protocol/agent-messages";
import { VOICE_TOKEN_HEADER, VOICE_UTTERANCE_PATH, VoiceServerMessage, type VoiceAudioPayload, type VoiceSessionPayload } from "../../../shared/protocol/voice-messages";
import type { WorkspaceState } from "../../../shared/state";
import { encodeWav } from "../../../shared/voice";
import { startTestAtrium, until, type TestAtrium } from "../testing/harness";

/** With no speech endpoints configured (the default), voice says so and nothing else changes. */
let server: TestAtrium;
beforeAll(async () => {
  server = await startTestAtrium({ name: "voice-off", options: { offline: { thinkMs: 10, workMs: 10 } } });
});
afterAll(() => server?.close());

describe("voice with no endpoints configured", () => {
  it("tells the client, refuses utterances with a sentence, speaks nothing, and typed talk still works", async () => {
    const room = await server.colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace: "voice-off", name: "Ada" });
    let session: VoiceSessionPayload | null = null;
    const audio: VoiceAudioPayload[] = [];
    const speech: SpeechPayload[] = [];
    room.onMessage(VoiceServerMessage.Session, (s: VoiceSessionPayload) => (session = s));
    room.onMessage(VoiceServerMessage.Audio, (a: VoiceAudioPayload) => audio.push(a));
    room.onMessage(AgentServerMessage.Speech, (s: SpeechPayload) => speech.push(s));
    room.onMessage("*", () => {});
    await room.waitForInitialState();
    room.send("voice-hello", { listen: true });
    const s = await until("the session", () => session);
    expect(s).toMatchObject({ stt: false, tts: false });
    const res = await fetch(`${server.url}${VOICE_UTTERANCE_PATH}`, {
      method: "POST",
      headers: { [VOICE_TOKEN_HEADER]: s.token },
      body: Buffer.from(encodeWav(new Float32Array(16000), 16000)),
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ok: false, error: { code: "not_configured", message: expect.stringMatching(/no speech-to-text endpoint is configured \(ATRIUM_STT_BASE_URL\)/) } });
    room.send("talk", { agentId: "iris", text: "Hello there" });
    await until("Iris answers in text", () => speech.some((p) => p.agentId === "iris" && p.done), 10_000);
    expect(audio).toEqual([]);
    await room.leave();
  });
});
