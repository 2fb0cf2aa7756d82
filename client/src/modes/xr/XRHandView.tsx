import { DefaultXRHand, XRSpace } from "@react-three/xr";
import { BoxGeometry, MeshLambertMaterial, SphereGeometry } from "three";
import { useHandObject } from "./use-hand-object";
import { XR_CLICK_THRESHOLD_MS } from "./xr-store";

const palm = new BoxGeometry(0.08, 0.02, 0.09).translate(0, 0, -0.04);
const tip = new SphereGeometry(0.012, 8, 6);
const material = new MeshLambertMaterial({ color: "#e2c6a8" });

/**
 * A tracked hand: a palm and a fingertip (no hand model from a CDN), a ray pointer that selects
 * with a pinch, and a touch pointer on the index finger for pressing panels directly.
 */
export function XRHandView() {
  const ref = useHandObject("hand");
  return (
    <>
      <XRSpace ref={ref} space="wrist">
        <mesh geometry={palm} material={material} raycast={() => null} />
      </XRSpace>
      <XRSpace space="index-finger-tip">
        <mesh geometry={tip} material={material} raycast={() => null} />
      </XRSpace>
      <DefaultXRHand
        model={false}
        grabPointer={false}
        teleportPointer={false}
        rayPointer={{ rayModel: { color: "#bfdbfe", maxLength: 1 }, clickThresholdMs: XR_CLICK_THRESHOLD_MS }}
        touchPointer={{ clickThresholdMs: XR_CLICK_THRESHOLD_MS }}
      />
    </>
  );
}
