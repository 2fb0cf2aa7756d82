/**
 * Every desktop shortcut, in one table: the input handling reads it and the help overlay
 * lists it, so the two cannot drift apart.
 */
export type Action =
  | "forward"
  | "back"
  | "left"
  | "right"
  | "turnLeft"
  | "turnRight"
  | "run"
  | "talk"
  | "newTask"
  | "help"
  | "pointerLock"
  | "close";

export interface Shortcut {
  action: Action;
  /** KeyboardEvent.code values. */
  codes: readonly string[];
  /** How the keys are written in the help overlay. */
  keys: string;
  description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: "forward", codes: ["KeyW", "ArrowUp"], keys: "W / ↑", description: "Walk forward" },
  { action: "back", codes: ["KeyS", "ArrowDown"], keys: "S / ↓", description: "Walk back" },
  { action: "left", codes: ["KeyA", "ArrowLeft"], keys: "A / ←", description: "Step left" },
  { action: "right", codes: ["KeyD", "ArrowRight"], keys: "D / →", description: "Step right" },
  { action: "turnLeft", codes: ["KeyQ"], keys: "Q", description: "Turn left" },
  { action: "turnRight", codes: ["KeyE"], keys: "E", description: "Turn right" },
  { action: "run", codes: ["ShiftLeft", "ShiftRight"], keys: "Shift", description: "Hold to run" },
  { action: "talk", codes: ["KeyT"], keys: "T", description: "Talk to an agent (pick one from the list)" },
  { action: "newTask", codes: ["KeyN"], keys: "N", description: "New task on the nearest district's board" },
  { action: "pointerLock", codes: ["KeyL"], keys: "L", description: "Lock the mouse to look around (Esc to release)" },
  { action: "help", codes: ["Slash", "KeyH"], keys: "? / H", description: "Show or hide this help" },
  { action: "close", codes: ["Escape"], keys: "Esc", description: "Close help, the talk panel, a task or an artifact; release the mouse" },
];

/** Mouse controls, shown in the help overlay beside the keys. */
export const MOUSE_HINTS: readonly { keys: string; description: string }[] = [
  { keys: "Drag", description: "Look around" },
  { keys: "Click the ground", description: "Walk there" },
  { keys: "Click an agent", description: "Talk to it" },
  { keys: "Click a task card", description: "Open the task: history, artifacts, move, assign" },
  { keys: "Click an artifact", description: "Read it in 2D and download it" },
  { keys: "Click a feed item", description: "Fly there" },
  { keys: "Wheel", description: "Zoom the camera in or out" },
];

const byCode = new Map<string, Action>();
for (const s of SHORTCUTS) for (const c of s.codes) byCode.set(c, s.action);

export function actionForCode(code: string): Action | undefined {
  return byCode.get(code);
}
