import { AudioListener, PositionalAudio, type Camera, type Scene } from "three";
import type { VoiceAudioPayload } from "../../../shared/protocol/voice-messages";

/** How far a voice carries before it fades (three's PositionalAudio refDistance / maxDistance, m). */
const REF_DISTANCE_M = 3;
const MAX_DISTANCE_M = 30;
/** Height of the voice over the agent's feet (m). */
export const VOICE_Y = 1.6;

interface Track {
  audio: PositionalAudio;
  utteranceId: string;
  /** Decoded clips waiting their turn, by seq. */
  ready: Map<number, AudioBuffer>;
  nextSeq: number;
  playing: boolean;
  /** Utterances stopped by barge-in: their late clips are dropped. */
  stopped: Set<string>;
}

export interface PlayedClip {
  agentId: string;
  utteranceId: string;
  seq: number;
  durationS: number;
  startedAt: number;
}

/**
 * Agents' voices in space: each agent's clips play in order on a three PositionalAudio that
 * follows its avatar, heard through an AudioListener on the camera, so in a headset you hear
 * where the agent stands. `stop` silences an agent at once (barge-in).
 */
class AgentAudio {
  private listener: AudioListener | null = null;
  private scene: Scene | null = null;
  private analyser: AnalyserNode | null = null;
  private readonly tracks = new Map<string, Track>();
  private readonly pending: VoiceAudioPayload[] = [];
  /** Every clip that started, for the tests and the bench. */
  readonly played: PlayedClip[] = [];

  /** Called by AgentVoices when the scene mounts. */
  attach(camera: Camera, scene: Scene): void {
    this.listener = new AudioListener();
    camera.add(this.listener);
    this.scene = scene;
    const ctx = this.listener.context;
    this.analyser = ctx.createAnalyser();
    this.analyser.fftSize = 1024;
    this.listener.getInput().connect(this.analyser);
    // Browsers start audio only after a gesture: resume on the first one.
    const resume = () => void ctx.resume();
    window.addEventListener("pointerdown", resume, { once: true });
    window.addEventListener("keydown", resume, { once: true });
    for (const p of this.pending.splice(0)) this.enqueue(p);
  }

  detach(): void {
    for (const id of [...this.tracks.keys()]) this.stop(id);
    for (const t of this.tracks.values()) this.scene?.remove(t.audio);
    this.tracks.clear();
    this.listener?.parent?.remove(this.listener);
    this.listener = null;
    this.scene = null;
  }

  get context(): AudioContext | null {
    return this.listener?.context ?? null;
  }

  /** Agents whose voice is playing or queued here now. */
  audible(): string[] {
    return [...this.tracks.entries()].filter(([, t]) => t.playing || t.ready.size > 0).map(([id]) => id);
  }

  /** The positional sources, for the frame loop to move with the avatars. */
  sources(): IterableIterator<[string, Track]> {
    return this.tracks.entries();
  }

  /** Peak output level over the last few ms (0–1): proof that sound is actually coming out. */
  outputPeak(): number {
    if (!this.analyser) return 0;
    const data = new Float32Array(this.analyser.fftSize);
    this.analyser.getFloatTimeDomainData(data);
    let peak = 0;
    for (const v of data) peak = Math.max(peak, Math.abs(v));
    return peak;
  }

  enqueue(p: VoiceAudioPayload): void {
    if (!this.listener || !this.scene) {
      this.pending.push(p);
      return;
    }
    const track = this.trackFor(p.agentId);
    if (track.stopped.has(p.utteranceId)) return;
    if (track.utteranceId !== p.utteranceId) {
      // A new utterance replaces whatever was left of the old one.
      if (track.audio.isPlaying) track.audio.stop();
      track.playing = false;
      track.ready.clear();
      track.utteranceId = p.utteranceId;
      track.nextSeq = 0;
    }
    const bytes = new Uint8Array(p.audio).slice().buffer; // decodeAudioData detaches its input
    this.listener.context.decodeAudioData(bytes).then(
      (buffer) => {
        if (track.utteranceId !== p.utteranceId || track.stopped.has(p.utteranceId)) return;
        track.ready.set(p.seq, buffer);
        this.playNext(p.agentId, track);
      },
      () => {
        // An undecodable clip is skipped, so the sentences after it still play.
        if (track.utteranceId === p.utteranceId && track.nextSeq === p.seq) {
          track.nextSeq++;
          this.playNext(p.agentId, track);
        }
      },
    );
  }

  /** Silences the agent now and drops the rest of its utterance. */
  stop(agentId: string): void {
    const track = this.tracks.get(agentId);
    if (!track) return;
    if (track.utteranceId) track.stopped.add(track.utteranceId);
    track.ready.clear();
    track.playing = false;
    if (track.audio.isPlaying) track.audio.stop();
  }

  private trackFor(agentId: string): Track {
    let t = this.tracks.get(agentId);
    if (!t) {
      const audio = new PositionalAudio(this.listener!);
      audio.setRefDistance(REF_DISTANCE_M);
      audio.setMaxDistance(MAX_DISTANCE_M);
      audio.setDistanceModel("linear");
      audio.name = `voice-${agentId}`;
      this.scene!.add(audio);
      t = { audio, utteranceId: "", ready: new Map(), nextSeq: 0, playing: false, stopped: new Set() };
      this.tracks.set(agentId, t);
      const track = t;
      // three calls onEnded when a clip finishes (and on stop()): then the next one plays.
      audio.onEnded = () => {
        PositionalAudio.prototype.onEnded.call(audio);
        track.playing = false;
        this.playNext(agentId, track);
      };
    }
    return t;
  }

  private playNext(agentId: string, track: Track): void {
    if (track.playing) return;
    const buffer = track.ready.get(track.nextSeq);
    if (!buffer) return;
    track.ready.delete(track.nextSeq);
    track.audio.setBuffer(buffer);
    track.audio.play();
    track.playing = true;
    this.played.push({ agentId, utteranceId: track.utteranceId, seq: track.nextSeq, durationS: buffer.duration, startedAt: performance.now() });
    track.nextSeq++;
  }
}

export const agentAudio = new AgentAudio();
