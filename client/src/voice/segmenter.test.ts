import { describe, expect, it } from "vitest";
import { VAD_FRAME_SAMPLES } from "../../../shared/voice";
import { Downsampler } from "./downsampler";
import { DEFAULT_SEGMENTER, FRAME_MS, Segmenter, type SegmentEvent } from "./segmenter";

function run(probs: number[], seg = new Segmenter()): SegmentEvent[] {
  const out: SegmentEvent[] = [];
  probs.forEach((p, i) => {
    const e = seg.push(new Float32Array(VAD_FRAME_SAMPLES).fill(i / 10000), p);
    if (e) out.push(e);
  });
  return out;
}

describe("speech segmentation", () => {
  it("finds one utterance with its start and end, padded, and announces the start early", () => {
    const probs = [...Array(20).fill(0.05), ...Array(30).fill(0.9), 0.4, 0.9, ...Array(40).fill(0.02)];
    const events = run(probs);
    expect(events.map((e) => e.kind)).toEqual(["start", "end"]);
    expect(events[0]).toEqual({ kind: "start", startMs: 20 * FRAME_MS });
    const end = events[1] as Extract<SegmentEvent, { kind: "end" }>;
    expect(end.startMs).toBe(20 * FRAME_MS);
    expect(end.endMs).toBe(52 * FRAME_MS); // the last speech frame is frame 51
    // pre-pad (8) + speech and the in-between frame (32) + post-pad (4)
    expect(end.audio.length).toBe((8 + 32 + 4) * VAD_FRAME_SAMPLES);
    expect(end.audio[0]).toBeCloseTo(12 / 10000, 6); // frame 12 is the first pre-pad frame
    expect(end.tooLong).toBe(false);
  });

  it("calls a blip a misfire, finds nothing in silence, and cuts an endless utterance as too long", () => {
    expect(run([...Array(10).fill(0), 0.9, 0.9, 0.9, 0.9, ...Array(30).fill(0)]).map((e) => e.kind)).toEqual(["start", "misfire"]);
    expect(run(Array(500).fill(0.1))).toEqual([]);
    const long = run(Array(DEFAULT_SEGMENTER.maxFrames + 2).fill(0.95));
    expect(long.map((e) => e.kind)).toEqual(["start", "end"]);
    expect((long[1] as Extract<SegmentEvent, { kind: "end" }>).tooLong).toBe(true);
  });
});

describe("downsampling to 16 kHz frames", () => {
  it("averages 48 kHz input into 512-sample frames, whatever the block size", () => {
    const frames: Float32Array[] = [];
    const d = new Downsampler(48000, (f) => frames.push(f));
    const input = new Float32Array(48000).map((_, i) => Math.floor(i / 3) % 2); // 0,0,0,1,1,1,…
    for (let i = 0; i < input.length; i += 128) d.push(input.subarray(i, i + 128));
    expect(frames.length).toBe(Math.floor(16000 / 512));
    expect(Array.from(frames[0]!.subarray(0, 4))).toEqual([0, 1, 0, 1]);
    const d44 = new Downsampler(44100, (f) => frames.push(f));
    frames.length = 0;
    d44.push(new Float32Array(44100).fill(0.5));
    expect(frames.length).toBe(31);
    expect(frames[3]![100]).toBeCloseTo(0.5, 6);
  });
});
