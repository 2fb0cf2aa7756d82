import type { WebGLRenderer } from "three";
import { cameraRig, localPlayer, remotePoses, renderedAgentPoses, renderedPoses } from "./people";
import { appStore } from "./store";

let renderer: WebGLRenderer | null = null;

export function registerRenderer(gl: WebGLRenderer): void {
  renderer = gl;
}

/**
 * `window.__atrium`: a read-mostly handle for the end-to-end tests, the rendering bench and
 * curious developers in the console. It exposes what the page already knows; nothing secret.
 */
export function exposeDebugHandle(): void {
  Object.defineProperty(window, "__atrium", {
    configurable: true,
    value: {
      store: appStore,
      localPlayer,
      remotePoses,
      renderedPoses,
      renderedAgentPoses,
      cameraRig,
      get renderer() {
        return renderer;
      },
    },
  });
}
