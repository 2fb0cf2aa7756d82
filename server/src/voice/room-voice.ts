import type { Client } from "@colyseus/core";
import type { Roster } from "../../../shared/agents";
import type { SpeechPayload } from "../../../shared/protocol/agent-messages";
import {
  VoiceServerMessage,
  type UtteranceResult,
  type VoiceAudioPayload,
  type VoiceErrorCode,
  type VoiceSessionPayload,
  type VoiceTranscriptPayload,
} from "../../../shared/protocol/voice-messages";
import type { VoiceBargeInPayload } from "../../../shared/protocol/voice-schemas";
import { HEARING_RADIUS_M, MAX_UTTERANCE_BYTES, MAX_UTTERANCE_S, MIN_UTTERANCE_MS, WavError, parseWav } from "../../../shared/voice";
import { MAX_TALK_LENGTH } from "../../../shared/constants";
import type { WorkspaceState } from "../../../shared/state";
import { redactForUpstream } from "../llm/dlp";
import type { Logger } from "../logger";
import { AgentVoices } from "./agent-voices";
import { chooseAddressee } from "./addressee";
import { synthesize, transcribe, VoiceUpstreamError } from "./speech-client";
import type { VoiceHub } from "./voice-hub";

/** A person may barge in on an agent this much further than they can hear it (m): positions lag a little. */
const BARGE_IN_SLACK_M = 5;

export interface RoomVoiceDeps {
  hub: VoiceHub;
  workspace: string;
  roster: Roster;
  state: WorkspaceState;
  log: Logger;
  clients: () => Iterable<Client>;
  broadcast: (type: string, payload: unknown) => void;
  /** Says `text` to `agentId` as the person, the same path as a typed `talk`. Null when delivered, else why not. */
  talk: (sessionId: string, agentId: string, text: string) => string | null;
  /** Aborts the agent's generation (the runtime's free), keeping what it said. */
  interrupt: (agentId: string, reason: string) => void;
  /** Audit trail. */
  audit: (actor: string, kind: string, data: Record<string, unknown>) => void;
}

export interface UtteranceOutcome {
  status: number;
  body: UtteranceResult;
}

function fail(status: number, code: VoiceErrorCode, message: string): UtteranceOutcome {
  return { status, body: { ok: false, error: { code, message } } };
}

/**
 * The voice of one workspace room: voice tokens for its people, spoken utterances (transcribed,
 * routed to the addressed agent, shown as the person's bubble), agents' replies spoken near them,
 * and barge-in.
 */
export class RoomVoice {
  readonly agents: AgentVoices | null;
  private readonly tokens = new Map<string, string>();
  private readonly listeners = new Set<string>();
  private readonly transcribing = new Set<string>();

  constructor(private readonly deps: RoomVoiceDeps) {
    const tts = deps.hub.settings.tts;
    const voiceById = new Map(deps.roster.agents.map((a) => [a.id, a.voice ?? tts?.voice ?? ""]));
    this.agents = tts
      ? new AgentVoices({
          voiceOf: (id) => voiceById.get(id) ?? tts.voice,
          // What leaves for the speech service is redacted like everything sent upstream (DLP, audited).
          synthesize: (text, voice, signal, agentId) =>
            synthesize(tts, redactForUpstream(text, "tts:input", { workspace: deps.workspace, actor: agentId }), voice, signal),
          anyListenerNear: (id) => this.listenersNear(id).length > 0,
          deliver: (payload) => this.deliver(payload),
          failed: (agentId, utteranceId, message) => {
            for (const c of this.listenersNear(agentId)) c.send(VoiceServerMessage.TtsFailed, { agentId, utteranceId, message });
          },
          log: deps.log,
        })
      : null;
  }

  hello(client: Client, listen: boolean): void {
    const old = this.tokens.get(client.sessionId);
    if (old) this.deps.hub.revoke(old);
    const token = this.deps.hub.issue({ room: this, sessionId: client.sessionId });
    this.tokens.set(client.sessionId, token);
    this.prefs(client, listen);
    const { stt, tts } = this.deps.hub.settings;
    const payload: VoiceSessionPayload = {
      token,
      stt: stt !== null,
      tts: tts !== null,
      maxUtteranceS: MAX_UTTERANCE_S,
      maxUtteranceBytes: MAX_UTTERANCE_BYTES,
      hearingRadiusM: HEARING_RADIUS_M,
    };
    client.send(VoiceServerMessage.Session, payload);
  }

  prefs(client: Client, listen: boolean): void {
    if (listen) this.listeners.add(client.sessionId);
    else this.listeners.delete(client.sessionId);
  }

  /** The person left for good: their token stops working. */
  leave(sessionId: string): void {
    const token = this.tokens.get(sessionId);
    if (token) this.deps.hub.revoke(token);
    this.tokens.delete(sessionId);
    this.listeners.delete(sessionId);
  }

  /** Every `speech` message of the room's agents comes through here. */
  onSpeech(payload: SpeechPayload): void {
    this.agents?.onSpeech(payload);
  }

