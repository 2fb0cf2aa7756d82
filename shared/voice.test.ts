import { describe, expect, it } from "vitest";
import { encodeWav, parseWav, wavSamples, WavError } from "./voice";

describe("16-bit PCM WAV", () => {
  it("round-trips samples through encodeWav and parseWav", () => {
    const samples = new Float32Array(1600).map((_, i) => Math.sin(i / 10) * 0.5);
    const wav = encodeWav(samples, 16000);
    const info = parseWav(wav);
    expect(info).toMatchObject({ sampleRate: 16000, channels: 1, bitsPerSample: 16, frames: 1600 });
    expect(info.durationS).toBeCloseTo(0.1, 6);
    const back = wavSamples(wav, info);
    expect(back.length).toBe(1600);
    for (let i = 0; i < 1600; i += 97) expect(back[i]).toBeCloseTo(samples[i]!, 3);
  });

  it("refuses what is not 16-bit PCM WAV, with a sentence", () => {
    const good = encodeWav(new Float32Array(100), 16000);
    expect(() => parseWav(new Uint8Array(10))).toThrow(/too short for a header/);
    expect(() => parseWav(new TextEncoder().encode("x".repeat(64)))).toThrow(/no RIFF\/WAVE header/);
    const float = good.slice();
    new DataView(float.buffer).setUint16(20, 3, true); // IEEE float
    expect(() => parseWav(float)).toThrow(/16-bit PCM/);
    const cut = good.slice(0, 100); // header promises 200 bytes of samples
    expect(() => parseWav(cut)).toThrow(/cut short/);
    const rate = good.slice();
    new DataView(rate.buffer).setUint32(24, 96000, true);
    expect(() => parseWav(rate)).toThrow(WavError);
  });
});
