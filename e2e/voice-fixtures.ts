import fs from "node:fs";
import path from "node:path";
import { parseWav, wavSamples } from "../shared/voice";
import { ROOT } from "./server";

/** The fake microphone's WAV (e2e/fixtures/README.md). */
export const UTTERANCE_WAV = path.join(ROOT, "e2e/fixtures/utterance-iris.wav");
/** What espeak-ng says in it. */
export const UTTERANCE_TEXT = "Iris, what are you researching today?";

export function fixtureSamples(file = UTTERANCE_WAV): { samples: Float32Array; sampleRate: number; durationS: number } {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const info = parseWav(bytes);
  return { samples: wavSamples(bytes, info), sampleRate: info.sampleRate, durationS: info.durationS };
}

/**
 * Where speech really is in `samples`, from the signal itself: the first and last 10 ms window
 * whose RMS is over `threshold` (espeak-ng's output is clean, its silences are true zeros).
 */
export function speechSpan(samples: Float32Array, sampleRate: number, threshold = 0.01): { startMs: number; endMs: number } | null {
  const win = Math.round(sampleRate / 100);
  let first = -1;
  let last = -1;
  for (let w = 0; w * win < samples.length; w++) {
    let sum = 0;
    const end = Math.min(samples.length, (w + 1) * win);
    for (let i = w * win; i < end; i++) sum += samples[i]! * samples[i]!;
    if (Math.sqrt(sum / (end - w * win)) > threshold) {
      if (first < 0) first = w;
      last = w;
    }
  }
  return first < 0 ? null : { startMs: first * 10, endMs: (last + 1) * 10 };
}
