import { createStore } from "zustand/vanilla";
import { useStore } from "zustand";

/**
 * What this device offers and how the person chose to be in Atrium. Small and free of three.js:
 * the landing page (initial bundle) uses it; the XR code itself loads lazily (see DeviceModeRoot).
 */

/** desktop: keyboard and mouse; vr / ar: an immersive WebXR session; touch: the phone's 3D view where immersive-ar is missing. */
export type ViewMode = "desktop" | "vr" | "ar" | "touch";

export interface DeviceSupport {
  vr: boolean;
  ar: boolean;
  /** A touch screen as the main pointer (a phone or tablet). */
  touch: boolean;
  /** False until detection has finished. */
  checked: boolean;
}

export interface DeviceModeState {
  support: DeviceSupport;
  /** The chosen way in; null until the person chooses (or a remembered choice applies). */
  chosen: ViewMode | null;
  /** An immersive session is running (the desktop camera and keys stand aside). */
  presenting: boolean;
}

/** localStorage key of the remembered choice. */
export const MODE_KEY = "atrium.mode";
const MODES: readonly ViewMode[] = ["desktop", "vr", "ar", "touch"];

export const deviceModeStore = createStore<DeviceModeState>()(() => ({
  support: { vr: false, ar: false, touch: false, checked: false },
  chosen: null,
  presenting: false,
}));

export function useDeviceMode<T>(selector: (s: DeviceModeState) => T): T {
  return useStore(deviceModeStore, selector);
}

/** The person mode others see for a view mode (shared/protocol personModes). */
export function personModeOf(view: ViewMode, inSession: boolean): "desktop" | "vr" | "ar" {
  if (view === "touch") return "ar";
  if (!inSession) return "desktop";
  return view === "ar" ? "ar" : view === "vr" ? "vr" : "desktop";
}

interface XRLike {
  isSessionSupported(mode: string): Promise<boolean>;
}

/** Asks the browser which immersive modes it offers; a browser without WebXR offers none. */
export async function detectSupport(xr: XRLike | undefined, coarsePointer: boolean): Promise<DeviceSupport> {
  const ask = async (mode: string) => {
    if (!xr) return false;
    try {
      return await xr.isSessionSupported(mode);
    } catch {
      return false;
    }
  };
  const [vr, ar] = await Promise.all([ask("immersive-vr"), ask("immersive-ar")]);
  return { vr, ar, touch: coarsePointer, checked: true };
}

/** Which choices this device can take. Touch is the stand-in for AR where immersive-ar is missing. */
export function availableModes(s: DeviceSupport): ViewMode[] {
  const out: ViewMode[] = [];
  if (s.vr) out.push("vr");
  if (s.ar) out.push("ar");
  else if (s.touch) out.push("touch");
  out.push("desktop");
  return out;
}

/** The remembered choice if the device still offers it, else the best it offers (VR, then AR, then touch, then desktop). */
export function defaultMode(s: DeviceSupport, remembered: string | null): ViewMode {
  const offered = availableModes(s);
  if (remembered && (MODES as readonly string[]).includes(remembered) && offered.includes(remembered as ViewMode)) return remembered as ViewMode;
  return offered[0] ?? "desktop";
}

export function rememberedMode(storage: Pick<Storage, "getItem"> = localStorage): string | null {
  try {
    return storage.getItem(MODE_KEY);
  } catch {
    return null;
  }
}

/** Chooses a mode and remembers it for the next visit. */
export function chooseMode(mode: ViewMode, storage: Pick<Storage, "setItem"> = localStorage): void {
  try {
    storage.setItem(MODE_KEY, mode);
  } catch {
    // private mode: the choice lasts for this visit only
  }
  deviceModeStore.setState({ chosen: mode });
  if (mode === "vr" || mode === "ar" || mode === "touch") void preloadXR();
}

/** Starts downloading the XR chunk (the landing calls this as soon as VR/AR is likely). */
export const preloadXR = () => import("./XRModeRoot");

let detecting: Promise<void> | null = null;
/** Detects once per page; a device that offers only the desktop goes straight in as desktop. */
export function startDetection(): Promise<void> {
  detecting ??= detectSupport(
    typeof navigator !== "undefined" ? (navigator as Navigator & { xr?: XRLike }).xr : undefined,
    typeof matchMedia === "function" && matchMedia("(pointer: coarse)").matches,
  ).then((support) => {
    const offered = availableModes(support);
    const remembered = rememberedMode();
    deviceModeStore.setState({
      support,
      chosen: offered.length === 1 ? "desktop" : remembered && offered.includes(remembered as ViewMode) ? (remembered as ViewMode) : null,
    });
    const chosen = deviceModeStore.getState().chosen;
    if (chosen && chosen !== "desktop") void preloadXR();
  });
  return detecting;
}
