import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { parseWav, wavSamples } from "../shared/voice";
import { CHROMIUM_ARGS, ensureChromium, fakeMicrophoneArgs } from "./chromium";
import { startFakeOpenAI, type FakeOpenAI } from "./fake-openai";
import { ROOT, startServer, type RunningServer } from "./server";

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

export interface VoiceRig {
  fake: FakeOpenAI;
  server: RunningServer;
  /** Chromium whose microphone plays UTTERANCE_WAV in a loop. */
  browser: Browser;
  close(): Promise<void>;
}

/**
 * What the voice e2e runs on: the fake OpenAI-compatible server (chat, transcription and speech,
 * real HTTP), the app's server using it for all three with no budget in the way and no retries,
 * and Chromium with a fake microphone. The caller sets the fake's replies.
 */
export async function startVoiceRig(): Promise<VoiceRig> {
  const settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-voice-e2e-"));
  const settings = path.join(settingsDir, "llm.yaml");
  fs.writeFileSync(
    settings,
    ["prices:", "  default: { input: 1, output: 1 }", "budgets: { perAgentUsd: null, perWorkspaceUsd: null }", "limits: { maxRetries: 0, attemptTimeoutMs: 30000, idleTimeoutMs: 30000 }"].join("\n"),
  );
  const fake = await startFakeOpenAI();
  const server = await startServer({
    OPENAI_BASE_URL: fake.url,
    OPENAI_API_KEY: "sk-e2e",
    ATRIUM_MODEL: "fake-model",
    ATRIUM_LLM_CONFIG: settings,
    ATRIUM_STT_BASE_URL: fake.url,
    ATRIUM_TTS_BASE_URL: fake.url,
    ATRIUM_TTS_FORMAT: "wav",
  });
  const browser = await chromium.launch({ executablePath: ensureChromium(), args: [...CHROMIUM_ARGS, ...fakeMicrophoneArgs(UTTERANCE_WAV)], headless: true });
  return {
    fake,
    server,
    browser,
    async close() {
      await browser.close();
      await server.stop();
      await fake.close();
      fs.rmSync(settingsDir, { recursive: true, force: true });
    },
  };
}
