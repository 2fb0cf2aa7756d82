import { useFrame, useThree } from "@react-three/fiber";
import { XROrigin, useXR, useXRHitTest, useXRInputSourceEvent } from "@react-three/xr";
import { useEffect, useRef } from "react";
import { Mesh, RingGeometry, Vector3, type Fog, type Group } from "three";
import { localPlayer } from "../../engine/people";
import { connection } from "../../engine/session";
import { useApp } from "../../engine/store";
import { announceMode, localBody } from "../../engine/xr-body";
import { controllerState } from "../xr/xr-input";
import { overlayRoot, xrStore } from "../xr/xr-store";
import { fingerSpan, newPlacement, originFor, pinchScale, twistAngle } from "./tabletop";

/** How often the AR marker others see may jump to where this person looks (ms). */
export const MARKER_UPDATE_MS = 500; // default 500
/** It jumps only when the look point moved at least this far (campus m). */
const MARKER_MIN_MOVE = 1;
/** Thumbstick rotate and scale rates for a headset's controllers (rad/s, ×/s). */
const STICK_TURN = 1.2;
const STICK_SCALE = 1.6;

/** The placement, shared with the tests through the debug handle (window.__atriumXR). */
export const placement = newPlacement();

const hitTracked = new Vector3();
const originPose = { x: 0, y: 0, z: 0, yaw: 0, scale: 1 };
const eye = new Vector3();
const dir = new Vector3();
const span = { distance: 0, angle: 0 };
const reticleGeometry = new RingGeometry(0.05, 0.065, 32).rotateX(-Math.PI / 2);

/**
 * Phone and headset AR: the campus as a miniature (about 1:50) on a real surface. Before it is
 * placed it follows the hit-test reticle; a tap (select) puts it down. Two fingers pinch to scale
 * and twist to turn it (a headset's right stick does the same). Taps on agents open their panel
 * through the usual pointer events; others see this person as a marker where they look.
 */
