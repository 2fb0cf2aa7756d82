import { Callbacks, Client, Protocol, type Room } from "@colyseus/sdk";
import { CLIENT_SEND_INTERVAL_MS, DEFAULT_WORKSPACE, WORKSPACE_ROOM } from "../shared/constants";
import { ClientMessage, ServerMessage, type ErrorPayload } from "../shared/protocol/messages";
import { AgentServerMessage } from "../shared/protocol/agent-messages";
import type { JoinOptions, MovePayload } from "../shared/protocol/schemas";
import type { Person, WorkspaceState } from "../shared/state";
import { emptyRecord, POSE_HEADER_BYTES, POSES_MESSAGE, readMoveInterval, readRecord, RECORD_DROP, RECORD_FRAME } from "../shared/pose-wire";
import { CircleWalk } from "./walk-path";

/** How long a simulated client waits for its own avatar to appear in the state (ms). */
export const SPAWN_TIMEOUT_MS = 10_000;
/** How long a simulated client waits for a consented leave before giving up (ms). */
export const LEAVE_TIMEOUT_MS = 3_000;
/** Error messages kept per client, to show in the report. */
const MAX_ERROR_SAMPLES = 3;
/** The protocol code is the low 5 bits of a frame's first byte (the high bits are modifiers). */
const PROTOCOL_CODE_MASK = 0x1f;

export type WorkspaceRoomClient = Room<unknown, WorkspaceState>;

export interface WalkOptions {
  /** Moves are sent this often (ms). Default: as the real client, what the pose stream's headers say (CLIENT_SEND_INTERVAL_MS, 50 ms, up to a hundred people). */
  intervalMs?: number;
  /** Each wait is `intervalMs ± jitterMs`, uniformly; spreads sends over the patch clock. Default 0. */
  jitterMs?: number;
  /** Called right after each move is sent, with the pose (reused object) and performance.now(). */
  onSend?: (pose: MovePayload, sentAt: number) => void;
}

export interface JoinSimOptions {
  /**
   * Hand state patches to the SDK to decode (default true). Load clients set false once their
   * own avatar is known: the patch is still received and counted, only its decoding is skipped,
   * so one small machine can drive hundreds of clients at the real send rate. Every other
   * message (errors included) is still decoded.
   */
  decodePatches?: boolean;
  /** Where to stand instead of the spawn point (the app's `resume` after a reload). */
  at?: { x: number; z: number };
}

function isStatePatch(data: unknown): boolean {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data, 0, Math.min(1, data.byteLength)) : null;
  return bytes !== null && bytes.length > 0 && (bytes[0]! & PROTOCOL_CODE_MASK) === Protocol.ROOM_STATE_PATCH;
}

/** Byte length of one WebSocket message as the SDK's transport hands it over. */
function messageBytes(data: unknown): number {
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (typeof data === "string") return Buffer.byteLength(data);
  return 0;
}

/**
 * One simulated desktop person, driven by the real @colyseus/sdk client: joins like the app
 * does, walks a smooth circle sending "move" at the client's send rate, and counts every
 * WebSocket message it receives (payload bytes; framing and TCP overhead are not included).
 */
