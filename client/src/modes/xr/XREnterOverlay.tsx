import { useEffect, useState } from "react";
import { useStore } from "zustand";
import { placement } from "../ar/ARTabletop";
import { chooseMode, useDeviceMode, type ViewMode } from "./device-modes";
import { xrStore } from "./xr-store";

const bar: React.CSSProperties = {
  position: "fixed",
  left: "50%",
  bottom: 28,
  transform: "translateX(-50%)",
  display: "flex",
  gap: 10,
  alignItems: "center",
  pointerEvents: "auto",
  fontFamily: "Inter, system-ui, sans-serif",
};
const primary: React.CSSProperties = { fontSize: 20, padding: "14px 28px", borderRadius: 999, border: "none", background: "#2563eb", color: "#fff", cursor: "pointer", fontWeight: 700 };
const secondary: React.CSSProperties = { fontSize: 14, padding: "10px 16px", borderRadius: 999, border: "1px solid #cbd5e1", background: "rgba(255,255,255,0.9)", color: "#0f172a", cursor: "pointer" };
const hint: React.CSSProperties = { position: "fixed", top: 24, left: "50%", transform: "translateX(-50%)", padding: "10px 16px", borderRadius: 12, background: "rgba(15,23,42,0.75)", color: "#fff", fontFamily: "Inter, system-ui, sans-serif", fontSize: 16 };

/**
 * The page-level controls of a chosen XR mode (plain DOM, outside the canvas): the button that
 * starts the immersive session (browsers want a tap for that), a way back to the desktop view,
 * and, during phone AR (the DOM overlay), the placement hint.
 */
export function XREnterOverlay({ view }: { view: ViewMode }) {
  const session = useStore(xrStore, (s) => s.session);
  const presenting = useDeviceMode((s) => s.presenting);
  const [error, setError] = useState<string | null>(null);
  const [placed, setPlaced] = useState(false);
  useEffect(() => {
    if (!session || view !== "ar") return;
    const t = setInterval(() => setPlaced(placement.placed), 250);
    return () => clearInterval(t);
  }, [session, view]);

  if (view === "touch") {
    return (
      <div style={bar}>
        <span style={{ ...secondary, cursor: "default" }}>Drag to orbit · pinch to zoom · tap to select</span>
        <button type="button" style={secondary} onClick={() => chooseMode("desktop")}>
          Desktop view
        </button>
      </div>
    );
  }
  if (presenting) {
    return view === "ar" && !placed ? <div style={hint} data-testid="ar-hint">Point at a table or the floor, then tap to place the campus</div> : null;
  }
  const enter = () => {
    setError(null);
    const request = view === "ar" ? xrStore.enterAR() : xrStore.enterVR();
    request.catch((err: unknown) => setError(`Could not start ${view.toUpperCase()}: ${err instanceof Error ? err.message : String(err)}`));
  };
  return (
    <div style={bar}>
      <button type="button" style={primary} data-testid="enter-xr" onClick={enter}>
        {view === "ar" ? "Enter AR" : "Enter VR"}
      </button>
      <button type="button" style={secondary} data-testid="leave-xr-mode" onClick={() => chooseMode("desktop")}>
        Desktop view
      </button>
      {error && (
        <span role="alert" style={{ ...secondary, color: "#b91c1c" }}>
          {error}
        </span>
      )}
    </div>
  );
}
