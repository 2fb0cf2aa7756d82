import { SnapshotBuffer } from "./interpolation";
import { LocalPlayer } from "./local-player";

/** Snapshot buffers of everyone else in the workspace, keyed by person id. */
export const remotePoses = new Map<string, SnapshotBuffer>();

/** The person at this device. */
export const localPlayer = new LocalPlayer();
