import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseWav } from "../shared/voice";
import { enterAs, screenshot, waitUntil } from "./browser";
import { CHROMIUM_ARGS, ensureChromium } from "./chromium";
import { speechReply, textReply, transcriptReply, type FakeOpenAI, type RecordedRequest } from "./fake-openai";
import type { RunningServer } from "./server";
import { fixtureSamples, speechSpan, startVoiceRig, UTTERANCE_TEXT, type VoiceRig } from "./voice-fixtures";

/**
 * Voice end to end in Chromium with a fake microphone that plays e2e/fixtures/utterance-iris.wav
 * in a loop: on-device VAD (silero in onnxruntime-web, wasm, served by the app itself), the
 * utterance at the fake transcription endpoint, the transcript to Iris, her reply spoken through
 * the fake speech endpoint and played in the page, and barge-in.
 */

/** VAD tolerance against the speech's true span (found from the samples): start ±150 ms, end ±300 ms. */
const START_TOLERANCE_MS = 150;
const END_TOLERANCE_MS = 300;

let fake: FakeOpenAI;
let server: RunningServer;
let browser: Browser;
let rig: VoiceRig | undefined;

beforeAll(async () => {
  rig = await startVoiceRig();
  ({ fake, server, browser } = rig);
});

afterAll(async () => {
  await rig?.close();
});

beforeEach(() => {
  fake.reset();
  fake.setAudioDefault("transcriptions", transcriptReply(UTTERANCE_TEXT));
  fake.setAudioDefault("speech", speechReply({ durationS: 1.5 }));
  fake.setDefault(textReply("Nothing new here."));
});

interface Session {
  page: Page;
  requests: string[];
  errors: string[];
  close(): Promise<void>;
}

async function open(workspace: string, name: string): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto(`${server.url}/?workspace=${workspace}`);
  await enterAs(page, name);
  return { page, requests, errors, close: () => context.close() };
}

async function micOn(page: Page, mode: "ptt" | "handsfree"): Promise<void> {
  await page.click("[data-testid=mic-button]");
  await page.waitForSelector("[data-testid=mic-button][aria-pressed=true]", { timeout: 60_000 });
  if (mode === "handsfree") await page.click("[data-testid=mode-handsfree]");
}

/** Runs (as a click on the ground would) from the spawn to within earshot of Iris in the research lab. */
async function walkToIris(page: Page): Promise<void> {
  await page.evaluate(() => (window.__atrium.localPlayer as unknown as { walkTo(x: number, z: number, run: boolean): void }).walkTo(-1, -22, true));
  await waitUntil("near Iris", () =>
    page.evaluate(() => {
      const me = window.__atrium.localPlayer.pose;
      const iris = window.__atrium.renderedAgentPoses.get("iris");
      return !!iris && Math.hypot(iris.x - me.x, iris.z - me.z) < 14;
    }),
  20_000);
}

const transcriptions = () => fake.requests.filter((r) => r.path.endsWith("/audio/transcriptions"));
const speeches = () => fake.requests.filter((r) => r.path.endsWith("/audio/speech"));
const irisCalls = () => fake.requests.filter((r) => r.path.endsWith("/chat/completions") && String(r.body?.messages[0]?.content ?? "").includes("You are Iris,"));
const mentions = (r: RecordedRequest, text: string) => JSON.stringify(r.body?.messages ?? []).includes(text);

