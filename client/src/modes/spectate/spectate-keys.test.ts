import { describe, expect, it } from "vitest";
import { actionForKey, replayLink, SPECTATE_SHORTCUTS, stepFocus } from "./spectate-keys";

describe("spectator shortcuts", () => {
  it("maps keys to actions, and leaves modified keys and others to the browser", () => {
    expect(actionForKey({ key: "v" })).toEqual({ kind: "toggle-view" });
    expect(actionForKey({ key: "V" })).toEqual({ kind: "toggle-view" });
    expect(actionForKey({ key: "m" })).toEqual({ kind: "view", view: "map" });
    expect(actionForKey({ key: "t" })).toEqual({ kind: "view", view: "tour" });
    expect(actionForKey({ key: "1" })).toEqual({ kind: "focus-index", index: 0 });
    expect(actionForKey({ key: "9" })).toEqual({ kind: "focus-index", index: 8 });
    expect(actionForKey({ key: "ArrowRight" })).toEqual({ kind: "focus-step", step: 1 });
    expect(actionForKey({ key: "ArrowLeft" })).toEqual({ kind: "focus-step", step: -1 });
    expect(actionForKey({ key: "Escape" })).toEqual({ kind: "clear-focus" });
    expect(actionForKey({ key: "0" })).toEqual({ kind: "clear-focus" });
    expect(actionForKey({ key: "p" })).toEqual({ kind: "pause-feed" });
    expect(actionForKey({ key: " " })).toEqual({ kind: "pause-feed" });
    expect(actionForKey({ key: "f" })).toEqual({ kind: "fullscreen" });
    expect(actionForKey({ key: "r" })).toEqual({ kind: "replay" });
    expect(actionForKey({ key: "r", ctrlKey: true })).toBeNull();
    expect(actionForKey({ key: "f", metaKey: true })).toBeNull();
    expect(actionForKey({ key: "x" })).toBeNull();
    expect(actionForKey({ key: "Tab" })).toBeNull();
  });

  it("lists every action in the help line", () => {
    const keys = SPECTATE_SHORTCUTS.map(([k]) => k).join(" ");
    for (const k of ["V", "1–9", "←", "P", "F", "R", "Esc"]) expect(keys).toContain(k);
  });

  it("steps the focus through the agents, wrapping", () => {
    const order = ["a", "b", "c"];
    expect(stepFocus(order, null, 1)).toBe("a");
    expect(stepFocus(order, null, -1)).toBe("c");
    expect(stepFocus(order, "a", 1)).toBe("b");
    expect(stepFocus(order, "c", 1)).toBe("a");
    expect(stepFocus(order, "a", -1)).toBe("c");
    expect(stepFocus(order, "gone", 1)).toBe("a");
    expect(stepFocus([], null, 1)).toBeNull();
  });

  it("links to the replay of the last minutes", () => {
    expect(replayLink("team-a", 1_000_000_000, 15)).toBe(`/replay?workspace=team-a&from=${1_000_000_000 - 900_000}&to=1000000000`);
  });
});
