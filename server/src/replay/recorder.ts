import type { Agent } from "../../../shared/state";
import type { Logger } from "../logger";
import type { Store } from "../store/store";
import { replayStoreOf, type AgentSample, type ReplayStore } from "./replay-store";

/** A walking agent's pose is recorded at most this often (ms)… */
export const POSE_SAMPLE_MS = 500;
/** …and only once it has moved this far since its last sample (m). */
export const POSE_SAMPLE_MIN_M = 0.25;
/** Tick batches that may wait for the database at most; past it a tick's samples are dropped. Default 200 (10 s of ticks). */
export const RECORDER_MAX_QUEUED_WRITES = 200;
/** An agent that has come to rest this far (m) or turned this much (rad) from its last sample gets one more, exact sample. */
export const REST_EPSILON_M = 0.01;
export const REST_EPSILON_RAD = 0.02;

interface Last {
  at: number;
  x: number;
  z: number;
  yaw: number;
  state: string;
  reason: string;
  taskId: string;
  /** Where it stood at the previous tick, recorded or not: to notice it stopped. */
  seenX: number;
  seenZ: number;
  seenYaw: number;
}

export interface RecorderDeps {
  store: Store;
  workspace: string;
  /** The room's patched agents (a MapSchema, or any map with forEach). */
  agents: { forEach(cb: (agent: Agent, id: string) => void): void };
  log?: Logger;
}

/**
 * Records where each agent of a room is and what it does, for the replay. Called once per
 * simulation tick: an agent whose state, reason or task changed is sampled at once; a moving one
 * every POSE_SAMPLE_MS if it moved more than POSE_SAMPLE_MIN_M; one that came to rest gets its
 * exact resting pose. A tick's samples go in one statement, written after the tick in tick order,
 * and most ticks write nothing. It
 * samples at the rate the clients' patches go out, so the replay shows what people saw.
 */
export class AgentRecorder {
  private readonly last = new Map<string, Last>();
  private readonly batch: AgentSample[] = [];
  private readonly replay: ReplayStore;
  private failed = false;
  private writing: Promise<void> = Promise.resolve();
  /** Tick batches waiting to be written. */
  private queued = 0;
  private behind = false;

  constructor(private readonly deps: RecorderDeps) {
    this.replay = replayStoreOf(deps.store);
  }

  /** Samples every agent that needs it and starts writing them (idle() waits for it). Returns how many were taken. */
  sample(now = Date.now()): number {
    const batch = this.batch;
    batch.length = 0;
    this.deps.agents.forEach((a, id) => {
      const taskId = a.taskId ?? "";
      const reason = a.reason ?? "";
      const l = this.last.get(id);
      let record = l === undefined || l.state !== a.state || l.reason !== reason || l.taskId !== taskId;
      if (!record && l) {
        const moved = Math.hypot(a.x - l.x, a.z - l.z);
        const still = a.x === l.seenX && a.z === l.seenZ && a.yaw === l.seenYaw;
        if (moved > POSE_SAMPLE_MIN_M && now - l.at >= POSE_SAMPLE_MS) record = true;
        else if (still && (moved > REST_EPSILON_M || Math.abs(a.yaw - l.yaw) > REST_EPSILON_RAD)) record = true;
      }
      if (record) {
        batch.push({ workspace: this.deps.workspace, at: now, agentId: id, x: a.x, z: a.z, yaw: a.yaw, state: a.state, reason, taskId: taskId || null });
        this.last.set(id, { at: now, x: a.x, z: a.z, yaw: a.yaw, state: a.state, reason, taskId, seenX: a.x, seenZ: a.z, seenYaw: a.yaw });
      } else if (l) {
        l.seenX = a.x;
        l.seenZ = a.z;
        l.seenYaw = a.yaw;
      }
    });
    if (batch.length === 0) return 0;
    // One write at a time, in tick order; the tick goes on at once (the write runs on the database's time).
    if (this.queued >= RECORDER_MAX_QUEUED_WRITES) {
      if (!this.behind) this.deps.log?.warn({ workspace: this.deps.workspace, queued: this.queued }, "the database is behind: replay samples are dropped until it catches up");
      this.behind = true;
      return 0;
    }
    this.behind = false;
    const rows = batch.slice();
    this.queued++;
    this.writing = this.writing.then(() =>
      this.replay.insertSamples(rows).then(
        () => {
          this.queued--;
        },
        (err: unknown) => {
          // The replay loses samples; the room goes on. Say so once, not every tick.
          if (!this.failed) this.deps.log?.error({ err, workspace: this.deps.workspace }, "could not record agent samples for the replay");
          this.failed = true;
          this.queued--;
        },
      ),
    );
    return rows.length;
  }

  /** Resolves once every sample taken so far is written (or given up on). */
  idle(): Promise<void> {
    return this.writing;
  }
}