  /** The person started speaking to these agents: stop their voices and abort their generation. */
  bargeIn(client: Client, { agentIds }: VoiceBargeInPayload): string[] {
    const person = this.deps.state.people.get(client.sessionId);
    if (!person) return [];
    const stopped: string[] = [];
    for (const agentId of new Set(agentIds)) {
      const agent = this.deps.state.agents.get(agentId);
      if (!agent) continue;
      if (Math.hypot(agent.x - person.x, agent.z - person.z) > HEARING_RADIUS_M + BARGE_IN_SLACK_M) continue;
      const was = agent.state;
      const talking = was === "speaking" || was === "thinking";
      const voiced = this.agents?.cancel(agentId) ?? false;
      if (!talking && !voiced) continue;
      const reason = `interrupted by ${person.name}`;
      this.deps.broadcast(VoiceServerMessage.Stop, { agentId, reason });
      if (talking) this.deps.interrupt(agentId, reason);
      this.deps.audit(client.sessionId, "barge-in", { agent: agentId, was, name: person.name });
      stopped.push(agentId);
    }
    return stopped;
  }

  /**
   * One spoken utterance from the person with this seat: validated, transcribed, routed to the
   * addressed agent and shown as the person's speech bubble. Never throws.
   */
  async utterance(sessionId: string, wav: Uint8Array, target: string | null): Promise<UtteranceOutcome> {
    const stt = this.deps.hub.settings.stt;
    if (!stt) return fail(503, "not_configured", "Voice input is off on this server: no speech-to-text endpoint is configured (ATRIUM_STT_BASE_URL). Type instead: press T.");
    const person = this.deps.state.people.get(sessionId);
    if (!person) return fail(401, "bad_token", "This voice session has ended; rejoin the workspace.");
    if (wav.byteLength > MAX_UTTERANCE_BYTES) return fail(413, "too_big", `That utterance is too big (${wav.byteLength} bytes; at most ${MAX_UTTERANCE_BYTES}).`);
    let durationS: number;
    try {
      durationS = parseWav(wav).durationS;
    } catch (err) {
      return fail(422, "bad_audio", `That utterance could not be read: ${err instanceof WavError ? err.message : String(err)}.`);
    }
    if (durationS > MAX_UTTERANCE_S) return fail(422, "too_long", `That utterance is too long (${durationS.toFixed(1)} s; at most ${MAX_UTTERANCE_S} s). Say it in shorter pieces.`);
    if (durationS * 1000 < MIN_UTTERANCE_MS) return fail(422, "too_short", `That utterance is too short (${Math.round(durationS * 1000)} ms) to understand.`);
    if (this.transcribing.has(sessionId)) return fail(429, "busy", "Your previous utterance is still being transcribed; wait a moment.");
    this.transcribing.add(sessionId);
    const started = performance.now();
    let text: string;
    try {
      text = await transcribe(stt, wav);
    } catch (err) {
      const why = err instanceof VoiceUpstreamError ? err.message : String(err);
      this.deps.log.warn({ workspace: this.deps.workspace, person: sessionId, err: why }, "transcription failed");
      return fail(503, "stt_unavailable", `Speech-to-text is unavailable: ${why}. Type instead: press T.`);
    } finally {
      this.transcribing.delete(sessionId);
    }
    const sttMs = Math.round(performance.now() - started);
    text = text.replace(/\s+/g, " ").trim().slice(0, MAX_TALK_LENGTH);
    if (!/[\p{L}\p{N}]/u.test(text)) return fail(422, "nothing_heard", "Nothing was understood in that utterance.");
    const speaker = this.deps.state.people.get(sessionId);
    if (!speaker) return fail(401, "bad_token", "This voice session has ended; rejoin the workspace.");
    const candidates = [...this.deps.state.agents.values()].map((a) => ({ id: a.id, name: a.name, x: a.x, z: a.z }));
    const to = chooseAddressee(text, target, speaker, candidates);
    if (!to) return fail(422, "no_agent", "There is no agent here to talk to.");
    const refused = this.deps.talk(sessionId, to.agentId, text);
    if (refused) return fail(422, "no_agent", refused);
    const agentName = this.deps.state.agents.get(to.agentId)?.name ?? to.agentId;
    const shown: VoiceTranscriptPayload = { personId: sessionId, personName: speaker.name, agentId: to.agentId, text };
    this.deps.broadcast(VoiceServerMessage.Transcript, shown);
    this.deps.log.debug({ workspace: this.deps.workspace, person: sessionId, agent: to.agentId, why: to.why, sttMs }, "utterance transcribed");
    return { status: 200, body: { ok: true, text, agentId: to.agentId, agentName, sttMs } };
  }

  dispose(): void {
    this.agents?.dispose();
    for (const token of this.tokens.values()) this.deps.hub.revoke(token);
    this.tokens.clear();
  }

  /** Connected clients that listen to agent voices and stand within hearing distance of the agent. */
  private listenersNear(agentId: string): Client[] {
    const agent = this.deps.state.agents.get(agentId);
    if (!agent || this.listeners.size === 0) return [];
    const out: Client[] = [];
    for (const c of this.deps.clients()) {
      if (!this.listeners.has(c.sessionId)) continue;
      const p = this.deps.state.people.get(c.sessionId);
      if (p && p.connected && Math.hypot(p.x - agent.x, p.z - agent.z) <= HEARING_RADIUS_M) out.push(c);
    }
    return out;
  }

  private deliver(payload: VoiceAudioPayload): void {
    for (const c of this.listenersNear(payload.agentId)) c.send(VoiceServerMessage.Audio, payload);
  }
}
