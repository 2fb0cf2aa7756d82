import type { XRControllerState } from "@pmndrs/xr/internals";
import { xrStore } from "./xr-store";

/** The controller state of one hand, or undefined; a loop, so the frame loop allocates nothing. */
export function controllerState(hand: "left" | "right"): XRControllerState | undefined {
  const states = xrStore.getState().inputSourceStates;
  for (let i = 0; i < states.length; i++) {
    const s = states[i]!;
    if (s.type === "controller" && s.inputSource.handedness === hand) return s;
  }
  return undefined;
}
