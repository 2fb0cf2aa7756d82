import { useFrame } from "@react-three/fiber";
import { useEffect, useRef } from "react";
import { xrVoice } from "./voice-hook";
import { controllerState } from "./xr-input";

/**
 * The controller buttons that talk while held: X on the left controller, A on the right (the
 * face button under the thumb; the triggers select and the sticks move). Hands and Vision Pro
 * use the wrist menu's "Talk" button or the talk panel's "Hold to talk" instead.
 */
export const PTT_BUTTONS = [
  ["left", "x-button"],
  ["right", "a-button"],
] as const;

function anyTalkButtonPressed(): boolean {
  for (let i = 0; i < PTT_BUTTONS.length; i++) {
    const [hand, id] = PTT_BUTTONS[i]!;
    if (controllerState(hand)?.gamepad[id]?.state === "pressed") return true;
  }
  return false;
}

/**
 * Push-to-talk on a controller: pressing X (or A) calls the voice's startTalking, releasing it
 * stopTalking (the take goes to the server). Read from the gamepad each frame; no allocation.
 */
export function XRPushToTalk() {
  const held = useRef(false);
  useFrame(() => {
    const pressed = anyTalkButtonPressed();
    if (pressed === held.current) return;
    const voice = xrVoice();
    if (!voice) return;
    held.current = pressed;
    if (pressed) voice.startTalking();
    else voice.stopTalking();
  });
  // Leaving the session (or the controllers going away) with the button down still ends the take.
  useEffect(
    () => () => {
      if (held.current) xrVoice()?.stopTalking();
    },
    [],
  );
  return null;
}