export class SimClient {
  /** Downstream counters since the last reset. */
  bytes = 0;
  messages = 0;
  /** Moves sent since the last reset. */
  moves = 0;
  /** "error" messages received since joining (never reset: warm-up errors count too). */
  errors = 0;
  readonly errorSamples: string[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  private constructor(
    readonly room: WorkspaceRoomClient,
    /** Where the server placed this person. */
    readonly spawn: { x: number; z: number },
    /** How often the server asks people to send their pose now (ms), from the last pose message's header. */
    private readonly pace: { moveIntervalMs: number },
  ) {}

  /** Joins the workspace room and resolves once its own avatar is in the synced state. */
  static async join(endpoint: string, name: string, options: JoinSimOptions = {}): Promise<SimClient> {
    const client = new Client(endpoint);
    // As the app joins (client/src/engine/net.ts): the workspace id picks the room instance.
    const joinOptions: JoinOptions = { workspace: DEFAULT_WORKSPACE, name, mode: "desktop", ...(options.at ? { resume: options.at } : {}) };
    const room = await client.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, joinOptions);
    const decodePatches = options.decodePatches ?? true;
    let sim: SimClient | null = null;
    const early = { bytes: 0, messages: 0, errors: [] as ErrorPayload[] };
    const pace = { moveIntervalMs: CLIENT_SEND_INTERVAL_MS };

    const events = room.connection.events;
    const deliver = events.onmessage;
    events.onmessage = (event: { data: unknown }) => {
      const target = sim ?? early;
      target.bytes += messageBytes(event.data);
      target.messages++;
      if (sim && !decodePatches && isStatePatch(event.data)) return;
      deliver?.(event);
    };
    room.onMessage(ServerMessage.World, () => {});
    // Agents' messages are counted in the bytes above but not needed by a walking client.
    for (const type of [ServerMessage.HandOff, ServerMessage.Question, ServerMessage.QuestionClosed, AgentServerMessage.Speech]) room.onMessage(type, () => {});
    room.onMessage(ServerMessage.Error, (error: ErrorPayload) => {
      if (sim) sim.recordError(error);
      else early.errors.push(error);
    });

    try {
      // Where the server put us: our own avatar's slot from the state, then its first pose from
      // the pose stream (shared/pose-wire.ts; a client never gets its own full pose back, only
      // the coarse one). After that only each header's move interval is read (how often to send).
      const spawn = await new Promise<{ x: number; z: number }>((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error(`${name}: own avatar and its pose not received after ${SPAWN_TIMEOUT_MS} ms`)), SPAWN_TIMEOUT_MS);
        let ownSlot = -1;
        let found = false;
        const record = emptyRecord();
        room.onMessage(POSES_MESSAGE, (bytes: Uint8Array) => {
          const moveMs = readMoveInterval(bytes);
          if (moveMs > 0) pace.moveIntervalMs = moveMs;
          if (found || ownSlot < 0) return;
          for (let at = POSE_HEADER_BYTES; at < bytes.length && (at = readRecord(bytes, at, record)) > 0; ) {
            if (record.kind === RECORD_FRAME || record.kind === RECORD_DROP || record.slot !== ownSlot) continue;
            found = true;
            clearTimeout(timeout);
            resolve({ x: record.x, z: record.z });
            return;
          }
        });
        const unsubscribe = Callbacks.get(room).onAdd("people", (person: Person, id: string) => {
          if (id !== room.sessionId) return;
          ownSlot = person.slot;
          queueMicrotask(() => unsubscribe());
        });
      });
      sim = new SimClient(room, spawn, pace);
      sim.bytes = early.bytes;
      sim.messages = early.messages;
      for (const error of early.errors) sim.recordError(error);
      return sim;
    } catch (err) {
      await room.leave(true).catch(() => undefined);
      throw err;
    }
  }

  /** Starts walking from the spawn point; `random` shapes the circle. */
  startWalking(random: () => number, options: WalkOptions = {}): void {
    const jitter = options.jitterMs ?? 0;
    const walk = new CircleWalk(this.spawn, random);
    let last = performance.now();
    const step = () => {
      const now = performance.now();
      const pose = walk.advance((now - last) / 1000);
      last = now;
      this.room.send(ClientMessage.Move, pose);
      this.moves++;
      options.onSend?.(pose, now);
      this.timer = setTimeout(step, (options.intervalMs ?? this.pace.moveIntervalMs) + (random() * 2 - 1) * jitter);
    };
    // Start at a random phase, as real clients do.
    this.timer = setTimeout(step, random() * (options.intervalMs ?? this.pace.moveIntervalMs));
  }

  stopWalking(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  resetCounters(): void {
    this.bytes = 0;
    this.messages = 0;
    this.moves = 0;
  }

  /** Leaves for good (consented), so the server frees the seat at once. */
  async leave(): Promise<void> {
    this.stopWalking();
    let timeout: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.room.leave(true).catch(() => undefined),
      new Promise<void>((resolve) => {
        timeout = setTimeout(resolve, LEAVE_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timeout);
  }

  private recordError(error: ErrorPayload): void {
    this.errors++;
    if (this.errorSamples.length < MAX_ERROR_SAMPLES) this.errorSamples.push(`${error.code}: ${error.message}`);
  }
}