describe("voice in the browser", () => {
  it("runs silero VAD on the device from the app's own files, finds the speech within tolerance, and nothing in silence", async () => {
    const s = await open("voice-vad", "Vera");
    await micOn(s.page, "ptt");
    const ep = await s.page.getAttribute("[data-testid=vad-provider]", "data-ep");
    expect(ep).toBe("wasm"); // no GPU here: wasm is the only provider, and so the measured default
    // Model and wasm came from the app's own origin; nothing from anywhere else.
    const origin = new URL(server.url).origin;
    expect(s.requests.some((u) => u === `${origin}/voice/silero_vad_v5.onnx`)).toBe(true);
    expect(s.requests.some((u) => u === `${origin}/voice/ort/ort-wasm-simd-threaded.wasm`)).toBe(true);
    expect(s.requests.filter((u) => !u.startsWith(origin) && !u.startsWith("data:") && !u.startsWith("blob:"))).toEqual([]);

    const { samples, sampleRate } = fixtureSamples();
    expect(sampleRate).toBe(16000);
    const truth = speechSpan(samples, sampleRate)!;
    const analyse = (data: number[]) =>
      s.page.evaluate((d) => (window as unknown as { __atriumVoice: { controller: { analyse(x: Float32Array): Promise<{ segments: { startMs: number; endMs: number }[]; msPerFrame: number }> } } }).__atriumVoice.controller.analyse(new Float32Array(d)), data);
    const speech = await analyse(Array.from(samples));
    expect(speech.segments.length).toBe(1);
    const seg = speech.segments[0]!;
    expect(Math.abs(seg.startMs - truth.startMs)).toBeLessThanOrEqual(START_TOLERANCE_MS);
    expect(Math.abs(seg.endMs - truth.endMs)).toBeLessThanOrEqual(END_TOLERANCE_MS);
    // Silence, and quiet room noise: nothing.
    const silence = new Array<number>(16000 * 3).fill(0);
    expect((await analyse(silence)).segments).toEqual([]);
    const noise = Array.from({ length: 16000 * 3 }, () => (Math.random() - 0.5) * 0.004);
    expect((await analyse(noise)).segments).toEqual([]);
    expect(s.errors).toEqual([]);
    await s.close();
  });

  it("hands-free: the fake microphone's utterance is transcribed, reaches Iris, shows as the speaker's bubble, and her reply plays from her avatar", async () => {
    fake.setDefault((req) => (mentions(req, "researching today") ? textReply("I am comparing pricing models.") : textReply("Nothing new here.")));
    const s = await open("voice-flow", "Ada");
    await walkToIris(s.page);
    await micOn(s.page, "handsfree");
    expect(await s.page.getAttribute("[data-testid=voice-output]", "data-mode")).toBe("server");

    // The audio reached the transcription endpoint as 16 kHz WAVs; a whole pass of the looping file
    // (the first may start mid-sentence, where the microphone happened to open) is about as long as the speech.
    const whole = await waitUntil("a whole utterance at the transcription endpoint", async () =>
      transcriptions()
        .map((r) => parseWav(new Uint8Array(r.upload!.file!)))
        .find((w) => w.durationS > 2.0),
    30_000);
    for (const r of transcriptions()) expect(parseWav(new Uint8Array(r.upload!.file!)).sampleRate).toBe(16000);
    expect(whole.durationS).toBeLessThan(4.5);
    // The transcript went to Iris (named in it), who answered.
    await waitUntil("Iris asked about it", async () => irisCalls().find((r) => mentions(r, UTTERANCE_TEXT)), 15_000);
    const self = await s.page.evaluate(() => window.__atrium.store.getState().selfId);
    const bubble = await waitUntil("Ada's bubble", () =>
      s.page.evaluate((id) => (window as unknown as { __atriumVoice: { store: { getState(): { bubbles: Record<string, { text: string; agentId: string }> } } } }).__atriumVoice.store.getState().bubbles[id!] ?? null, self),
    );
    expect(bubble).toEqual({ text: UTTERANCE_TEXT, agentId: "iris", at: expect.any(Number) });
    // Her reply went to the speech endpoint in her voice, and the page played it.
    await waitUntil("TTS called", async () => speeches().find((r) => r.body?.input === "I am comparing pricing models."), 15_000);
    expect(speeches()[0]!.body).toMatchObject({ voice: "nova", response_format: "wav" });
    const played = await waitUntil("Iris's voice playing", () =>
      s.page.evaluate(() => {
        const v = (window as unknown as { __atriumVoice: { audio: { played: { agentId: string; durationS: number }[]; outputPeak(): number } } }).__atriumVoice.audio;
        const clip = v.played.find((p) => p.agentId === "iris");
        return clip ? { ...clip, peak: v.outputPeak() } : null;
      }),
    );
    expect(played.durationS).toBeCloseTo(1.5, 1);
    // Sound actually comes out of the listener while it plays (the fake's tone has amplitude 0.3).
    const peak = await waitUntil("audible output", () =>
      s.page.evaluate(() => {
        const p = (window as unknown as { __atriumVoice: { audio: { outputPeak(): number } } }).__atriumVoice.audio.outputPeak();
        return p > 0.02 ? p : null;
      }),
    5_000);
    expect(peak).toBeGreaterThan(0.02);
    await screenshot(s.page, "voice-flow.png");
    expect(s.errors).toEqual([]);
    await s.close();
  });

  it("push-to-talk: holding V sends the whole take, and nothing goes out while V is up", async () => {
    const s = await open("voice-ptt", "Pia");
    await micOn(s.page, "ptt");
    await new Promise((r) => setTimeout(r, 7_000)); // a whole pass of the looping file, V up
    expect(transcriptions()).toEqual([]);
    await s.page.keyboard.down("KeyV");
    await s.page.waitForSelector("[data-testid=mic-button][data-state=hearing]");
    await new Promise((r) => setTimeout(r, 6_500)); // hold through one pass of the file
    await s.page.keyboard.up("KeyV");
    const take = await waitUntil("the take at the transcription endpoint", async () => transcriptions()[0], 15_000);
    const wav = parseWav(new Uint8Array(take.upload!.file!));
    expect(wav.durationS).toBeGreaterThan(6);
    expect(wav.durationS).toBeLessThan(8);
    // The line reads "Transcribing…" until the server's transcript comes back.
    const message = await waitUntil("what was heard, shown", async () => {
      const text = await s.page.textContent("[data-testid=voice-message]");
      return text?.startsWith("You →") ? text : null;
    }, 15_000);
    expect(message).toContain(`You → Iris: “${UTTERANCE_TEXT}”`);
    expect(s.errors).toEqual([]);
    await s.close();
  });

  it("a denied microphone gets a clear message, and typing still works", async () => {
    const denying = await chromium.launch({
      executablePath: ensureChromium(),
      args: [...CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--deny-permission-prompts"],
      headless: true,
    });
    try {
      const page = await denying.newPage({ viewport: { width: 1280, height: 720 } });
      await page.goto(`${server.url}/?workspace=voice-denied`);
      await enterAs(page, "Dan");
      await page.click("[data-testid=mic-button]");
      await page.waitForSelector("[data-testid=mic-button][data-state=denied]");
      expect(await page.textContent("[data-testid=voice-message]")).toMatch(/Microphone access was denied\. Allow it for this site .* Typing still works: press T\./);
      // Typing still works: T opens the agent picker (pressed again only if a busy page missed the key).
      await waitUntil("the agent picker", async () => {
        if (await page.$("[data-testid=agent-picker]")) return true;
        await page.keyboard.press("KeyT");
        return page.waitForSelector("[data-testid=agent-picker]", { timeout: 5_000 }).then(() => true, () => false);
      }, 40_000);
      await page.click("[data-testid=agent-picker] button:has-text('Cleo')");
      await page.fill("input[name=talk]", "Can you hear me?");
      await page.keyboard.press("Enter");
      await waitUntil("the typed words reach Cleo", async () => fake.requests.find((r) => mentions(r, "Can you hear me?")), 20_000);
    } finally {
      await denying.close();
    }
  });

  it("barge-in: speech during Iris's playback stops it and aborts her stream (the fake upstream sees the disconnect)", async () => {
    const long = `Let me explain the pricing work. ${"There are many parts to it and each one matters. ".repeat(40)}`;
    let first = true;
    fake.setDefault((req) => {
      if (first && mentions(req, "researching today")) {
        first = false;
        return textReply(long, { chunkSize: 8, delayMs: 80 }); // ~20 s of streaming
      }
      return textReply("Sure.");
    });
    fake.setAudioDefault("speech", speechReply({ durationS: 8 })); // a long first sentence to talk over
    const s = await open("voice-barge", "Bea");
    await walkToIris(s.page);
    await micOn(s.page, "handsfree");
    // Iris starts talking (her first sentence plays) …
    await waitUntil("Iris's voice playing", () =>
      s.page.evaluate(() => (window as unknown as { __atriumVoice: { audio: { audible(): string[] } } }).__atriumVoice.audio.audible().includes("iris")),
    30_000);
    const stream = irisCalls().find((r) => mentions(r, "researching today"))!;
    expect(stream.disconnected).toBe(false);
    // … and the microphone's next utterance (the file loops) talks over her.
    await fake.waitFor(() => stream.disconnected, 20_000);
    const after = await s.page.evaluate(() => {
      const v = (window as unknown as { __atriumVoice: { audio: { audible(): string[] }; controller: { vadEvents: { type: string }[] } } }).__atriumVoice;
      return { audible: v.audio.audible(), events: v.controller.vadEvents.map((e) => e.type) };
    });
    expect(after.audible).not.toContain("iris");
    expect(after.events.filter((e) => e === "speech-start").length).toBeGreaterThanOrEqual(2);
    const iris = await waitUntil("Iris interrupted", () =>
      s.page.evaluate(() => {
        const a = window.__atrium.store.getState().agents.iris;
        return a && a.reason.startsWith("interrupted by Bea") ? a : null;
      }),
    );
    expect(iris.reason).toBe("interrupted by Bea");
    // What she had said stays in her bubble.
    const said = await s.page.evaluate(() => window.__atrium.store.getState().speech.iris?.text ?? "");
    expect(said.startsWith("Let me explain the pricing work.")).toBe(true);
    expect(said.length).toBeLessThan(long.length);
    expect(s.errors).toEqual([]);
    await s.close();
  });
});
