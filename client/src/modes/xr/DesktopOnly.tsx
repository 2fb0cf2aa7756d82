import type { ReactNode } from "react";
import { useDeviceMode } from "./device-modes";

/** The desktop camera and keys, unless a headset session or the phone's touch view drives the camera. */
export function DesktopOnly({ children }: { children: ReactNode }) {
  const off = useDeviceMode((s) => s.presenting || s.chosen === "touch");
  return off ? null : <>{children}</>;
}
