import { useXRInputSourceStateContext } from "@react-three/xr";
import { useEffect, useRef, type RefObject } from "react";
import type { Object3D } from "three";
import { handObjects } from "./rig-state";

/**
 * For the view of a controller or a tracked hand: registers the object given the returned ref as
 * that hand's tracked object (handObjects) while the view is mounted, so the rig can send where
 * the hand is and the wrist menu can follow it.
 */
export function useHandObject(kind: "controller" | "hand"): RefObject<Object3D | null> {
  const state = useXRInputSourceStateContext(kind);
  const ref = useRef<Object3D>(null);
  const hand = state.inputSource.handedness;
  useEffect(() => {
    if (hand !== "left" && hand !== "right") return;
    handObjects[hand] = ref.current;
    handObjects[`${hand}Kind`] = kind;
    return () => {
      if (handObjects[hand] === ref.current) {
        handObjects[hand] = null;
        handObjects[`${hand}Kind`] = null;
      }
    };
  }, [hand, kind]);
  return ref;
}
