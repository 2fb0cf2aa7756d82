import { useFrame } from "@react-three/fiber";
import { Container, Text } from "@react-three/uikit";
import { useXR } from "@react-three/xr";
import { useRef, useState, useSyncExternalStore } from "react";
import { Quaternion, Vector3, type Group } from "three";
import { useStore } from "zustand";
import { useApp } from "../../engine/store";
import { handObjects, teleportRequest } from "./rig-state";
import { Button, COLOURS, Line, PIXEL_SIZE, Row, named } from "./ui-kit";
import { onXRVoiceChange, xrVoice, type XRVoice, type XRVoiceStatus } from "./voice-hook";
import { nextOf, updateXRSettings, xrSettings } from "./xr-settings";
import { xrStore } from "./xr-store";

/** Where the menu sits relative to the wrist (m): above the back of the hand. */
const WRIST_OFFSET = new Vector3(0, 0.07, 0.05);
/** Where it floats when there is no hand to hold it (Vision Pro gaze-and-pinch, phones): low and to the left. */
const BODY_OFFSET = new Vector3(-0.28, -0.35, -0.55);
/** How quickly the body-locked menu follows the head (1/s). */
const FOLLOW_RATE = 4;

const eye = new Vector3();
const target = new Vector3();
const q = new Quaternion();
const s = new Vector3();

const noSubscribe = () => () => undefined;
const off = (): XRVoiceStatus["phase"] => "off";

/** The voice's phase (off, starting, ready, listening, sending), re-rendering only when it changes. */
function useVoicePhase(voice: XRVoice | null): XRVoiceStatus["phase"] {
  const get = voice ? () => voice.status().phase : off;
  return useSyncExternalStore(voice?.subscribe ?? noSubscribe, get, get);
}

/** Teleport requests from the menu, carried out by the rig (which finds a free spot nearby). */
function teleportToDistrict(x: number, z: number): void {
  teleportRequest.x = x;
  teleportRequest.z = z;
  teleportRequest.pending = true;
}

/**
 * The hand menu: a button on the back of the menu hand (or, with no hand tracked, floating low in
 * view) that opens mute, teleport to a district, comfort settings and leave. Every control is a
 * plain select: nothing depends on hovering.
 */
export function WristMenu({ onPlaceAgain }: { onPlaceAgain?: () => void }) {
  const ref = useRef<Group>(null);
  const [open, setOpen] = useState(false);
  const session = useXR((st) => st.session);
  const world = useApp((st) => st.world);
  const settings = useStore(xrSettings);
  const voice = useSyncExternalStore(onXRVoiceChange, xrVoice, xrVoice);
  const voicePhase = useVoicePhase(voice);
  const muted = voicePhase === "off";

  useFrame(({ camera }, dt) => {
    const g = ref.current;
    if (!g) return;
    const scale = xrStore.getState().origin?.getWorldScale(s).x ?? 1;
    const hand = handObjects[xrSettings.getState().menuHand];
    if (hand) {
      hand.getWorldPosition(target);
      target.add(eye.copy(WRIST_OFFSET).multiplyScalar(scale));
      g.position.copy(target);
    } else {
      camera.matrixWorld.decompose(eye, q, s);
      target.copy(BODY_OFFSET).multiplyScalar(scale).applyQuaternion(q).add(eye);
      g.position.lerp(target, 1 - Math.exp(-FOLLOW_RATE * Math.min(dt, 0.1)));
    }
    // Face the eyes.
    camera.getWorldPosition(eye);
    g.lookAt(eye);
    g.scale.setScalar(scale);
  });

  if (!session) return null;
  const toggleMute = () => voice?.setMuted(!voice.isMuted());
  return (
    <group ref={ref}>
      {!open ? (
        <Container pixelSize={PIXEL_SIZE} flexDirection="row" gap={10}>
          <Container ref={named("wrist-menu-button")} backgroundColor={COLOURS.primary} borderRadius={40} paddingX={22} paddingY={14} onClick={() => setOpen(true)}>
            <Text fontSize={26} color={COLOURS.text}>
              Menu
            </Text>
          </Container>
          {voice && (
            // Push-to-talk for hands and gaze-and-pinch: pinch (or poke) and hold; release to send.
            <Container
              ref={named("wrist-talk-button")}
              backgroundColor={voicePhase === "listening" ? COLOURS.danger : COLOURS.good}
              borderRadius={40}
              paddingX={22}
              paddingY={14}
              onPointerDown={() => voice.startTalking()}
              onPointerUp={() => voice.stopTalking()}
              onPointerLeave={() => voice.stopTalking()}
            >
              <Text fontSize={26} color={COLOURS.text}>
                {voicePhase === "listening" ? "Release to send" : "Hold to talk"}
              </Text>
            </Container>
          )}
        </Container>
      ) : (
        <Container pixelSize={PIXEL_SIZE} ref={named("wrist-menu")} width={460} flexDirection="column" padding={20} gap={12} backgroundColor={COLOURS.panel} borderRadius={22}>
          <Row>
            <Button label="Close" name="menu-close" onClick={() => setOpen(false)} />
            {voice && <Button label={muted ? "Mic on" : "Mic off"} name="menu-mute" onClick={toggleMute} colour={muted ? COLOURS.danger : COLOURS.button} />}
            {onPlaceAgain && <Button label="Place again" name="menu-place" onClick={onPlaceAgain} />}
            <Button label="Leave" name="menu-leave" colour={COLOURS.danger} onClick={() => void xrStore.getState().session?.end()} />
          </Row>
          {voice && <Line>{`Talk: hold X (left controller) or A (right), or pinch and hold "Hold to talk" on the wrist.${muted ? " The first press turns the microphone on." : ""}`}</Line>}
          {!onPlaceAgain && world && (
            <>
              <Line>Teleport to</Line>
              <Row>
                <Button label="Plaza" name="teleport:plaza" onClick={() => teleportToDistrict(world.spawn.position[0], world.spawn.position[1])} />
                {world.districts.map((d) => (
                  <Button key={d.id} name={`teleport:${d.id}`} label={d.name} onClick={() => teleportToDistrict(d.position[0], d.position[1])} />
                ))}
              </Row>
              <Line>Comfort</Line>
              <Row>
                <Button
                  name="setting:turn"
                  label={settings.turn === "snap" ? `Snap turn ${settings.snapDegrees}°` : "Smooth turn"}
                  onClick={() => {
                    // snap 15 → 30 → 45 → smooth → snap 15 …
                    if (settings.turn === "smooth") updateXRSettings({ turn: "snap", snapDegrees: 15 });
                    else if (settings.snapDegrees === 45) updateXRSettings({ turn: "smooth" });
                    else updateXRSettings({ snapDegrees: nextOf([15, 30, 45] as const, settings.snapDegrees) });
                  }}
                />
                <Button
                  name="setting:vignette"
                  label={`Vignette ${settings.vignette === 0 ? "off" : settings.vignette < 0.5 ? "low" : "high"}`}
                  onClick={() => updateXRSettings({ vignette: nextOf([0, 0.4, 0.7] as const, settings.vignette as 0 | 0.4 | 0.7) })}
                />
                <Button name="setting:move" label={settings.smoothMove ? "Stick move on" : "Stick move off"} onClick={() => updateXRSettings({ smoothMove: !settings.smoothMove })} />
                <Button name="setting:hand" label={`Menu on ${settings.menuHand} hand`} onClick={() => updateXRSettings({ menuHand: settings.menuHand === "left" ? "right" : "left" })} />
              </Row>
            </>
          )}
        </Container>
      )}
    </group>
  );
}