export function ARTabletop() {
  const origin = useRef<Group>(null);
  const reticle = useRef<Mesh>(null);
  const session = useXR((s) => s.session);
  const world = useApp((s) => s.world);
  const scene = useThree((s) => s.scene);
  const hit = useRef(false);
  const lastMarker = useRef(0);

  // The passthrough is the background: no fog, and no lawn stretching round the table.
  useEffect(() => {
    if (!session || !world) return;
    placement.placed = false;
    announceMode("ar");
    connection.markPoseDirty();
    const fog = scene.fog as Fog | null;
    scene.fog = null;
    const hidden: Mesh[] = [];
    scene.traverse((o) => {
      const g = (o as Mesh).geometry as { type?: string; parameters?: { radius?: number } } | undefined;
      if ((o as Mesh).isMesh && g?.type === "CircleGeometry" && (g.parameters?.radius ?? 0) > world.campusRadius + 10 && o.visible) {
        o.visible = false;
        hidden.push(o as Mesh);
      }
    });
    const background = scene.background;
    scene.background = null;
    return () => {
      scene.fog = fog;
      scene.background = background;
      for (const m of hidden) m.visible = true;
      announceMode("desktop");
      connection.markPoseDirty();
    };
  }, [session, world, scene]);

  // Two-finger pinch and twist on the screen (the DOM overlay gets the touches).
  useEffect(() => {
    if (!session) return;
    const touches = new Map<number, { x: number; y: number }>();
    let before: { distance: number; angle: number } | null = null;
    const onDown = (e: PointerEvent) => {
      touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
      before = null;
    };
    const onMove = (e: PointerEvent) => {
      const t = touches.get(e.pointerId);
      if (!t) return;
      t.x = e.clientX;
      t.y = e.clientY;
      if (touches.size !== 2) return;
      const [a, b] = [...touches.values()] as [{ x: number; y: number }, { x: number; y: number }];
      const now = fingerSpan(a.x, a.y, b.x, b.y, { distance: 0, angle: 0 });
      if (before) {
        placement.scale = pinchScale(placement.scale, before.distance, now.distance);
        placement.yaw += twistAngle(before.angle, now.angle);
      }
      before = now;
    };
    const onUp = (e: PointerEvent) => {
      touches.delete(e.pointerId);
      before = null;
    };
    overlayRoot.addEventListener("pointerdown", onDown);
    overlayRoot.addEventListener("pointermove", onMove);
    window.addEventListener("pointerup", onUp);
    window.addEventListener("pointercancel", onUp);
    return () => {
      overlayRoot.removeEventListener("pointerdown", onDown);
      overlayRoot.removeEventListener("pointermove", onMove);
      window.removeEventListener("pointerup", onUp);
      window.removeEventListener("pointercancel", onUp);
    };
  }, [session]);

  // The hit point straight in the tracked space (the origin's reference space). Not through
  // getWorldMatrix: that multiplies by the store's `origin` as it was when the hit-test source was
  // created, which at session start is still the scene (the XR camera is not yet under XROrigin),
  // not this scaled, moving origin; mapping that "world" point back through this origin made the
  // reticle creep off the surface by 1/50 of the hit point every frame.
  useXRHitTest(
    (results) => {
      const first = results[0];
      const space = xrStore.getState().originReferenceSpace;
      const pose = first && space ? first.getPose(space) : undefined;
      hit.current = !!pose;
      if (pose) hitTracked.set(pose.transform.position.x, pose.transform.position.y, pose.transform.position.z);
    },
    "viewer",
  );

  // A tap or trigger puts the campus down where the reticle is.
  useXRInputSourceEvent(
    "all",
    "select",
    () => {
      if (!placement.placed && hit.current) placement.placed = true;
    },
    [],
  );

  useFrame(({ camera }, delta) => {
    const o = origin.current;
    if (!o || !session) return;
    const dt = Math.min(delta, 0.1);
    if (!placement.placed && hit.current) {
      placement.x = hitTracked.x;
      placement.y = hitTracked.y;
      placement.z = hitTracked.z;
    }
    const right = controllerState("right")?.gamepad["xr-standard-thumbstick"];
    if (right && placement.placed) {
      const sx = Math.abs(right.xAxis ?? 0) > 0.2 ? (right.xAxis ?? 0) : 0;
      const sy = Math.abs(right.yAxis ?? 0) > 0.2 ? (right.yAxis ?? 0) : 0;
      placement.yaw -= sx * STICK_TURN * dt;
      if (sy !== 0) placement.scale = pinchScale(placement.scale, 1, Math.exp(-sy * STICK_SCALE * dt));
    }
    originFor(placement, originPose);
    o.position.set(originPose.x, originPose.y, originPose.z);
    o.rotation.set(0, originPose.yaw, 0);
    o.scale.setScalar(originPose.scale);
    o.updateMatrixWorld();

    const r = reticle.current;
    if (r) {
      r.visible = !placement.placed && hit.current;
      // The reticle is drawn in the campus: map the tracked hit point through the new origin and
      // scale it so it stays 13 cm wide to the eye.
      if (r.visible) {
        r.position.copy(hitTracked).applyMatrix4(o.matrixWorld);
        r.scale.setScalar(originPose.scale);
      }
    }

    // Others see a marker where this person looks at the campus (jumps, at most twice a second).
    const now = performance.now();
    if (placement.placed && now - lastMarker.current > MARKER_UPDATE_MS) {
      lastMarker.current = now;
      camera.getWorldPosition(eye);
      camera.getWorldDirection(dir);
      if (dir.y < -0.05) {
        const t = -eye.y / dir.y;
        const px = eye.x + dir.x * t;
        const pz = eye.z + dir.z * t;
        const radius = (world?.campusRadius ?? 60) - 0.5;
        const rr = Math.hypot(px, pz);
        const mx = rr > radius ? (px * radius) / rr : px;
        const mz = rr > radius ? (pz * radius) / rr : pz;
        const p = localPlayer.pose;
        if (Math.hypot(mx - p.x, mz - p.z) > MARKER_MIN_MOVE) {
          p.x = mx;
          p.z = mz;
          // The marker jumps: the server checks bounds and rate for AR people, not walking speed.
          localBody.teleport = true;
          connection.markPoseDirty();
        }
      }
    }
    connection.flushPose(now);
  });

  return (
    <>
      <XROrigin ref={origin} />
      <mesh ref={reticle} geometry={reticleGeometry} visible={false} raycast={() => null}>
        <meshBasicMaterial color="#ffffff" transparent opacity={0.9} />
      </mesh>
    </>
  );
}
