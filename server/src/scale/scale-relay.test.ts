import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Room } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, transcriptReply, type FakeOpenAI } from "../../../e2e/fake-openai";
import type { AgentTokenInfo, CreatedAgentToken } from "../../../shared/agent-tokens";
import type { SpeechPayload } from "../../../shared/protocol/agent-messages";
import { VOICE_TOKEN_HEADER, VOICE_UTTERANCE_PATH, VoiceServerMessage, type UtteranceResult, type VoiceSessionPayload, type VoiceTranscriptPayload } from "../../../shared/protocol/voice-messages";
import type { WorkspaceState } from "../../../shared/state";
import { encodeWav } from "../../../shared/voice";
import { call, connectAgent } from "../mcp/mcp-fixtures";
import { freePort, until } from "../testing/harness";
import { startTestRedis, type TestRedis } from "./redis-testing";
import { joinVia, ownerTokenOf, startAtriumProcess, stopAtriumProcess, untilAsync, type AtriumProcess } from "./scale-testing";

// What must act on the live room, reached through the process that does NOT host it: a private
// redis-server, two real server processes on one SQLite file, the fake OpenAI-compatible server
// as the speech-to-text endpoint. A voice upload through the other process reaches the agent;
// an agent token issued through it appears in the room at once, its MCP session on the host
// goes live, and pause, resume and revoke through the other process reach it; /metrics on
// either process names itself and lists the whole deployment's rooms.

const WORKSPACE = "relay";

let redis: TestRedis | undefined;
let fake: FakeOpenAI | undefined;
let dir: string;
const procs: AtriumProcess[] = [];

interface Metrics {
  rooms: Array<{ workspace: string }>;
  process: { id: string; publicAddress: string | null };
  cluster: { rooms: Array<{ workspace: string | null; processId: string; publicAddress: string | null; clients: number }> } | null;
}
const metrics = async (p: AtriumProcess) => (await (await fetch(`${p.url}/metrics`)).json()) as Metrics;

/** A WAV of a quiet tone at 16 kHz (the fake transcribes whatever it is scripted to). */
function wav(seconds = 1.2): Uint8Array {
  return encodeWav(new Float32Array(Math.round(seconds * 16000)).map((_, i) => 0.2 * Math.sin(i / 8)), 16000);
}

