import { useFrame } from "@react-three/fiber";
import { Container, Text } from "@react-three/uikit";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { Quaternion, Vector3, type Group } from "three";
import { COLOURS, PIXEL_SIZE, named, plain } from "./ui-kit";
import { onXRVoiceChange, xrVoice, type XRVoice, type XRVoiceStatus } from "./voice-hook";
import { xrStore } from "./xr-store";

/** Where the indicator floats, in the eyes' frame (m, real size): a little below the centre of view. */
const OFFSET = new Vector3(0, -0.2, -0.75);
/** How long what was heard (or an error) stays in view after the take (ms). Default 5000. */
export const VOICE_MESSAGE_MS = 5000;

const eye = new Vector3();
const q = new Quaternion();
const s = new Vector3();

const NO_STATUS: XRVoiceStatus = { phase: "off", message: null };
const noSubscribe = () => () => undefined;

function useStatus(voice: XRVoice | null): XRVoiceStatus {
  return useSyncExternalStore(voice?.subscribe ?? noSubscribe, voice?.status ?? (() => NO_STATUS), voice?.status ?? (() => NO_STATUS));
}

/**
 * The in-headset voice indicator: while push-to-talk is held a red "Listening" pill floats low in
 * view (head-locked, so it is seen wherever one looks), then "Transcribing…", then what was heard
 * (or why not) for a few seconds. Hidden (no draw calls) otherwise. uikit, not DOM: DOM overlays
 * do not show in a headset.
 */
export function XRVoiceIndicator() {
  const voice = useSyncExternalStore(onXRVoiceChange, xrVoice, xrVoice);
  const status = useStatus(voice);
  const ref = useRef<Group>(null);
  const [shownMessage, setShownMessage] = useState<XRVoiceStatus["message"]>(null);

  // The last message shows for a while after it arrives (not while listening or sending).
  useEffect(() => {
    if (!status.message) return;
    setShownMessage(status.message);
    const t = setTimeout(() => setShownMessage(null), VOICE_MESSAGE_MS);
    return () => clearTimeout(t);
  }, [status.message]);

  useFrame(({ camera }) => {
    const g = ref.current;
    if (!g) return;
    const scale = xrStore.getState().origin?.getWorldScale(s).x ?? 1;
    camera.matrixWorld.decompose(eye, q, s);
    g.position.copy(OFFSET).multiplyScalar(scale).applyQuaternion(q).add(eye);
    g.quaternion.copy(q);
    g.scale.setScalar(scale);
  });

  let text: string | null = null;
  let colour: string = COLOURS.panel;
  let phase: string = status.phase;
  if (status.phase === "listening") {
    text = "Listening - release to send";
    colour = COLOURS.danger;
  } else if (status.phase === "hearing") {
    text = "Hearing you";
    colour = COLOURS.danger;
  } else if (status.phase === "starting") {
    text = "Starting the microphone...";
  } else if (status.phase === "sending") {
    text = "Transcribing...";
  } else if (shownMessage) {
    text = shownMessage.text;
    colour = shownMessage.kind === "error" ? COLOURS.danger : COLOURS.panel;
    phase = shownMessage.kind === "error" ? "error" : "heard";
  }
  if (!voice || !text) return null;
  const live = phase === "listening" || phase === "hearing";
  return (
    <group ref={ref} name={`xr-voice-indicator:${phase}`}>
      <Container pixelSize={PIXEL_SIZE} ref={named("xr-voice-indicator")} maxWidth={560} flexDirection="row" alignItems="center" gap={12} backgroundColor={colour} borderRadius={30} paddingX={24} paddingY={12}>
        {live && <Container width={18} height={18} borderRadius={9} backgroundColor={COLOURS.text} flexShrink={0} />}
        <Text fontSize={26} color={COLOURS.text} wordBreak="break-word" flexShrink={1}>
          {plain(text)}
        </Text>
      </Container>
    </group>
  );
}
