import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AgentServerMessage, type SpeechPayload } from "../../../shared/protocol/agent-messages";
import { SPEECH_FLUSH_MS, SpeechCoalescer } from "./speech";

let sent: Array<{ type: string; payload: SpeechPayload }>;
let speech: SpeechCoalescer;

beforeEach(() => {
  vi.useFakeTimers();
  sent = [];
  speech = new SpeechCoalescer((type, payload) => sent.push({ type, payload }));
});

afterEach(() => {
  speech.dispose();
  vi.useRealTimers();
});

const payloads = () => sent.map((s) => s.payload);

describe("SpeechCoalescer", () => {
  it("sends nothing until the flush interval, then one message per agent with all the text so far", () => {
    const a = speech.begin("iris");
    const b = speech.begin("bram");
    for (const word of ["The ", "brief ", "is ", "on ", "the ", "wall."]) speech.append("iris", a, word);
    speech.append("bram", b, "On ");
    speech.append("bram", b, "it.");
    expect(sent).toEqual([]);

    vi.advanceTimersByTime(SPEECH_FLUSH_MS - 1);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);

    expect(sent.every((s) => s.type === AgentServerMessage.Speech)).toBe(true);
    expect(payloads()).toHaveLength(2);
    expect(payloads()).toContainEqual({ agentId: "iris", utteranceId: a, delta: "The brief is on the wall.", done: false });
    expect(payloads()).toContainEqual({ agentId: "bram", utteranceId: b, delta: "On it.", done: false });
    expect(a).not.toBe(b);
  });

  it("sends only what arrived since the last flush, and nothing for a quiet interval", () => {
    const id = speech.begin("iris");
    speech.append("iris", id, "one ");
    vi.advanceTimersByTime(SPEECH_FLUSH_MS);
    speech.append("iris", id, "two ");
    speech.append("iris", id, "three");
    vi.advanceTimersByTime(SPEECH_FLUSH_MS);
    vi.advanceTimersByTime(SPEECH_FLUSH_MS * 3);
    expect(payloads().map((p) => p.delta)).toEqual(["one ", "two three"]);
  });

  it("end sends the remainder at once with done: true, and the timer stops afterwards", () => {
    const id = speech.begin("mira");
    speech.append("mira", id, "Layout A ");
    vi.advanceTimersByTime(SPEECH_FLUSH_MS);
    speech.append("mira", id, "wins.");
    speech.end("mira", id);
    expect(payloads()).toEqual([
      { agentId: "mira", utteranceId: id, delta: "Layout A ", done: false },
      { agentId: "mira", utteranceId: id, delta: "wins.", done: true },
    ]);
    // Nothing is sent twice, and the interval clears itself once nothing is pending.
    vi.advanceTimersByTime(SPEECH_FLUSH_MS * 4);
    expect(sent).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
    // Text that arrives after the end is dropped and does not restart the timer.
    speech.append("mira", id, " Really.");
    vi.advanceTimersByTime(SPEECH_FLUSH_MS * 4);
    expect(sent).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("end of an utterance with nothing left still says done, with an empty delta", () => {
    const id = speech.begin("otto");
    speech.append("otto", id, "All green.");
    vi.advanceTimersByTime(SPEECH_FLUSH_MS);
    speech.end("otto", id);
    expect(payloads()).toEqual([
      { agentId: "otto", utteranceId: id, delta: "All green.", done: false },
      { agentId: "otto", utteranceId: id, delta: "", done: true },
    ]);
  });

  it("a new utterance replaces the old one: its buffered text is not sent under the new id", () => {
    const first = speech.begin("cleo");
    speech.append("cleo", first, "Let me think");
    const second = speech.begin("cleo");
    expect(second).not.toBe(first);
    speech.append("cleo", second, "Actually, ");
    speech.append("cleo", second, "here is the plan.");
    vi.advanceTimersByTime(SPEECH_FLUSH_MS);
    expect(payloads()).toEqual([{ agentId: "cleo", utteranceId: second, delta: "Actually, here is the plan.", done: false }]);
  });

  it("late text of a replaced utterance does not clobber the new one", () => {
    const first = speech.begin("cleo");
    const second = speech.begin("cleo");
    speech.append("cleo", second, "New ");
    speech.append("cleo", first, "stale ");
    speech.append("cleo", second, "reply.");
    vi.advanceTimersByTime(SPEECH_FLUSH_MS);
    speech.end("cleo", second);
    expect(payloads()).toEqual([
      { agentId: "cleo", utteranceId: second, delta: "New reply.", done: false },
      { agentId: "cleo", utteranceId: second, delta: "", done: true },
    ]);
    // Ending the replaced one carries none of the new one's text.
    speech.end("cleo", first);
    expect(payloads().at(-1)).toEqual({ agentId: "cleo", utteranceId: first, delta: "", done: true });
  });

  it("interrupt closes the bubble of an agent freed mid-sentence, and is a no-op when it is silent", () => {
    const u = speech.begin("otto");
    speech.append("otto", u, "All systems are");
    speech.interrupt("otto");
    expect(payloads()).toEqual([{ agentId: "otto", utteranceId: u, delta: "All systems are", done: true }]);
    speech.interrupt("otto");
    speech.interrupt("nobody");
    expect(payloads()).toHaveLength(1);
  });

  it("dispose stops the timer and drops what was buffered", () => {
    const id = speech.begin("iris");
    speech.append("iris", id, "half a sent");
    expect(vi.getTimerCount()).toBe(1);
    speech.dispose();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(SPEECH_FLUSH_MS * 10);
    expect(sent).toEqual([]);
  });
});
