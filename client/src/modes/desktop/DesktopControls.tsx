import { useFrame, useThree } from "@react-three/fiber";
import { useEffect } from "react";
import { nearestDistrict } from "../../engine/boards";
import { flight } from "../../engine/fly-to";
import { actionForCode } from "../../engine/keymap";
import { cameraRig, localPlayer } from "../../engine/people";
import { connection } from "../../engine/session";
import { appStore } from "../../engine/store";

/** Radians of look per pixel of mouse movement. */
const LOOK_SENSITIVITY = 0.005;
/**
 * Longest frame step the local player takes (s). Slow devices still walk at full speed; the
 * server's speed check allows up to MOVE_MAX_DT_S between moves, which is larger.
 */
const MAX_FRAME_DT = 0.25;
/** Camera distance change per wheel notch (fraction). */
const ZOOM_STEP = 0.1;

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

/**
 * Keyboard and mouse on desktop: keys from the keymap table, drag or pointer lock to look,
 * wheel to zoom. Also drives the local player each frame and sends its pose.
 */
export function DesktopControls() {
  const canvas = useThree((s) => s.gl.domElement);

  useEffect(() => {
    const look = (dx: number, dy: number) => {
      localPlayer.look(-dx * LOOK_SENSITIVITY, -dy * LOOK_SENSITIVITY);
      connection.markPoseDirty();
    };
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const action = actionForCode(e.code);
      if (!action) return;
      const down = e.type === "keydown";
      e.preventDefault();
      switch (action) {
        case "help":
          if (down && !e.repeat) appStore.setState((s) => ({ helpOpen: !s.helpOpen }));
          return;
        case "talk":
          if (down && !e.repeat) appStore.setState((s) => ({ pickerOpen: !s.pickerOpen, talkTo: null }));
          return;
        case "newTask":
          if (down && !e.repeat) {
            const { world } = appStore.getState();
            if (world) appStore.setState({ newTask: { district: nearestDistrict(world, localPlayer.pose.x, localPlayer.pose.z) } });
          }
          return;
        case "close":
          if (down) appStore.setState({ helpOpen: false, pickerOpen: false, talkTo: null, selectedTask: null, openArtifact: null, newTask: null });
          return;
        case "pointerLock":
          if (down && !e.repeat) {
            if (document.pointerLockElement === canvas) document.exitPointerLock();
            else void canvas.requestPointerLock()?.catch?.(() => undefined);
          }
          return;
        default:
          localPlayer.press(action, down);
      }
    };
    let dragging = false;
    const onPointerDown = (e: PointerEvent) => {
      if (e.button === 0 || e.button === 2) dragging = true;
    };
    const onPointerUp = () => {
      dragging = false;
    };
    const onPointerMove = (e: PointerEvent) => {
      if (document.pointerLockElement === canvas || dragging) look(e.movementX, e.movementY);
    };
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const factor = e.deltaY > 0 ? 1 + ZOOM_STEP : 1 - ZOOM_STEP;
      cameraRig.distance = Math.min(cameraRig.max, Math.max(cameraRig.min, cameraRig.distance * factor));
    };
    const onBlur = () => {
      localPlayer.releaseAll();
      dragging = false;
    };
    const noMenu = (e: Event) => e.preventDefault();

    window.addEventListener("keydown", onKey);
    window.addEventListener("keyup", onKey);
    window.addEventListener("blur", onBlur);
    window.addEventListener("pointerup", onPointerUp);
    canvas.addEventListener("pointerdown", onPointerDown);
    canvas.addEventListener("pointermove", onPointerMove);
    canvas.addEventListener("wheel", onWheel, { passive: false });
    canvas.addEventListener("contextmenu", noMenu);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("keyup", onKey);
      window.removeEventListener("blur", onBlur);
      window.removeEventListener("pointerup", onPointerUp);
      canvas.removeEventListener("pointerdown", onPointerDown);
      canvas.removeEventListener("pointermove", onPointerMove);
      canvas.removeEventListener("wheel", onWheel);
      canvas.removeEventListener("contextmenu", noMenu);
    };
  }, [canvas]);

  useFrame((_, dt) => {
    if (flight.step(localPlayer, performance.now())) connection.markPoseDirty();
    if (localPlayer.step(Math.min(dt, MAX_FRAME_DT))) connection.markPoseDirty();
    connection.flushPose(performance.now());
  });
  return null;
}
