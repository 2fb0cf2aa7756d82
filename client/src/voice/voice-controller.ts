import type { Room } from "@colyseus/sdk";
import { AgentServerMessage, type SpeechPayload } from "../../../shared/protocol/agent-messages";
import {
  VOICE_TOKEN_HEADER,
  VOICE_UTTERANCE_PATH,
  VoiceClientMessage,
  VoiceServerMessage,
  type UtteranceResult,
  type VoiceAudioPayload,
  type VoiceSessionPayload,
  type VoiceStopPayload,
  type VoiceTranscriptPayload,
  type VoiceTtsFailedPayload,
} from "../../../shared/protocol/voice-messages";
import { encodeWav, HEARING_RADIUS_M, MAX_UTTERANCE_S, VOICE_SAMPLE_RATE } from "../../../shared/voice";
import { localPlayer, renderedAgentPoses } from "../engine/people";
import { connection } from "../engine/session";
import { appStore } from "../engine/store";
import { agentAudio } from "./agent-audio";
import { browserSpeaking, browserSpeechAvailable, speakInBrowser, stopBrowserSpeech } from "./browser-speech";
import { MicrophoneError, openMicrophone, type Microphone } from "./microphone";
import { startVad, type VadWorker } from "./vad-client";
import type { ExecutionProvider, FromVadWorker } from "./vad-protocol";
import { voiceStore, type TalkMode } from "./voice-store";
import { connectXRVoice } from "./xr-voice";

/** An agent counts as looked at within this angle of where the person faces (rad) … */
const LOOK_CONE_RAD = 0.3;
/** … and this distance (m). */
const LOOK_RANGE_M = 15;

/** Timings of the last utterance, for the tests and the bench. */
export interface VoiceTimings {
  /** performance.now() when the VAD (or push-to-talk) ended the utterance. */
  endOfSpeechAt: number;
  /** When the upload was answered. */
  transcribedAt: number;
  agentId: string;
}

/**
 * Voice in the browser: the microphone and VAD, push-to-talk and hands-free, utterance upload,
 * the person's bubble, agents' voices (server speech, browser speech or text), and barge-in.
 * Loaded lazily with the voice panel; nothing here is in the initial bundle.
 */
class VoiceController {
  private mic: Microphone | null = null;
  private vad: VadWorker | null = null;
  private room: Room | null = null;
  private spokenUtterances = new Set<string>();
  /** What the VAD worker reported, in order (tests read it). */
  readonly vadEvents: { type: string; atMs?: number; startMs?: number; endMs?: number; at: number }[] = [];
  readonly utterances: { text: string; agentId: string; at: number }[] = [];
  /** Every utterance that went through, with its timings (the bench reads them). */
  readonly timings: VoiceTimings[] = [];
  private started = false;

  /** Registers the voice messages on every room; called once when the voice panel loads. */
  start(): void {
    if (this.started) return;
    this.started = true;
    connection.onRoom((room) => this.attachRoom(room));
    this.updateOutput();
    connectXRVoice(this); // push-to-talk, mute and the listening indicator in a headset
  }

  private attachRoom(room: Room): void {
    this.room = room;
    room.onMessage(VoiceServerMessage.Session, (s: VoiceSessionPayload) => {
      voiceStore.setState({ session: s });
      this.updateOutput();
    });
    room.onMessage(VoiceServerMessage.Transcript, (t: VoiceTranscriptPayload) => {
      voiceStore.setState((s) => ({ bubbles: { ...s.bubbles, [t.personId]: { text: t.text, agentId: t.agentId, at: performance.now() } } }));
    });
    room.onMessage(VoiceServerMessage.Audio, (a: VoiceAudioPayload) => {
      if (voiceStore.getState().output === "server") agentAudio.enqueue(a);
    });
    room.onMessage(VoiceServerMessage.Stop, (s: VoiceStopPayload) => agentAudio.stop(s.agentId));
    room.onMessage(VoiceServerMessage.TtsFailed, (f: VoiceTtsFailedPayload) => {
      voiceStore.setState({ outputNote: `the speech endpoint failed (${f.message}); showing text` });
    });
    room.onMessage(AgentServerMessage.Speech, (s: SpeechPayload) => this.onAgentSpeech(s));
    room.send(VoiceClientMessage.Hello, { listen: this.wantsServerAudio() });
  }

  private wantsServerAudio(): boolean {
    const s = voiceStore.getState();
    return s.listen && (s.session?.tts ?? true);
  }

  /** Decides (and says in the UI) how agents' replies are voiced. */
  private updateOutput(): void {
    const s = voiceStore.getState();
    const output = !s.listen ? "text" : s.session?.tts ? "server" : browserSpeechAvailable() ? "browser" : "text";
    const outputNote = !s.listen
      ? "agent voices are off"
      : output === "server"
        ? "spoken by the server's speech endpoint, from where each agent stands"
        : output === "browser"
          ? "no speech endpoint on the server: your browser's voice reads replies"
          : "no speech endpoint and no browser voice: replies are text only";
    voiceStore.setState({ output, outputNote });
  }

