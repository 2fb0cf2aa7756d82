import { useFrame } from "@react-three/fiber";
import { useLayoutEffect, useRef, type ReactNode } from "react";
import { Vector3, type Group } from "three";
import { xrStore } from "./xr-store";

/** Where a panel opens: this far in front of the eyes and this far below them (m, real size). */
export const PANEL_DISTANCE = 0.9; // default 0.9
export const PANEL_DROP = 0.15; // default 0.15

const eye = new Vector3();
const forward = new Vector3();
const scale = new Vector3();

/**
 * Holds an in-world panel where the viewer was looking when it opened (re-placed whenever `openKey`
 * changes), upright and facing them, at a real-world size whatever the origin's scale (1 in VR,
 * 50 on the AR tabletop).
 */
export function PanelAnchor({ openKey, children }: { openKey: string; children: ReactNode }) {
  const ref = useRef<Group>(null);
  const placedFor = useRef<string | null>(null);
  useLayoutEffect(() => {
    placedFor.current = null;
  }, [openKey]);
  useFrame(({ camera }) => {
    const g = ref.current;
    if (!g || placedFor.current === openKey) return;
    camera.matrixWorld.decompose(eye, g.quaternion, scale);
    const s = xrStore.getState().origin?.getWorldScale(scale).x ?? 1;
    forward.set(0, 0, -1).applyQuaternion(g.quaternion);
    forward.y = 0;
    if (forward.lengthSq() < 1e-6) forward.set(0, 0, -1);
    forward.normalize();
    g.position.set(eye.x + forward.x * PANEL_DISTANCE * s, eye.y - PANEL_DROP * s, eye.z + forward.z * PANEL_DISTANCE * s);
    g.rotation.set(0, Math.atan2(-forward.x, -forward.z), 0);
    g.scale.setScalar(s);
    placedFor.current = openKey;
  });
  return <group ref={ref}>{children}</group>;
}
