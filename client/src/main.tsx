import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { exposeDebugHandle } from "./engine/debug";
import { boot } from "./boot";
import "./styles.css";

/** /replay is its own lazy chunk: the campus entry never loads it, and it never loads the 3D engine. */
const isReplay = /^\/replay\/?$/.test(window.location.pathname);
const ReplayApp = lazy(() => import("./modes/replay/ReplayApp"));

exposeDebugHandle();
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    {isReplay ? (
      <Suspense fallback={null}>
        <ReplayApp />
      </Suspense>
    ) : (
      <App />
    )}
  </StrictMode>,
);
if (!isReplay) void boot();
