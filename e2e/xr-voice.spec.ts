import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseWav } from "../shared/voice";
import { screenshot, waitUntil } from "./browser";
import { speechReply, textReply, transcriptReply, type FakeOpenAI, type RecordedRequest } from "./fake-openai";
import type { RunningServer } from "./server";
import { startVoiceRig, UTTERANCE_TEXT, type VoiceRig } from "./voice-fixtures";
import { enterXR, frames, objectPosition, setButton, type XRVisit } from "./xr-device";

/**
 * Push-to-talk in a headset: an emulated Quest 3 (IWER) in headless Chromium whose microphone is
 * Chromium's fake one playing e2e/fixtures/utterance-iris.wav in a loop. Holding X on the left
 * controller listens (an in-world indicator says so), releasing it sends the take to the fake
 * transcription endpoint, and the transcript reaches Iris, who answers. Nothing goes out while
 * the button is up.
 */

let fake: FakeOpenAI;
let server: RunningServer;
let browser: Browser;
let rig: VoiceRig | undefined;
let visit: XRVisit | null = null;

beforeAll(async () => {
  rig = await startVoiceRig();
  ({ fake, server, browser } = rig);
  fake.setAudioDefault("transcriptions", transcriptReply(UTTERANCE_TEXT));
  fake.setAudioDefault("speech", speechReply({ durationS: 1 }));
  fake.setDefault((req) => (mentions(req, "researching today") ? textReply("Pricing models, mostly.") : textReply("Nothing new here.")));
});

afterAll(async () => {
  await visit?.context.close().catch(() => undefined);
  await rig?.close();
});

const transcriptions = () => fake.requests.filter((r) => r.path.endsWith("/audio/transcriptions"));
const irisCalls = () => fake.requests.filter((r) => r.path.endsWith("/chat/completions") && String(r.body?.messages[0]?.content ?? "").includes("You are Iris,"));
const mentions = (r: RecordedRequest, text: string) => JSON.stringify(r.body?.messages ?? []).includes(text);

function voiceState(page: Page): Promise<{ mic: string; pttHeld: boolean; sending: boolean; bubbles: Record<string, { text: string; agentId: string }> } | null> {
  return page.evaluate(() => {
    const v = (window as any).__atriumVoice;
    if (!v) return null;
    const s = v.store.getState();
    return { mic: s.mic, pttHeld: s.pttHeld, sending: s.sending, bubbles: s.bubbles };
  });
}

/** Which phase the in-headset indicator shows ("listening", "heard", …), or null when it is hidden. */
function indicator(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    let phase: string | null = null;
    (window as any).__atriumXR.store.getState().origin?.parent?.traverse((o: any) => {
      if (typeof o.name === "string" && o.name.startsWith("xr-voice-indicator:")) phase = o.name.slice("xr-voice-indicator:".length);
    });
    return phase;
  });
}

describe("voice in a headset (IWER Quest 3 + fake microphone)", () => {
  it("holding X on the left controller talks: the take reaches the transcription endpoint and Iris; nothing goes out while X is up", async () => {
    visit = await enterXR(browser, "quest3", "vr", `${server.url}/?workspace=xr-voice`, "Xena");
    const { page, id } = visit;
    await waitUntil("voice loaded", () => voiceState(page), 60_000);
    expect((await voiceState(page))!.mic).toBe("off");

    // The first press turns the microphone on; released before it is on, it sends nothing.
    await setButton(page, "left", "x-button", 1);
    await waitUntil("the microphone starting", async () => (await voiceState(page))!.mic !== "off", 20_000);
    await setButton(page, "left", "x-button", 0);
    await waitUntil("the microphone on", async () => (await voiceState(page))!.mic === "on", 60_000);
    await frames(page, 500);
    expect((await voiceState(page))!.pttHeld).toBe(false);

    // A whole pass of the looping file with X up: nothing is sent, nothing says "listening".
    await new Promise((r) => setTimeout(r, 7_000));
    expect(transcriptions()).toEqual([]);
    expect(await indicator(page)).not.toBe("listening");

    // Hold X through one pass of the file: the indicator in the headset says it is listening.
    await setButton(page, "left", "x-button", 1);
    await waitUntil("push-to-talk held", async () => (await voiceState(page))!.pttHeld, 20_000);
    const heldAt = Date.now();
    await waitUntil("the listening indicator in the scene", async () => (await indicator(page)) === "listening", 20_000);
    expect(await objectPosition(page, "xr-voice-indicator")).not.toBeNull();
    await screenshot(page, "xr-voice-listening.png");
    await new Promise((r) => setTimeout(r, Math.max(0, 6_500 - (Date.now() - heldAt))));
    expect(transcriptions()).toEqual([]); // still held: nothing sent yet
    await setButton(page, "left", "x-button", 0);

    const take = await waitUntil("the take at the transcription endpoint", async () => transcriptions()[0], 20_000);
    const wav = parseWav(new Uint8Array(take.upload!.file!));
    expect(wav.sampleRate).toBe(16000);
    expect(wav.durationS).toBeGreaterThan(5.5);
    expect(wav.durationS).toBeLessThan(9);
    // The transcript reaches Iris (named in it), who is asked about it, and shows as Xena's words.
    await waitUntil("Iris asked about it", async () => irisCalls().find((r) => mentions(r, UTTERANCE_TEXT)), 20_000);
    const bubble = await waitUntil("Xena's bubble", async () => (await voiceState(page))!.bubbles[id] ?? null);
    expect(bubble).toMatchObject({ text: UTTERANCE_TEXT, agentId: "iris" });
    // The headset shows what was heard.
    await waitUntil("the indicator shows what was heard", async () => (await indicator(page)) === "heard", 20_000);
    await screenshot(page, "xr-voice-heard.png");
    expect(transcriptions()).toHaveLength(1);
    expect(visit.errors).toEqual([]);
  });
});
