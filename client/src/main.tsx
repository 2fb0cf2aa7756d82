import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { exposeDebugHandle } from "./engine/debug";
import { boot } from "./boot";
import "./styles.css";

/** /replay is its own lazy chunk: the campus entry never loads it, and it never loads the 3D engine. */
const isReplay = /^\/replay\/?$/.test(window.location.pathname);
const ReplayApp = lazy(() => import("./modes/replay/ReplayApp"));
/** /spectate, the big-screen dashboard, is its own lazy chunk too (and loads the 3D engine only for its tour). */
const isSpectate = /^\/spectate\/?$/.test(window.location.pathname);
const SpectateApp = lazy(() => import("./modes/spectate/SpectateApp"));

exposeDebugHandle();
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    {isReplay ? (
      <Suspense fallback={null}>
        <ReplayApp />
      </Suspense>
    ) : isSpectate ? (
      <Suspense fallback={null}>
        <SpectateApp />
      </Suspense>
    ) : (
      <App />
    )}
  </StrictMode>,
);
if (!isReplay && !isSpectate) void boot();
