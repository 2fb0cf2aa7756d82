import type { StoreApi } from "zustand/vanilla";
import type { AppState } from "../client/src/engine/store";

/** The page's debug handle (client/src/engine/debug.ts), as the tests use it. */
declare global {
  interface Window {
    __atrium: {
      store: StoreApi<AppState>;
      localPlayer: { pose: { x: number; z: number; yaw: number; pitch: number } };
      /** Remote people's interpolation buffers (client/src/engine/interpolation.ts SnapshotBuffer). */
      remotePoses: Map<string, { sample(t: number, out: { x: number; z: number; yaw: number; pitch: number }): boolean }>;
      renderedPoses: Map<string, { x: number; z: number; yaw: number; pitch: number }>;
      renderedAgentPoses: Map<string, { x: number; z: number; yaw: number; pitch: number }>;
      cameraRig: { distance: number; min: number; max: number };
      renderer: { info: { render: { calls: number; triangles: number } } } | null;
      arcs: { slots: { from: string; to: string; startedAt: number }[] };
      flight: { active: boolean; holding: boolean };
      cardCentres: Map<string, { x: number; y: number; z: number }>;
      panelCentres: Map<string, { x: number; y: number; z: number }>;
      project(x: number, y: number, z: number): { x: number; y: number } | null;
    };
  }
}
export {};
