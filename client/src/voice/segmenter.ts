import { VAD_FRAME_SAMPLES, VOICE_SAMPLE_RATE } from "../../../shared/voice";

/** Milliseconds per VAD frame (32 at 16 kHz). */
export const FRAME_MS = (VAD_FRAME_SAMPLES / VOICE_SAMPLE_RATE) * 1000;

/**
 * Speech segmentation over silero's per-frame speech probability, with hysteresis (the
 * approach of @ricky0123/vad-web's frame processor, tuned for conversation). Defaults beside.
 */
export interface SegmenterOptions {
  /** A frame at or above this probability is speech. Default 0.5. */
  positive: number;
  /** Below this it is silence; in between keeps the current state. Default 0.35. */
  negative: number;
  /** Speech frames before "speech started" is announced (barge-in fires on it). Default 3 (96 ms). */
  startFrames: number;
  /** Speech frames an utterance needs, else it was a misfire (a cough, a click). Default 8 (256 ms). */
  minSpeechFrames: number;
  /** Silent frames that end an utterance. Default 19 (~600 ms). */
  redemptionFrames: number;
  /** Frames kept before the first speech frame, so the first syllable is not cut. Default 8 (256 ms). */
  prePadFrames: number;
  /** Frames kept after the last speech frame. Default 4 (128 ms). */
  postPadFrames: number;
  /** Longest utterance (frames); longer ones end as too long. Default 30 s. */
  maxFrames: number;
}

export const DEFAULT_SEGMENTER: SegmenterOptions = {
  positive: 0.5,
  negative: 0.35,
  startFrames: 3,
  minSpeechFrames: 8,
  redemptionFrames: 19,
  prePadFrames: 8,
  postPadFrames: 4,
  maxFrames: Math.ceil(30_000 / FRAME_MS),
};

export type SegmentEvent =
  | { kind: "start"; startMs: number }
  /** `audio` runs from prePad before the first speech frame to postPad after the last. */
  | { kind: "end"; startMs: number; endMs: number; audio: Float32Array; tooLong: boolean }
  | { kind: "misfire"; startMs: number };

/** Feed frames with their speech probability; get start/end events back. */
export class Segmenter {
  private frame = 0;
  private readonly pre: Float32Array[] = [];
  private speaking = false;
  private announced = false;
  private buffer: Float32Array[] = [];
  private firstSpeech = 0;
  private lastSpeech = 0;
  private speechFrames = 0;
  private silentRun = 0;

  constructor(private readonly o: SegmenterOptions = DEFAULT_SEGMENTER) {}

  get active(): boolean {
    return this.speaking;
  }

  push(samples: Float32Array, prob: number): SegmentEvent | null {
    const n = this.frame++;
    if (!this.speaking) {
      if (prob < this.o.positive) {
        this.pre.push(samples);
        if (this.pre.length > this.o.prePadFrames) this.pre.shift();
        return null;
      }
      this.speaking = true;
      this.announced = false;
      this.buffer = [...this.pre, samples];
      this.pre.length = 0;
      this.firstSpeech = n;
      this.lastSpeech = n;
      this.speechFrames = 1;
      this.silentRun = 0;
      return this.maybeAnnounce();
    }
    this.buffer.push(samples);
    if (prob >= this.o.positive) {
      this.speechFrames++;
      this.lastSpeech = n;
      this.silentRun = 0;
    } else if (prob < this.o.negative) {
      this.silentRun++;
    }
    if (this.buffer.length >= this.o.maxFrames) return this.finish(true);
    if (this.silentRun >= this.o.redemptionFrames) return this.finish(false);
    return this.maybeAnnounce();
  }

  /** Ends an utterance in progress now (push-to-talk released, microphone off). */
  flush(): SegmentEvent | null {
    return this.speaking ? this.finish(false) : null;
  }

  reset(): void {
    this.speaking = false;
    this.buffer = [];
    this.pre.length = 0;
  }

  private maybeAnnounce(): SegmentEvent | null {
    if (this.announced || this.speechFrames < this.o.startFrames) return null;
    this.announced = true;
    return { kind: "start", startMs: this.firstSpeech * FRAME_MS };
  }

  private finish(tooLong: boolean): SegmentEvent {
    this.speaking = false;
    const startMs = this.firstSpeech * FRAME_MS;
    const frames = this.buffer;
    this.buffer = [];
    if (this.speechFrames < this.o.minSpeechFrames) return { kind: "misfire", startMs };
    // Keep from the pre-pad to postPad frames after the last speech frame.
    const firstIndex = this.frame - frames.length; // frame number of frames[0]
    const keep = Math.min(frames.length, this.lastSpeech - firstIndex + 1 + this.o.postPadFrames);
    const audio = new Float32Array(keep * VAD_FRAME_SAMPLES);
    for (let i = 0; i < keep; i++) audio.set(frames[i]!, i * VAD_FRAME_SAMPLES);
    return { kind: "end", startMs, endMs: (this.lastSpeech + 1) * FRAME_MS, audio, tooLong };
  }
}
