import type { WebGLRenderer } from "three";
import { handOffArcs } from "./arcs";
import { flight } from "./fly-to";
import { cardCentres, panelCentres } from "./picking";
import { cameraRig, localPlayer, remotePoses, renderedAgentPoses, renderedPoses } from "./people";
import { appStore } from "./store";

/** Where a world point shows on the page (CSS px), or null when it is behind the camera. */
export type Projector = (x: number, y: number, z: number) => { x: number; y: number } | null;

let renderer: WebGLRenderer | null = null;
let projector: Projector | null = null;

/** The scene registers its renderer and a projector (three stays out of the entry chunk). */
export function registerRenderer(gl: WebGLRenderer, project?: Projector): void {
  renderer = gl;
  projector = project ?? null;
}

function project(x: number, y: number, z: number): { x: number; y: number } | null {
  return projector ? projector(x, y, z) : null;
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
      arcs: handOffArcs,
      flight,
      cardCentres,
      panelCentres,
      project,
      get renderer() {
        return renderer;
      },
    },
  });
}
