import { lazy, Suspense } from "react";
import { useDeviceMode } from "./device-modes";

const XRModeRoot = lazy(() => import("./XRModeRoot").then((m) => ({ default: m.XRModeRoot })));

/**
 * The door to the XR code: it loads (a lazy chunk of its own) only when the person chose VR, AR
 * or the phone's touch view on the landing page. Desktop never downloads it.
 */
export function DeviceModeRoot() {
  const view = useDeviceMode((s) => s.chosen);
  if (view !== "vr" && view !== "ar" && view !== "touch") return null;
  return (
    <Suspense fallback={null}>
      <XRModeRoot view={view} />
    </Suspense>
  );
}
