import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { exposeDebugHandle } from "./engine/debug";
import { boot } from "./boot";
import "./styles.css";

exposeDebugHandle();
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void boot();
