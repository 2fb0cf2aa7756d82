import { useEffect } from "react";
import { appStore, useApp } from "../../engine/store";
import type { LiveMapScene } from "../../ui/spectate/live-map-scene";
import { SpectateDashboard } from "../../ui/spectate/SpectateDashboard";
import { actionForKey } from "./spectate-keys";
import { runAction, startSpectating, type SpectateSession } from "./spectate-session";
import { spectateStore } from "./spectate-store";
import "./spectate.css";

declare global {
  interface Window {
    /** The dashboard's own state, for the browser tests and for poking around. */
    __atriumSpectate?: { store: typeof spectateStore; map?: LiveMapScene };
  }
}

/** The page's spectator session, started on first mount and kept for the page's life. */
let session: SpectateSession | null = null;

/**
 * /spectate: a big-screen dashboard that watches a workspace. It joins as a spectator (no
 * avatar, read-only on the server) and offers no action that changes anything.
 */
export default function SpectateApp() {
  const world = useApp((s) => s.world);
  const status = useApp((s) => s.status);
  const detail = useApp((s) => s.statusDetail);
  useEffect(() => {
    // One session per page: React's development double mount must not join twice.
    session ??= startSpectating();
    const s = session;
    document.title = `Spectator · ${s.workspace} · Atrium`;
    document.body.classList.add("spectating");
    window.__atriumSpectate = { store: spectateStore };
    const onKey = (e: KeyboardEvent) => {
      const action = actionForKey(e);
      if (!action) return;
      e.preventDefault();
      runAction(action, Object.keys(appStore.getState().agents), s.workspace);
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
      document.body.classList.remove("spectating");
      delete window.__atriumSpectate;
    };
  }, []);

  if (world) return <SpectateDashboard world={world} />;
  return (
    <div className="spectate sp-wait" data-testid="spectate-status-screen">
      <p className="sp-brand">Atrium · spectator</p>
      <p className="sp-muted">{status === "offline" ? detail : "Joining the workspace to watch…"}</p>
    </div>
  );
}
