/// <reference lib="webworker" />
import { Downsampler } from "./downsampler";

/**
 * The microphone's audio worklet: measures the input level for the meter and turns the audio
 * into 16 kHz, 32 ms frames that go straight to the VAD worker over a MessagePort (never
 * through the main thread). Loaded with `?worker&url` by microphone.ts.
 */

declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, ctor: new () => AudioWorkletProcessor): void;

/** The level goes to the page this often (ms). */
const LEVEL_EVERY_MS = 50;

class CaptureProcessor extends AudioWorkletProcessor {
  private frames: MessagePort | null = null;
  private readonly down = new Downsampler(sampleRate, (f) => this.frames?.postMessage(f, [f.buffer]));
  private sumSq = 0;
  private peak = 0;
  private counted = 0;
  private readonly levelEvery = Math.round((sampleRate * LEVEL_EVERY_MS) / 1000);

  constructor() {
    super();
    this.port.onmessage = (e: MessageEvent<{ type: "frames"; port: MessagePort }>) => {
      if (e.data.type === "frames") this.frames = e.data.port;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    const input = inputs[0]?.[0];
    if (!input) return true;
    for (let i = 0; i < input.length; i++) {
      const s = input[i]!;
      this.sumSq += s * s;
      const a = s < 0 ? -s : s;
      if (a > this.peak) this.peak = a;
    }
    this.counted += input.length;
    if (this.counted >= this.levelEvery) {
      this.port.postMessage({ type: "level", rms: Math.sqrt(this.sumSq / this.counted), peak: this.peak });
      this.sumSq = 0;
      this.peak = 0;
      this.counted = 0;
    }
    if (this.frames) this.down.push(input);
    return true;
  }
}

registerProcessor("atrium-capture", CaptureProcessor);
