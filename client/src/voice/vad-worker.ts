/// <reference lib="webworker" />
import type * as Ort from "onnxruntime-web";
import { VAD_FRAME_SAMPLES } from "../../../shared/voice";
import { FRAME_MS, Segmenter, type SegmentEvent } from "./segmenter";
import { Silero } from "./silero";
import type { ExecutionProvider, FromVadWorker, Segment, ToVadWorker } from "./vad-protocol";

/**
 * The VAD worker: onnxruntime-web runs silero on every 32 ms frame from the capture worklet,
 * off the main thread, and the segmenter turns the probabilities into utterances. The runtime
 * for the chosen execution provider (wasm, or webgpu) is loaded on demand from the app's own
 * origin. Frames that arrive while one is being processed queue up in order.
 */

/** Frames run at start-up to measure this provider (after a warm-up). */
const MEASURE_FRAMES = 40;
const WARMUP_FRAMES = 5;
/** Stats go to the page every this many frames (~3 s). */
const STATS_EVERY = 100;
/** Push-to-talk keeps this many frames from before the key went down (~160 ms). */
const PTT_PREROLL = 5;

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromVadWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

let model: Silero | null = null;
let ort: typeof Ort | null = null;
let modelBytes: ArrayBuffer | null = null;
let ep: ExecutionProvider = "wasm";
let segmenter = new Segmenter();
let handsFree = false;
/** Push-to-talk take in progress, or null. */
let ptt: { frames: Float32Array[]; speech: number } | null = null;
const preroll: Float32Array[] = [];
let chain: Promise<void> = Promise.resolve();
let frameCount = 0;
let timeSum = 0;
let timeFrames = 0;

async function loadRuntime(which: ExecutionProvider): Promise<typeof Ort> {
  return which === "webgpu" ? await import("onnxruntime-web/webgpu") : await import("onnxruntime-web/wasm");
}

async function init(msg: Extract<ToVadWorker, { type: "init" }>): Promise<void> {
  const started = performance.now();
  ep = msg.ep;
  ort = await loadRuntime(ep);
  ort.env.wasm.wasmPaths = msg.wasmBase;
  ort.env.wasm.numThreads = 1; // no cross-origin isolation, and one thread is plenty for a 2 MB model
  ort.env.logLevel = "error";
  const res = await fetch(msg.modelUrl);
  if (!res.ok) throw new Error(`the VAD model could not be loaded (${res.status} ${msg.modelUrl})`);
  modelBytes = await res.arrayBuffer();
  model = await Silero.create(ort, modelBytes, ep);
  const loadMs = performance.now() - started;
  // Measure: noise frames through the real session.
  const noise = new Float32Array(VAD_FRAME_SAMPLES);
  let t0 = 0;
  for (let i = 0; i < WARMUP_FRAMES + MEASURE_FRAMES; i++) {
    for (let j = 0; j < noise.length; j++) noise[j] = (Math.random() - 0.5) * 0.02;
    if (i === WARMUP_FRAMES) t0 = performance.now();
    await model.process(noise);
  }
  const msPerFrame = (performance.now() - t0) / MEASURE_FRAMES;
  model.reset();
  post({ type: "ready", ep, loadMs, msPerFrame });
}

function emit(e: SegmentEvent | null): void {
  if (!e || ptt) return; // while push-to-talk is held, the take decides
  if (e.kind === "start") post({ type: "speech-start", atMs: e.startMs });
  else if (e.kind === "misfire") post({ type: "misfire", via: "vad" });
  else if (handsFree) post({ type: "utterance", audio: e.audio, startMs: e.startMs, endMs: e.endMs, tooLong: e.tooLong, via: "vad" }, [e.audio.buffer]);
}

async function onFrame(frame: Float32Array): Promise<void> {
  if (!model) return;
  const t = performance.now();
  const prob = await model.process(frame);
  timeSum += performance.now() - t;
  timeFrames++;
  if (++frameCount % STATS_EVERY === 0) {
    post({ type: "stats", msPerFrame: timeSum / timeFrames, frames: frameCount });
    timeSum = 0;
    timeFrames = 0;
  }
  if (ptt) {
    ptt.frames.push(frame);
    if (prob >= 0.5) ptt.speech++;
    if (ptt.speech === 3) post({ type: "speech-start", atMs: frameCount * FRAME_MS });
    if (ptt.frames.length * FRAME_MS > 30_000) endPtt(true);
    return;
  }
  preroll.push(frame);
  if (preroll.length > PTT_PREROLL) preroll.shift();
  emit(segmenter.push(frame, prob));
}

function endPtt(tooLong = false): void {
  const take = ptt;
  ptt = null;
  if (!take) return;
  if (take.speech < 5) {
    post({ type: "misfire", via: "ptt" });
    return;
  }
  const audio = new Float32Array(take.frames.length * VAD_FRAME_SAMPLES);
  take.frames.forEach((f, i) => audio.set(f, i * VAD_FRAME_SAMPLES));
  const endMs = frameCount * FRAME_MS;
  post({ type: "utterance", audio, startMs: endMs - take.frames.length * FRAME_MS, endMs, tooLong, via: "ptt" }, [audio.buffer]);
}

async function analyse(samples: Float32Array): Promise<void> {
  if (!ort || !modelBytes) throw new Error("the VAD is not loaded");
  const fresh = await Silero.create(ort, modelBytes, ep);
  const seg = new Segmenter();
  const segments: Segment[] = [];
  const probs: number[] = [];
  let time = 0;
  const times: number[] = [];
  const frames = Math.floor(samples.length / VAD_FRAME_SAMPLES);
  for (let i = 0; i < frames; i++) {
    const frame = samples.slice(i * VAD_FRAME_SAMPLES, (i + 1) * VAD_FRAME_SAMPLES);
    const t = performance.now();
    const prob = await fresh.process(frame);
    const dt = performance.now() - t;
    time += dt;
    times.push(dt);
    probs.push(Math.round(prob * 1000) / 1000);
    const e = seg.push(frame, prob);
    if (e?.kind === "end") {
      segments.push({ startMs: e.startMs, endMs: e.endMs });
    }
  }
  const last = seg.flush();
  if (last?.kind === "end") segments.push({ startMs: last.startMs, endMs: last.endMs });
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(times.length * q))] ?? 0;
  post({ type: "analysis", segments, frames, msPerFrame: time / Math.max(1, frames), p50Ms: at(0.5), p95Ms: at(0.95), probs });
}

function enqueue(work: () => Promise<void>): void {
  chain = chain.then(work).catch((err: unknown) => post({ type: "error", message: err instanceof Error ? err.message : String(err) }));
}

scope.onmessage = (e: MessageEvent<ToVadWorker>) => {
  const msg = e.data;
  switch (msg.type) {
    case "init":
      enqueue(() => init(msg));
      return;
    case "frames":
      msg.port.onmessage = (f: MessageEvent<Float32Array>) => enqueue(() => onFrame(f.data));
      return;
    case "handsfree":
      enqueue(async () => {
        handsFree = msg.on;
        segmenter = new Segmenter();
      });
      return;
    case "ptt":
      enqueue(async () => {
        if (msg.down) {
          if (ptt) return;
          ptt = { frames: [...preroll], speech: 0 };
          segmenter = new Segmenter();
        } else endPtt();
      });
      return;
    case "analyse":
      enqueue(() => analyse(msg.samples));
      return;
  }
};
