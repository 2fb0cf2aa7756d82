import { createXRStore } from "@react-three/xr";
import { XRControllerView } from "./XRControllerView";
import { XRHandView } from "./XRHandView";

/**
 * Where the controller layout profiles are served from (assets/xr/profiles/): the app fetches
 * nothing from a CDN, and with the controller models off only the layouts (which button is
 * which) are needed.
 */
export const XR_PROFILES_PATH = "/xr/profiles/";

/**
 * How long a select (trigger pull, pinch, gaze-and-pinch, screen tap) may be held and still be a
 * click on what it points at. @pmndrs/pointer-events defaults to 300 ms, but a WebXR select is
 * one press-and-release whatever its length, and selectstart/selectend arrive with the frames: a
 * deliberate trigger pull often takes longer, and at a low frame rate (a loaded headset, or the
 * emulated one in the tests at a few frames a second) the two are always more than 300 ms apart,
 * so no click ever reached the scene's onClick handlers. 2000 was not enough either: on a loaded
 * machine a frame can take a second, so a press seen on one frame and its release two frames later
 * was already over 2 s and the click was dropped. So no limit: like WebXR's own `select` event, a
 * select that starts and ends on the same thing is a click however long it was held. Default
 * Infinity.
 */
export const XR_CLICK_THRESHOLD_MS = Number.POSITIVE_INFINITY;

/** The page element the DOM overlay (phone AR gestures, the Enter button) lives in. */
export const overlayRoot: HTMLDivElement = (() => {
  const div = document.createElement("div");
  div.className = "xr-overlay";
  div.dataset.testid = "xr-overlay";
  document.body.appendChild(div);
  return div;
})();

/**
 * The one XR store. Controllers and hands draw our own light models (no GLTF from a CDN) and a
 * ray pointer each; Vision Pro's transient-pointer (gaze and pinch) gets a ray pointer too;
 * phones get screen input. No emulator is ever injected by the app itself: the tests bring IWER.
 */
export const xrStore = createXRStore({
  emulate: false,
  offerSession: false,
  enterGrantedSession: false,
  baseAssetPath: new URL(XR_PROFILES_PATH, window.location.href).href,
  defaultControllerProfileId: "generic-trigger-squeeze-thumbstick",
  controller: XRControllerView,
  hand: XRHandView,
  transientPointer: { cursorModel: { color: "#ffffff" }, clickThresholdMs: XR_CLICK_THRESHOLD_MS },
  gaze: false,
  screenInput: { clickThresholdMs: XR_CLICK_THRESHOLD_MS },
  handTracking: true,
  hitTest: true,
  domOverlay: overlayRoot,
  anchors: false,
  layers: false,
  planeDetection: false,
  meshDetection: false,
  depthSensing: false,
  bodyTracking: false,
});
