import { useFrame, useThree } from "@react-three/fiber";
import { useEffect, useRef } from "react";
import { Vector3 } from "three";
import { localPlayer } from "../../engine/people";
import { connection } from "../../engine/session";
import { useApp } from "../../engine/store";
import { announceMode, localBody } from "../../engine/xr-body";
import { MARKER_UPDATE_MS } from "./ARTabletop";
import { orbitDrag, orbitEye, orbitPan, orbitPinch } from "./orbit";
import { orbit } from "./orbit-state";
const eye = { x: 0, y: 0, z: 0 };
/** The class on <body> while the touch view is on: the HUD compacts itself (styles.css). */
export const TOUCH_VIEW_CLASS = "touch-view";
const look = new Vector3();

/**
 * The phone's 3D view where immersive-ar is missing (iOS Safari, for one): one finger orbits the
 * campus, two fingers pinch to zoom and slide, a tap selects (R3F's click, as on desktop). The
 * desktop HUD stays, compacted so it does not cover the middle of a phone's screen (an unfolded
 * activity feed took the upper half and swallowed taps meant for agents). Others see this person
 * as a marker at the point they look at.
 */
export function TouchView() {
  const canvas = useThree((s) => s.gl.domElement);
  const world = useApp((s) => s.world);
  const lastMarker = useRef(0);

  useEffect(() => {
    announceMode("ar");
    orbit.x = localPlayer.pose.x;
    orbit.z = localPlayer.pose.z;
    connection.markPoseDirty();
    canvas.style.touchAction = "none";
    // The HUD keeps out of the middle of the screen, where taps select (styles.css: body.touch-view).
    document.body.classList.add(TOUCH_VIEW_CLASS);
    const touches = new Map<number, { x: number; y: number }>();
    const radius = world?.campusRadius ?? 60;
    const onDown = (e: PointerEvent) => void touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
    const onMove = (e: PointerEvent) => {
      const t = touches.get(e.pointerId);
      if (!t) return;
      const dx = e.clientX - t.x;
      const dy = e.clientY - t.y;
      if (touches.size === 1) {
        orbitDrag(orbit, dx, dy);
      } else if (touches.size === 2) {
        const other = [...touches.entries()].find(([id]) => id !== e.pointerId)?.[1];
        if (other) {
          orbitPinch(orbit, Math.hypot(t.x - other.x, t.y - other.y), Math.hypot(e.clientX - other.x, e.clientY - other.y));
          orbitPan(orbit, dx / 2, dy / 2, radius);
        }
      }
      t.x = e.clientX;
      t.y = e.clientY;
    };
    const onUp = (e: PointerEvent) => void touches.delete(e.pointerId);
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      orbitPinch(orbit, 100, e.deltaY > 0 ? 90 : 110);
    };
    canvas.addEventListener("pointerdown", onDown);
    canvas.addEventListener("pointermove", onMove);
    canvas.addEventListener("wheel", onWheel, { passive: false });
    window.addEventListener("pointerup", onUp);
    window.addEventListener("pointercancel", onUp);
    return () => {
      canvas.removeEventListener("pointerdown", onDown);
      canvas.removeEventListener("pointermove", onMove);
      canvas.removeEventListener("wheel", onWheel);
      window.removeEventListener("pointerup", onUp);
      window.removeEventListener("pointercancel", onUp);
      document.body.classList.remove(TOUCH_VIEW_CLASS);
      announceMode("desktop");
      connection.markPoseDirty();
    };
  }, [canvas, world]);

  useFrame(({ camera }) => {
    orbitEye(orbit, eye);
    camera.position.set(eye.x, eye.y, eye.z);
    camera.lookAt(look.set(orbit.x, 0, orbit.z));
    const now = performance.now();
    const p = localPlayer.pose;
    if (now - lastMarker.current > MARKER_UPDATE_MS && Math.hypot(orbit.x - p.x, orbit.z - p.z) > 1) {
      lastMarker.current = now;
      p.x = orbit.x;
      p.z = orbit.z;
      localBody.teleport = true;
      connection.markPoseDirty();
    }
    connection.flushPose(now);
  });
  return null;
}