async function upload(via: AtriumProcess, token: string, target?: string): Promise<{ status: number; body: UtteranceResult }> {
  const res = await fetch(`${via.url}${VOICE_UTTERANCE_PATH}${target ? `?target=${target}` : ""}`, {
    method: "POST",
    headers: { "content-type": "audio/wav", [VOICE_TOKEN_HEADER]: token },
    body: Buffer.from(wav()),
  });
  return { status: res.status, body: (await res.json()) as UtteranceResult };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-relay-"));
});

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  await redis?.stop();
  await fake?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("requests that reach the process not hosting the room (REDIS_URL)", () => {
  it("voice uploads, agent tokens and /metrics work through either process", async () => {
    redis = await startTestRedis(await freePort());
    fake = await startFakeOpenAI();
    const env = { REDIS_URL: redis.url, ATRIUM_DB: path.join(dir, "atrium.db"), ATRIUM_STT_BASE_URL: fake.url, ATRIUM_STT_API_KEY: "stt-key", ATRIUM_TTS_BASE_URL: "off" };
    const [a, b] = await Promise.all([startAtriumProcess(await freePort(), env), startAtriumProcess(await freePort(), env)]);
    procs.push(a, b);

    // Ada comes in through A; the room lands on one of them. `other` never hosts it.
    const ada = await joinVia(a, WORKSPACE, "Ada");
    const room: Room<unknown, WorkspaceState> = ada.room;
    const host = (await metrics(a)).rooms.some((r) => r.workspace === WORKSPACE) ? a : b;
    const other = host === a ? b : a;
    const [hostId, otherId] = [(await metrics(host)).process.id, (await metrics(other)).process.id];
    expect(hostId).toBe(ada.reservation.processId);
    expect(otherId).not.toBe(hostId);

    // /metrics through the other process: itself, no local rooms, and the whole deployment's rooms.
    const m = await metrics(other);
    expect(m.process).toEqual({ id: otherId, publicAddress: `127.0.0.1:${other.port}` });
    expect(m.rooms.filter((r) => r.workspace === WORKSPACE)).toEqual([]);
    expect(m.cluster?.rooms.filter((r) => r.workspace === WORKSPACE)).toEqual([{ workspace: WORKSPACE, roomId: ada.reservation.roomId, processId: hostId, publicAddress: `127.0.0.1:${host.port}`, clients: 1 }]);

    // Voice: the token comes from the host; the upload goes to the other process and reaches Cleo.
    let session: VoiceSessionPayload | null = null;
    const transcripts: VoiceTranscriptPayload[] = [];
    const speech: SpeechPayload[] = [];
    room.onMessage(VoiceServerMessage.Session, (s: VoiceSessionPayload) => (session = s));
    room.onMessage(VoiceServerMessage.Transcript, (t: VoiceTranscriptPayload) => transcripts.push(t));
    room.onMessage("speech", (s: SpeechPayload) => speech.push(s));
    room.onMessage("*", () => undefined);
    room.send("voice-hello", { listen: false });
    const voice = await until("the voice session", () => session);
    expect(voice.stt).toBe(true);
    expect(voice.token.startsWith(`${hostId}.`)).toBe(true);

    const said = "Cleo, please draft a rollout plan for the voice team.";
    fake.scriptAudio("transcriptions", transcriptReply(said));
    const spoken = await upload(other, voice.token, "cleo");
    expect(spoken).toEqual({ status: 200, body: expect.objectContaining({ ok: true, text: said, agentId: "cleo", agentName: "Cleo" }) });
    const stt = fake.requests.filter((r) => r.path.endsWith("/audio/transcriptions"));
    expect(stt).toHaveLength(1);
    expect(stt[0]?.headers.authorization).toBe("Bearer stt-key");
    await until("the transcript in the room", () => transcripts.find((t) => t.text === said && t.agentId === "cleo" && t.personName === "Ada"), 10_000);
    await until("Cleo's answer to the spoken request", () => speech.find((s) => s.agentId === "cleo" && s.done && s.delta.includes("Hi Ada")), 20_000);

    // A token the host does not know is refused by the host, whichever process received it.
    const forged = await upload(other, `${hostId}.${"x".repeat(32)}`);
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ ok: false, error: { code: "bad_token" } });
    expect(fake.requests.filter((r) => r.path.endsWith("/audio/transcriptions"))).toHaveLength(1);

    // Agent tokens: issued through the other process, the agent is in the host's room at once.
    await until("the owner link", () => other.out().includes("Owner link"), 10_000);
    const owner = ownerTokenOf(other);
    const api = async (p: string, init: { method?: string; body?: unknown } = {}) => {
      const res = await fetch(`${other.url}${p}`, {
        method: init.method ?? "GET",
        headers: { authorization: `Bearer ${owner}`, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const issued = await api("/api/agent-tokens", { method: "POST", body: { workspace: WORKSPACE, agentId: "scout", name: "Scout", title: "Field researcher" } });
    expect(issued.status).toBe(201);
    const created = issued.body as unknown as CreatedAgentToken;
    expect(created.agentToken).toMatchObject({ connected: false, state: "offline" });
    const scout = await until("Scout in the host's room", () => room.state.agents.get("scout"), 2_000);
    expect(scout.brain).toBe("external");
    expect(scout.state).toBe("offline");
    const listed = async () => ((await api(`/api/agent-tokens?workspace=${WORKSPACE}`)).body.agentTokens as AgentTokenInfo[]).find((t) => t.agentId === "scout");

    // Its MCP session on the host goes live; the owner panel, served by the other process, sees it.
    const { client } = await connectAgent(host.url, created.token);
    await until("Scout online", () => room.state.agents.get("scout")?.state === "idle", 5_000);
    expect(await listed()).toMatchObject({ connected: true, state: "idle" });
    expect((await call(client, "say", { text: "Scout here, through the host." })).isError).toBeFalsy();

    // Pause and resume through the other process act on the live room.
    const paused = await api(`/api/agent-tokens/${created.agentToken.id}/pause`, { method: "POST" });
    expect(paused).toMatchObject({ status: 200, body: { agentToken: { state: "paused", connected: true } } });
    await until("Scout paused", () => room.state.agents.get("scout")?.state === "paused", 5_000);
    expect((await api(`/api/agent-tokens/${created.agentToken.id}/resume`, { method: "POST" })).status).toBe(200);
    await until("Scout resumed", () => room.state.agents.get("scout")?.state === "idle", 5_000);
    const again = await api(`/api/agent-tokens/${created.agentToken.id}/resume`, { method: "POST" });
    expect(again).toMatchObject({ status: 409, body: { error: "Scout is not paused (it is idle)" } });

    // Revoked through the other process: the session on the host ends and the avatar leaves.
    expect((await api(`/api/agent-tokens/${created.agentToken.id}`, { method: "DELETE" })).status).toBe(200);
    await until("Scout gone from the room", () => !room.state.agents.has("scout"), 5_000);
    await untilAsync("the revoked session refused", async () => (await call(client, "say", { text: "still here?" }).then((r) => r.isError === true, () => true)), 5_000);
    expect(await listed()).toMatchObject({ connected: false, state: null });

    await room.leave();
    for (const p of [a, b]) expect(await stopAtriumProcess(p)).toEqual({ code: 0, signal: null });
    for (const p of [a, b]) expect(p.out()).not.toMatch(/unhandled|uncaught/i);
    console.log(`relay: room on :${host.port}; a voice upload and the owner's token actions through :${other.port} reached it`);
  }, 150_000);
});
