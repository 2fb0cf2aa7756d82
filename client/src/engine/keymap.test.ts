import { describe, expect, it } from "vitest";
import { MOUSE_HINTS, SHORTCUTS, actionForCode, type Action } from "./keymap";

/**
 * Every Action, written out. A Record keyed by the union makes the compiler (npm run
 * typecheck) fail when an Action is added or removed without updating this list.
 */
const ALL_ACTIONS: Record<Action, true> = {
  forward: true,
  back: true,
  left: true,
  right: true,
  turnLeft: true,
  turnRight: true,
  run: true,
  talk: true,
  newTask: true,
  help: true,
  pointerLock: true,
  close: true,
};

describe("keymap", () => {
  it("binds no key code to two actions", () => {
    const owner = new Map<string, Action>();
    const clashes: string[] = [];
    for (const s of SHORTCUTS) {
      for (const code of s.codes) {
        const previous = owner.get(code);
        if (previous !== undefined) clashes.push(`${code}: ${previous} and ${s.action}`);
        owner.set(code, s.action);
      }
    }
    expect(clashes).toEqual([]);
  });

  it("gives every Action exactly one shortcut row with at least one key", () => {
    const actions = Object.keys(ALL_ACTIONS) as Action[];
    for (const action of actions) {
      const rows = SHORTCUTS.filter((s) => s.action === action);
      expect(rows, action).toHaveLength(1);
      expect(rows[0]!.codes.length, action).toBeGreaterThan(0);
    }
    expect(SHORTCUTS).toHaveLength(actions.length);
  });

  it("describes every shortcut for the help overlay", () => {
    for (const s of [...SHORTCUTS, ...MOUSE_HINTS]) {
      expect(s.keys.trim(), JSON.stringify(s)).not.toBe("");
      expect(s.description.trim(), JSON.stringify(s)).not.toBe("");
    }
  });

  it("uses KeyboardEvent.code names, not characters", () => {
    for (const s of SHORTCUTS) for (const code of s.codes) expect(code).toMatch(/^[A-Z][A-Za-z0-9]+$/);
  });

  it("looks actions up by code", () => {
    expect(actionForCode("KeyW")).toBe("forward");
    expect(actionForCode("ArrowUp")).toBe("forward");
    expect(actionForCode("KeyS")).toBe("back");
    expect(actionForCode("KeyA")).toBe("left");
    expect(actionForCode("KeyD")).toBe("right");
    expect(actionForCode("KeyQ")).toBe("turnLeft");
    expect(actionForCode("KeyE")).toBe("turnRight");
    expect(actionForCode("ShiftRight")).toBe("run");
    expect(actionForCode("Escape")).toBe("close");
    expect(actionForCode("KeyZ")).toBeUndefined();
    expect(actionForCode("w")).toBeUndefined();
    for (const s of SHORTCUTS) for (const code of s.codes) expect(actionForCode(code)).toBe(s.action);
  });
});