  setListen(listen: boolean): void {
    voiceStore.setState({ listen });
    this.updateOutput();
    connection.send(VoiceClientMessage.Prefs, { listen: this.wantsServerAudio() });
    if (!listen) {
      for (const id of agentAudio.audible()) agentAudio.stop(id);
      stopBrowserSpeech();
    }
  }

  /** The browser-speech fallback speaks an agent's finished reply when it stands near. */
  private onAgentSpeech(s: SpeechPayload): void {
    if (!s.done || voiceStore.getState().output !== "browser" || this.spokenUtterances.has(s.utteranceId)) return;
    this.spokenUtterances.add(s.utteranceId);
    const pose = renderedAgentPoses.get(s.agentId);
    const me = localPlayer.pose;
    if (!pose || Math.hypot(pose.x - me.x, pose.z - me.z) > HEARING_RADIUS_M) return;
    const text = appStore.getState().speech[s.agentId]?.text ?? "";
    if (text.trim()) speakInBrowser(s.agentId, text);
  }

  // ---- microphone ----

  async enable(prefer?: ExecutionProvider): Promise<void> {
    const st = voiceStore.getState();
    if (st.mic === "on" || st.mic === "asking" || st.mic === "starting") return;
    voiceStore.setState({ mic: "asking", message: { kind: "info", text: "Asking for the microphone… (your browser shows a prompt)" } });
    try {
      this.mic = await openMicrophone();
      voiceStore.setState({ mic: "starting", message: { kind: "info", text: "Starting voice detection on this device…" } });
      this.vad = await startVad(prefer);
      this.vad.worker.onmessage = (e: MessageEvent<FromVadWorker>) => this.onVad(e.data);
      this.vad.send({ type: "frames", port: this.mic.frames }, [this.mic.frames]);
      this.vad.send({ type: "handsfree", on: voiceStore.getState().mode === "handsfree" });
      const ready = voiceStore.getState().session?.stt === false ? "This server has no speech-to-text endpoint: what you say cannot be transcribed. Type instead: press T." : null;
      voiceStore.setState({
        mic: "on",
        vad: { ep: this.vad.ep, msPerFrame: this.vad.msPerFrame, providers: this.vad.providers },
        message: ready ? { kind: "error", text: ready } : { kind: "info", text: voiceStore.getState().mode === "ptt" ? "Hold V to talk." : "Listening: just talk." },
      });
    } catch (err) {
      this.disable();
      const denied = err instanceof MicrophoneError && err.denied;
      voiceStore.setState({ mic: denied ? "denied" : "error", message: { kind: "error", text: err instanceof Error ? err.message : String(err) } });
    }
  }

  disable(): void {
    this.mic?.close();
    this.mic = null;
    this.vad?.worker.terminate();
    this.vad = null;
    voiceStore.setState((s) => ({ mic: s.mic === "denied" || s.mic === "error" ? s.mic : "off", pttHeld: false, userSpeaking: false }));
  }

  /** Re-measures and switches the VAD's execution provider. */
  async useProvider(ep: ExecutionProvider): Promise<void> {
    this.disable();
    await this.enable(ep);
  }

  setMode(mode: TalkMode): void {
    voiceStore.setState({ mode, message: { kind: "info", text: mode === "ptt" ? "Hold V to talk." : "Listening: just talk." } });
    this.vad?.send({ type: "handsfree", on: mode === "handsfree" });
  }

  pttDown(): void {
    const s = voiceStore.getState();
    if (s.mic !== "on") {
      void this.enable();
      return;
    }
    if (s.pttHeld) return;
    voiceStore.setState({ pttHeld: true, message: { kind: "info", text: "Listening… release V to send." } });
    this.bargeIn(); // pressing to talk is itself the intent to speak over an agent
    this.vad?.send({ type: "ptt", down: true });
  }

  pttUp(): void {
    if (!voiceStore.getState().pttHeld) return;
    voiceStore.setState({ pttHeld: false });
    this.vad?.send({ type: "ptt", down: false });
  }

  private onVad(m: FromVadWorker): void {
    const at = performance.now();
    switch (m.type) {
      case "speech-start":
        this.vadEvents.push({ type: m.type, atMs: m.atMs, at });
        voiceStore.setState({ userSpeaking: true });
        if (voiceStore.getState().mode === "handsfree") this.bargeIn();
        return;
      case "misfire":
        this.vadEvents.push({ type: m.type, at });
        voiceStore.setState({ userSpeaking: false });
        if (m.via === "ptt") voiceStore.setState({ message: { kind: "info", text: "Nothing was heard. Hold V while you speak." } });
        return;
      case "utterance":
        this.vadEvents.push({ type: m.type, startMs: m.startMs, endMs: m.endMs, at });
        voiceStore.setState({ userSpeaking: false });
        if (m.tooLong) {
          voiceStore.setState({ message: { kind: "error", text: `That was too long (over ${MAX_UTTERANCE_S} s) and was not sent. Say it in shorter pieces.` } });
          return;
        }
        void this.upload(m.audio, at);
        return;
      case "stats":
        voiceStore.setState((s) => (s.vad ? { vad: { ...s.vad, msPerFrame: m.msPerFrame } } : {}));
        return;
      case "error":
        voiceStore.setState({ message: { kind: "error", text: `Voice detection failed: ${m.message}` } });
        return;
      default:
        return;
    }
  }

