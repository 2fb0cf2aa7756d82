import { describe, expect, it } from "vitest";
import { MAX_SPOKEN_CHUNK_CHARS, SentenceChunker, speakable } from "./sentence-chunker";

describe("cutting a streamed reply into spoken sentences", () => {
  it("gives each sentence as soon as it ends, however the text was split", () => {
    const c = new SentenceChunker();
    const text = "Sure, I can help with that. First we gather numbers! Then? We decide.";
    const out: string[] = [];
    for (let i = 0; i < text.length; i += 3) out.push(...c.push(text.slice(i, i + 3)));
    expect(out).toEqual(["Sure, I can help with that.", "First we gather numbers!"]);
    expect(c.flush()).toBe("Then? We decide.");
    expect(c.flush()).toBeNull();
  });

  it("cuts run-ons at a space, splits on line breaks and drops markdown marks", () => {
    const c = new SentenceChunker();
    const long = "word ".repeat(100);
    const pieces = c.push(long);
    expect(pieces.length).toBe(1);
    expect(pieces[0]!.length).toBeLessThanOrEqual(MAX_SPOKEN_CHUNK_CHARS);
    const d = new SentenceChunker();
    expect(d.push("## Status of the work\n- **done**: the calculator\n")).toEqual(["Status of the work", "- done : the calculator"]);
    expect(speakable("*** ---")).toBeNull();
  });
});
