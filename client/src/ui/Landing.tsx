import { useEffect } from "react";
import { availableModes, chooseMode, deviceModeStore, startDetection, useDeviceMode, type ViewMode } from "../modes/xr/device-modes";
import { NamePrompt } from "./NamePrompt";

const LABEL: Record<ViewMode, { title: string; detail: string }> = {
  vr: { title: "Enter VR", detail: "Headset: walk, teleport and point at agents, boards and walls." },
  ar: { title: "Enter AR", detail: "The campus as a miniature on your table." },
  touch: { title: "Touch 3D view", detail: "Orbit, pinch to zoom, tap an agent to see what it is doing." },
  desktop: { title: "Desktop", detail: "Keyboard and mouse." },
};

/**
 * The landing page: what this device offers (an immersive VR or AR session, a touch view, the
 * desktop), chosen once and remembered. A device that offers only the desktop goes straight to
 * the name prompt; the choice shows above it with a way to change it.
 */
export function Landing() {
  const support = useDeviceMode((s) => s.support);
  const chosen = useDeviceMode((s) => s.chosen);
  useEffect(() => void startDetection(), []);
  if (!support.checked) return null;
  const offered = availableModes(support);
  if (chosen === null) {
    return (
      <div className="screen" data-testid="landing">
        <div className="card">
          <h1 className="brand">Welcome to Atrium</h1>
          <p className="tagline">How are you joining? Atrium remembers your choice on this device.</p>
          <div style={{ display: "flex", flexDirection: "column", gap: 10 }}>
            {offered.map((m, i) => (
              <button key={m} type="button" className={i === 0 ? "primary" : "secondary"} data-testid={`mode-${m}`} onClick={() => chooseMode(m)}>
                {LABEL[m].title}
                <span style={{ display: "block", fontSize: 12, fontWeight: 400, opacity: 0.8 }}>{LABEL[m].detail}</span>
              </button>
            ))}
          </div>
          {!support.vr && !support.ar && <p className="hint">This browser offers no VR or AR session; a headset's browser does.</p>}
        </div>
      </div>
    );
  }
  return (
    <>
      <NamePrompt />
      {offered.length > 1 && (
        <p
          data-testid="mode-chip"
          style={{ position: "fixed", top: 16, left: "50%", transform: "translateX(-50%)", margin: 0, padding: "6px 14px", borderRadius: 999, background: "rgba(15,23,42,0.8)", color: "#fff", fontSize: 14 }}
        >
          Joining with: <strong>{LABEL[chosen].title}</strong>{" "}
          <button type="button" className="link" style={{ marginLeft: 8, color: "#93c5fd", background: "none", border: "none", cursor: "pointer" }} onClick={() => deviceModeStore.setState({ chosen: null })}>
            Change
          </button>
        </p>
      )}
    </>
  );
}