  /** The agent the person selected, else the one in front of them. */
  target(): string | null {
    const selected = appStore.getState().talkTo;
    if (selected) return selected;
    const me = localPlayer.pose;
    const fx = -Math.sin(me.yaw);
    const fz = -Math.cos(me.yaw);
    let best: string | null = null;
    let bestAngle = LOOK_CONE_RAD;
    for (const [id, p] of renderedAgentPoses) {
      const dx = p.x - me.x;
      const dz = p.z - me.z;
      const d = Math.hypot(dx, dz);
      if (d > LOOK_RANGE_M || d < 1e-3) continue;
      const angle = Math.acos(Math.max(-1, Math.min(1, (dx * fx + dz * fz) / d)));
      if (angle < bestAngle) {
        bestAngle = angle;
        best = id;
      }
    }
    return best;
  }

  /**
   * The person started speaking: every agent they hear talking, and the one they address if it
   * is talking, stops now (locally at once; the server aborts its generation).
   */
  bargeIn(): string[] {
    const ids = new Set(agentAudio.audible());
    const browser = browserSpeaking();
    if (browser) ids.add(browser);
    const target = this.target();
    const state = target ? appStore.getState().agents[target]?.state : undefined;
    if (target && (state === "speaking" || state === "thinking")) ids.add(target);
    if (ids.size === 0) return [];
    for (const id of ids) agentAudio.stop(id);
    if (browser) stopBrowserSpeech();
    const list = [...ids].slice(0, 16);
    connection.send(VoiceClientMessage.BargeIn, { agentIds: list });
    return list;
  }

  /** Sends one utterance (16 kHz samples) to the server and shows what came of it. */
  async upload(samples: Float32Array, endOfSpeechAt = performance.now()): Promise<UtteranceResult> {
    const session = voiceStore.getState().session;
    if (!session) {
      const r: UtteranceResult = { ok: false, error: { code: "bad_token", message: "Voice is not connected to the workspace yet." } };
      voiceStore.setState({ message: { kind: "error", text: r.error.message } });
      return r;
    }
    voiceStore.setState({ sending: true, message: { kind: "info", text: "Transcribing…" } });
    const target = this.target();
    const params = new URLSearchParams();
    if (target) params.set("target", target);
    const joinToken = new URLSearchParams(window.location.search).get("token");
    if (joinToken) params.set("token", joinToken);
    const query = params.toString();
    let result: UtteranceResult;
    try {
      const res = await fetch(`${VOICE_UTTERANCE_PATH}${query ? `?${query}` : ""}`, {
        method: "POST",
        headers: { "content-type": "audio/wav", [VOICE_TOKEN_HEADER]: session.token },
        body: new Uint8Array(encodeWav(samples, VOICE_SAMPLE_RATE)),
      });
      result = (await res.json().catch(() => ({ ok: false, error: { code: "stt_unavailable", message: `The server answered ${res.status}.` } }))) as UtteranceResult;
    } catch (err) {
      result = { ok: false, error: { code: "stt_unavailable", message: `The server could not be reached (${err instanceof Error ? err.message : String(err)}).` } };
    }
    if (result.ok) {
      const name = result.agentName;
      this.utterances.push({ text: result.text, agentId: result.agentId, at: performance.now() });
      this.timings.push({ endOfSpeechAt, transcribedAt: performance.now(), agentId: result.agentId });
      voiceStore.setState({ sending: false, message: { kind: "info", text: `You → ${name}: “${result.text}”` } });
    } else {
      voiceStore.setState({ sending: false, message: { kind: "error", text: result.error.message } });
    }
    return result;
  }

  /** For the e2e tests and the bench: runs samples through the VAD worker's model and segmenter. */
  analyse(samples: Float32Array): Promise<Extract<FromVadWorker, { type: "analysis" }>> {
    const vad = this.vad;
    if (!vad) return Promise.reject(new Error("voice is off"));
    return new Promise((resolve) => {
      const previous = vad.worker.onmessage;
      vad.worker.onmessage = (e: MessageEvent<FromVadWorker>) => {
        if (e.data.type === "analysis") {
          vad.worker.onmessage = previous;
          resolve(e.data);
        } else previous?.call(vad.worker, e);
      };
      vad.send({ type: "analyse", samples }, [samples.buffer]);
    });
  }
}

export const voice = new VoiceController();

/** `window.__atriumVoice`: what the voice is doing, for the browser tests and the bench. */
export function exposeVoiceDebug(): void {
  Object.defineProperty(window, "__atriumVoice", {
    configurable: true,
    value: {
      store: voiceStore,
      controller: voice,
      audio: agentAudio,
    },
  });
}
