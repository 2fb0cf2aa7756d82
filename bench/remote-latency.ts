import { PATCH_INTERVAL_MS } from "../shared/constants";
import { RECORD_COARSE } from "../shared/pose-wire";
import { POSITION_RANGE, quantum } from "../shared/quantise";
import { trackPoses } from "../server/src/testing/pose-tracker";
import { waitForEmptyRoom } from "./room-capacity";
import type { RunningServer } from "./server-process";
import { SimClient } from "./sim-client";
import { percentile, seededRandom } from "./stats";

/** Goal: a move is visible on another client within one patch interval plus this (ms), p50. */
export const LATENCY_MARGIN_MS = 10;
export const LATENCY_GOAL_P50_MS = PATCH_INTERVAL_MS + LATENCY_MARGIN_MS;
/** The mover's send interval varies by ± this (ms), so sends land at every phase of the patch clock. */
export const LATENCY_SEND_JITTER_MS = 15;
/** Sent poses remembered for matching what the observer sees. */
const SENT_HISTORY = 64;
/** A seen position matches a sent one when both coordinates agree this closely (m): half a step of the fixed-point position on the wire (1 cm steps, shared/quantise.ts). */
const MATCH_TOLERANCE_M = quantum(POSITION_RANGE) / 2 + 1e-6;
const LATENCY_SEED = 0x1a7e;

export interface RemoteLatencyOptions {
  /** How long the mover walks (ms). */
  durationMs: number;
  /** Where both start, instead of the spawn point (the room-capacity probe stands them apart from the crowd). */
  at?: { x: number; z: number };
}

export interface RemoteLatencyResult {
  /** Moves sent, and how many of them the observer saw (later moves in the same patch interval replace earlier ones). */
  sent: number;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  goalP50Ms: number;
  /** "error" messages received by either client. Must be 0. */
  errors: number;
}

/** Remote motion latency in a room of its own: measureRemoteLatency once the room is empty. */
export async function runRemoteLatency(server: RunningServer, options: RemoteLatencyOptions): Promise<RemoteLatencyResult> {
  await waitForEmptyRoom(server);
  return measureRemoteLatency(server, options);
}

/**
 * Remote motion latency on loopback: one client walks, a second one watches its avatar; each
 * sample is the time from sending a move to the observer decoding the pose that carries it.
 * Both clients run in this process, so they share one clock. They join the room as it is (the
 * room-capacity scenario measures it in its crowd).
 */
export async function measureRemoteLatency(server: RunningServer, options: RemoteLatencyOptions): Promise<RemoteLatencyResult> {
  const observer = await SimClient.join(server.url, "bench-observer", { at: options.at });
  let mover: SimClient | null = null;
  try {
    mover = await SimClient.join(server.url, "bench-mover", { at: options.at });
    const moverId = mover.room.sessionId;
    const sent: { x: number; z: number; at: number; seen: boolean }[] = [];
    const latencies: number[] = [];

    // The mover's poses come in the pose stream (shared/pose-wire.ts), read by the tests' decoder.
    trackPoses(observer.room, new Map(), (id, _seen, record, now) => {
      if (id !== moverId || record.kind === RECORD_COARSE) return; // full poses only
      for (let i = sent.length - 1; i >= 0; i--) {
        const s = sent[i]!;
        if (Math.abs(s.x - record.x) < MATCH_TOLERANCE_M && Math.abs(s.z - record.z) < MATCH_TOLERANCE_M) {
          if (!s.seen) latencies.push(now - s.at);
          s.seen = true;
          break;
        }
      }
    });

    let sentCount = 0;
    mover.startWalking(seededRandom(LATENCY_SEED), {
      jitterMs: LATENCY_SEND_JITTER_MS,
      onSend: (pose, at) => {
        sentCount++;
        sent.push({ x: pose.x, z: pose.z, at, seen: false });
        if (sent.length > SENT_HISTORY) sent.shift();
      },
    });
    await new Promise((resolve) => setTimeout(resolve, options.durationMs));
    mover.stopWalking();

    return {
      sent: sentCount,
      samples: latencies.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: percentile(latencies, 100),
      goalP50Ms: LATENCY_GOAL_P50_MS,
      errors: observer.errors + mover.errors,
    };
  } finally {
    await Promise.all([observer.leave(), mover?.leave()]);
  }
}
