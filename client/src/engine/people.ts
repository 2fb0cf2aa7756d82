import { SnapshotBuffer } from "./interpolation";
import { LocalPlayer } from "./local-player";

/** Snapshot buffers of everyone else in the workspace, keyed by person id. */
export const remotePoses = new Map<string, SnapshotBuffer>();

/** Snapshot buffers of the agents, keyed by agent id. */
export const agentPoses = new Map<string, SnapshotBuffer>();

/** The person at this device. */
export const localPlayer = new LocalPlayer();

/**
 * Where the scene drew each person on the last frame (remote ones interpolated). Written by
 * the People component; read by labels, the debug handle and tests.
 */
export const renderedPoses = new Map<string, { x: number; z: number; yaw: number; pitch: number }>();

/** Where the scene drew each agent on the last frame. */
export const renderedAgentPoses = new Map<string, { x: number; z: number; yaw: number; pitch: number }>();

/** Third-person camera distance, changed by the mouse wheel (m). */
export const cameraRig = { distance: 8, min: 3, max: 30 };
