import { beforeEach, describe, expect, it } from "vitest";
import { ReplayClock } from "./replay-clock";
import { controlsFor, handleReplayKey } from "./replay-controls";
import { useReplayUi } from "./replay-ui";

const key = (key: string, extra: Partial<{ code: string; shiftKey: boolean; ctrlKey: boolean }> = {}) => ({
  key,
  code: extra.code ?? "",
  shiftKey: extra.shiftKey ?? false,
  ctrlKey: extra.ctrlKey ?? false,
  metaKey: false,
  altKey: false,
});

describe("replay keyboard shortcuts", () => {
  let clock: ReplayClock;
  let controls: ReturnType<typeof controlsFor>;
  beforeEach(() => {
    clock = new ReplayClock(0, 120_000);
    controls = controlsFor(clock);
    useReplayUi.setState({ t: 0, playing: false, speed: 1, provenance: null });
  });

  it("space plays and pauses, and the UI store follows at once", () => {
    expect(handleReplayKey(key(" "), controls)).toBe(true);
    expect(clock.playing).toBe(true);
    expect(useReplayUi.getState().playing).toBe(true);
    handleReplayKey(key(" "), controls);
    expect(useReplayUi.getState().playing).toBe(false);
  });

  it("arrows step 5 s, 30 s with Shift, within the window", () => {
    handleReplayKey(key("ArrowRight"), controls);
    expect(clock.t).toBe(5_000);
    handleReplayKey(key("ArrowRight", { shiftKey: true }), controls);
    expect(clock.t).toBe(35_000);
    handleReplayKey(key("ArrowLeft", { shiftKey: true }), controls);
    handleReplayKey(key("ArrowLeft"), controls);
    handleReplayKey(key("ArrowLeft"), controls);
    expect(clock.t).toBe(0);
    expect(useReplayUi.getState().t).toBe(0);
    handleReplayKey(key("End"), controls);
    expect(clock.t).toBe(120_000);
  });

  it("1–5 pick the speeds; other digits and modified keys do nothing", () => {
    const speeds = ["1", "2", "3", "4", "5"].map((d) => {
      handleReplayKey(key(d, { code: `Digit${d}` }), controls);
      return clock.speed;
    });
    expect(speeds).toEqual([1, 2, 4, 8, 16]);
    expect(handleReplayKey(key("6", { code: "Digit6" }), controls)).toBe(false);
    expect(handleReplayKey(key("1", { code: "Digit1", ctrlKey: true }), controls)).toBe(false);
    expect(clock.speed).toBe(16);
  });

  it("Esc closes the provenance panel, and is left alone when none is open", () => {
    expect(handleReplayKey(key("Escape"), controls)).toBe(false);
    useReplayUi.setState({ provenance: { kind: "tool", id: 3, llmCallId: 9 } });
    expect(handleReplayKey(key("Escape"), controls)).toBe(true);
    expect(useReplayUi.getState().provenance).toBeNull();
  });
});
