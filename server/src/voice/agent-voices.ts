import type { SpeechPayload } from "../../../shared/protocol/agent-messages";
import type { VoiceAudioPayload } from "../../../shared/protocol/voice-messages";
import type { Logger } from "../logger";
import { SentenceChunker } from "./sentence-chunker";
import { VoiceUpstreamError, type SpeechClip } from "./speech-client";

/** Sentences of one room synthesized at once, over all agents. */
export const MAX_TTS_IN_FLIGHT = 4;

export interface AgentVoicesDeps {
  /** The voice an agent speaks in. */
  voiceOf(agentId: string): string;
  /** Turns one sentence of an agent's into audio (the speech endpoint). */
  synthesize(text: string, voice: string, signal: AbortSignal, agentId: string): Promise<SpeechClip>;
  /** True when someone who listens stands near the agent: no listener, no synthesis. */
  anyListenerNear(agentId: string): boolean;
  /** Sends a clip to the listeners near the agent. */
  deliver(payload: VoiceAudioPayload): void;
  /** The speech endpoint failed for this utterance. */
  failed(agentId: string, utteranceId: string, message: string): void;
  log: Logger;
}

interface Utterance {
  id: string;
  chunker: SentenceChunker;
  queue: string[];
  seq: number;
  ended: boolean;
  failed: boolean;
}

interface Voice {
  current: Utterance | null;
  /** Aborts the sentence being synthesized. */
  abort: AbortController;
  busy: boolean;
  /** When the current utterance's first delta arrived (performance.now()), for first-audio timing. */
  startedAt: number;
}

/**
 * Speaks agents' streamed replies: collects each agent's speech deltas (the same coalesced
 * `speech` messages the bubbles get), cuts them into sentences and synthesizes them one at a
 * time, in order, while the reply is still streaming. `cancel` (barge-in) drops the rest at once
 * and aborts the sentence in flight.
 */
export class AgentVoices {
  private readonly voices = new Map<string, Voice>();
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private disposed = false;

  constructor(private readonly deps: AgentVoicesDeps) {}

  /** Feeds one `speech` message. */
  onSpeech(s: SpeechPayload): void {
    if (this.disposed) return;
    const v = this.voiceFor(s.agentId);
    let u = v.current;
    if (!u || u.id !== s.utteranceId) {
      if (u && !u.ended) u.ended = true; // a new utterance replaces an unfinished one
      if (!this.deps.anyListenerNear(s.agentId)) {
        v.current = null;
        return;
      }
      u = { id: s.utteranceId, chunker: new SentenceChunker(), queue: [], seq: 0, ended: false, failed: false };
      v.current = u;
      v.startedAt = performance.now();
    }
    if (u.ended) return;
    u.queue.push(...u.chunker.push(s.delta));
    if (s.done) {
      const rest = u.chunker.flush();
      if (rest) u.queue.push(rest);
      u.ended = true;
    }
    void this.pump(s.agentId, v);
  }

  /** Stops the agent's voice now: the queue goes, the sentence in flight is aborted. True if it had anything. */
  cancel(agentId: string): boolean {
    const v = this.voices.get(agentId);
    if (!v) return false;
    const had = v.busy || (v.current !== null && (v.current.queue.length > 0 || !v.current.ended));
    if (v.current) {
      v.current.queue.length = 0;
      v.current.ended = true;
      v.current.failed = true; // nothing more of this utterance is spoken
    }
    v.abort.abort();
    v.abort = new AbortController();
    return had;
  }

  /** Whether the agent has speech queued or in flight. */
  active(agentId: string): boolean {
    const v = this.voices.get(agentId);
    return !!v && (v.busy || (v.current !== null && !v.current.failed && (v.current.queue.length > 0 || !v.current.ended)));
  }

  dispose(): void {
    this.disposed = true;
    for (const id of this.voices.keys()) this.cancel(id);
    for (const wake of this.waiting.splice(0)) wake();
  }

  private voiceFor(agentId: string): Voice {
    let v = this.voices.get(agentId);
    if (!v) this.voices.set(agentId, (v = { current: null, abort: new AbortController(), busy: false, startedAt: 0 }));
    return v;
  }

  private async slot(): Promise<void> {
    while (this.inFlight >= MAX_TTS_IN_FLIGHT && !this.disposed) await new Promise<void>((r) => this.waiting.push(r));
    this.inFlight++;
  }

  private release(): void {
    this.inFlight--;
    this.waiting.shift()?.();
  }

  private async pump(agentId: string, v: Voice): Promise<void> {
    if (v.busy) return;
    v.busy = true;
    try {
      for (;;) {
        const u = v.current;
        if (!u || u.failed || this.disposed) break;
        const text = u.queue.shift();
        if (text === undefined) break;
        const signal = v.abort.signal;
        await this.slot();
        try {
          if (signal.aborted || u.failed) break;
          const clip = await this.deps.synthesize(text, this.deps.voiceOf(agentId), signal, agentId);
          if (signal.aborted || u.failed || v.current !== u) continue;
          this.deps.deliver({ agentId, utteranceId: u.id, seq: u.seq++, text, audio: clip.audio, mime: clip.mime });
        } catch (err) {
          if (signal.aborted || (err instanceof VoiceUpstreamError && err.kind === "aborted")) continue;
          u.failed = true;
          u.queue.length = 0;
          const message = err instanceof Error ? err.message : String(err);
          this.deps.log.warn({ agent: agentId, utterance: u.id, err: message }, "speech synthesis failed");
          this.deps.failed(agentId, u.id, message);
        } finally {
          this.release();
        }
      }
    } finally {
      v.busy = false;
    }
    // Text that arrived while the last sentence was in flight.
    const u = v.current;
    if (u && !u.failed && u.queue.length > 0 && !this.disposed) void this.pump(agentId, v);
  }
}
