/** Messages between the page and the VAD worker (vad-worker.ts). */

export type ExecutionProvider = "wasm" | "webgpu";

export type ToVadWorker =
  | { type: "init"; ep: ExecutionProvider; modelUrl: string; wasmBase: string }
  /** The capture worklet's frame port: 512-sample Float32Arrays at 16 kHz. */
  | { type: "frames"; port: MessagePort }
  /** Push-to-talk: while held, every frame is kept; on release the whole take is returned. */
  | { type: "ptt"; down: boolean }
  /** Hands-free: utterances are cut by the VAD alone. */
  | { type: "handsfree"; on: boolean }
  /** Runs samples (16 kHz) through a fresh model state and segmenter: for tests and the bench. */
  | { type: "analyse"; samples: Float32Array };

export interface Segment {
  startMs: number;
  endMs: number;
}

export type FromVadWorker =
  | { type: "ready"; ep: ExecutionProvider; loadMs: number; msPerFrame: number }
  | { type: "error"; message: string }
  /** Speech began (confirmed over a few frames); time since capture started. */
  | { type: "speech-start"; atMs: number }
  /** An utterance ended: its audio (16 kHz), from just before the speech to just after. */
  | { type: "utterance"; audio: Float32Array; startMs: number; endMs: number; tooLong: boolean; via: "vad" | "ptt" }
  /** Speech too short to be an utterance, or a push-to-talk take with no speech in it. */
  | { type: "misfire"; via: "vad" | "ptt" }
  | { type: "analysis"; segments: Segment[]; frames: number; msPerFrame: number; p50Ms: number; p95Ms: number; probs: number[] }
  /** Running average inference time, every few seconds. */
  | { type: "stats"; msPerFrame: number; frames: number };
