import { DefaultXRController, XRSpace } from "@react-three/xr";
import { BoxGeometry, MeshLambertMaterial } from "three";
import { useHandObject } from "./use-hand-object";
import { XR_CLICK_THRESHOLD_MS } from "./xr-store";

const body = new BoxGeometry(0.05, 0.04, 0.13).translate(0, -0.01, 0.03);
const material = new MeshLambertMaterial({ color: "#334155" });

/**
 * A controller: a light block in the hand (no GLTF model from a CDN) and the default ray
 * pointer, whose trigger selects through R3F pointer events. Registers its grip object so the
 * rig can send where the hand is.
 */
export function XRControllerView() {
  const ref = useHandObject("controller");
  return (
    <>
      <XRSpace ref={ref} space="grip-space">
        <mesh geometry={body} material={material} raycast={() => null} />
      </XRSpace>
      <DefaultXRController
        model={false}
        grabPointer={false}
        teleportPointer={false}
        rayPointer={{ rayModel: { color: "#bfdbfe", maxLength: 8 }, cursorModel: { color: "#ffffff" }, clickThresholdMs: XR_CLICK_THRESHOLD_MS }}
      />
    </>
  );
}
