import { PointerEvent as XRPointerEvent } from "@pmndrs/pointer-events";
import { useThree } from "@react-three/fiber";
import { XR } from "@react-three/xr";
import { useEffect } from "react";
import { createRoot } from "react-dom/client";
import { ARTabletop, placement } from "../ar/ARTabletop";
import { orbit } from "../ar/orbit-state";
import { TouchView } from "../ar/TouchView";
import { deviceModeStore, useDeviceMode, type ViewMode } from "./device-modes";
import { aim, rig, teleportRequest } from "./rig-state";
import { TeleportArc } from "./TeleportArc";
import { Vignette } from "./Vignette";
import { WristMenu } from "./WristMenu";
import { XREnterOverlay } from "./XREnterOverlay";
import { XRPanels } from "./XRPanels";
import { XRPushToTalk } from "./XRPushToTalk";
import { XRVoiceIndicator } from "./XRVoiceIndicator";
import { XRRig } from "./XRRig";
import { xrSettings } from "./xr-settings";
import { overlayRoot, xrStore } from "./xr-store";

/*
 * The scene's click handlers tell a click from a drag-to-look by R3F's `delta` (pixels the mouse
 * moved). XR pointers have no screen, and @pmndrs/pointer-events throws on `delta`; a ray's
 * select is always a click, so it reads 0.
 */
Object.defineProperty(XRPointerEvent.prototype, "delta", { configurable: true, get: () => 0 });

/** For the end-to-end tests and curious developers: the XR store and rig state. */
function exposeXRDebug(): void {
  Object.defineProperty(window, "__atriumXR", {
    configurable: true,
    value: { store: xrStore, rig, aim, placement, orbit, teleport: teleportRequest, settings: xrSettings, modes: deviceModeStore },
  });
}

/**
 * Everything a chosen XR mode adds to the scene: the XR store and session (VR rig or AR tabletop),
 * teleport arc, comfort vignette, in-world panels, push-to-talk and its indicator, and the wrist menu; or, for the phone's touch
 * view, the orbit camera. Loaded lazily (see DeviceModeRoot).
 */
export function XRModeRoot({ view }: { view: ViewMode }) {
  const gl = useThree((s) => s.gl);
  const presenting = useDeviceMode((s) => s.presenting);

  useEffect(() => {
    exposeXRDebug();
    gl.localClippingEnabled = true; // uikit panels clip their overflow
    return xrStore.subscribe((s, prev) => {
      if (s.session === prev.session) return;
      deviceModeStore.setState({ presenting: !!s.session });
      // Phone AR's DOM overlay takes the touches (pinch and twist); elsewhere it lets them through.
      overlayRoot.style.pointerEvents = s.session && s.mode === "immersive-ar" ? "auto" : "none";
    });
  }, [gl]);

  useEffect(() => {
    const host = document.createElement("div");
    overlayRoot.appendChild(host);
    const root = createRoot(host);
    root.render(<XREnterOverlay view={view} />);
    return () => {
      root.unmount();
      host.remove();
    };
  }, [view]);

  if (view === "touch") return <TouchView />;
  return (
    <XR store={xrStore}>
      {view === "ar" ? <ARTabletop /> : <XRRig />}
      {view === "vr" && <TeleportArc />}
      {view === "vr" && <Vignette />}
      {presenting && <XRPanels />}
      {presenting && <XRPushToTalk />}
      {presenting && <XRVoiceIndicator />}
      <WristMenu onPlaceAgain={view === "ar" ? () => void (placement.placed = false) : undefined} />
    </XR>
  );
}
