import { CLIENT_SEND_INTERVAL_MS, COARSE_DELAY_MARGIN_MS, INTERPOLATION_DELAY_MS } from "../../../shared/constants";
import { emptyRecord, lastFrameTime, POSE_HEADER_BYTES, readCoarseInterval, readHeader, readMoveInterval, readRecord, RECORD_COARSE, RECORD_DROP, RECORD_FRAME, RECORD_FULL_XR, SERVER_TIME_WRAP } from "../../../shared/pose-wire";
import type { SnapshotBuffer } from "./interpolation";
import { PERSON_COARSE, PoseFeed, type CoarseRate } from "./pose-feed";
import { ServerClock } from "./server-clock";
import type { RemoteBody } from "./xr-body";

/** A batch's span (see PoseStream) is remembered this long (ms of this page's clock), as the largest of two windows. */
export const BATCH_SPAN_WINDOW_MS = 2000; // default 2000

interface Target {
  id: string;
  feed: PoseFeed;
  /** A person's XR body (head height, hands); null for an agent. */
  body: RemoteBody | null;
}

/**
 * Reads the pose stream (shared/pose-wire.ts: binary messages of a frame of poses per patch) into the snapshot
 * buffers and XR bodies the scene draws from. People and agents are named in it by the `slot`
 * their schema object carries; the connection registers each as it arrives in the state.
 * Each message's poses are timed by the server time in its header (and its FRAME records),
 * mapped onto this page's clock (server-clock.ts), not by when the message was read.
 *
 * In a big room the server writes to each client every few patches, each message then holding
 * the poses of those patches, one frame each (server/src/rooms/send-batch.ts). The newest pose
 * is then up to that span older than it would be, so full poses are drawn that much further in
 * the past (INTERPOLATION_DELAY_MS plus the largest span of the last BATCH_SPAN_WINDOW_MS or
 * so): the drawing never runs out of snapshots between two messages. Likewise each header says
 * how often coarse poses come now (less often in a room of very many), and the feeds draw them
 * that interval plus COARSE_DELAY_MARGIN_MS in the past; and how often people send their own
 * pose (less often in a room of over a hundred): full poses then change that much less often,
 * and are drawn the difference further back, and this client sends its own that often.
 */
export class PoseStream {
  private readonly bySlot = new Map<number, Target>();
  private readonly byId = new Map<string, Target>();
  private readonly record = emptyRecord();
  private selfSlot = -1;
  private selfPlaced = false;
  /** The server's clock as seen from here (one per connection: the room's clock). */
  readonly clock = new ServerClock();
  /** The largest batch span (ms) in the current window and the one before, and when the current one started. */
  private spanNow = 0;
  private spanBefore = 0;
  private spanSince = -Infinity;
  /** How often people send their own pose now (ms), as the last message's header said. */
  private moveMs = CLIENT_SEND_INTERVAL_MS;

  /** How often coarse poses come to this client now, and how far back they are drawn: every feed's (shared, updated from the headers). */
  private readonly rate: CoarseRate;

  constructor(
    /** Called once, with the first pose of this client's own person: where the server put it. */
    private readonly placeSelf: (x: number, z: number) => void,
    /** How often coarse poses come to this client until a message says (a spectator's come less often). */
    rate: CoarseRate = PERSON_COARSE,
  ) {
    this.rate = { ...rate };
  }

  /** How often coarse poses come now (ms), as the last message's header said. */
  get coarseIntervalMs(): number {
    return this.rate.intervalMs;
  }

  /** How often people send their own pose now, this client included (ms), as the last message's header said. */
  get moveIntervalMs(): number {
    return this.moveMs;
  }

  /** This client's own person: its first coarse pose places the local player; the rest is ignored. */
  setSelf(slot: number): void {
    this.selfSlot = slot;
  }

  /** A person or agent arrived in the state (or its slot changed). Returns its snapshot buffer. */
  add(id: string, slot: number, buffer: SnapshotBuffer, body: RemoteBody | null): SnapshotBuffer {
    const old = this.byId.get(id);
    if (old && this.bySlot.get(slot) === old) return old.feed.buffer;
    if (old) this.remove(id, -1);
    const target: Target = { id, feed: new PoseFeed(buffer, this.rate), body };
    this.byId.set(id, target);
    this.bySlot.set(slot, target);
    return buffer;
  }

  /** A person or agent left the state. */
  remove(id: string, slot: number): void {
    const target = this.byId.get(id);
    if (!target) return;
    this.byId.delete(id);
    for (const s of slot >= 0 ? [slot] : this.bySlot.keys()) if (this.bySlot.get(s) === target) this.bySlot.delete(s);
  }

  /** How far in the past full poses are drawn now (ms): INTERPOLATION_DELAY_MS plus the recent batch span, plus how much slower than usual people send. */
  get fullDelayMs(): number {
    return INTERPOLATION_DELAY_MS + Math.max(this.spanNow, this.spanBefore) + this.moveMs - CLIENT_SEND_INTERVAL_MS;
  }

  /** Reads one message (`now`: performance.now(), when it was read). A record for an unknown slot is skipped. */
  apply(bytes: Uint8Array, now: number): void {
    const header = readHeader(bytes);
    if (header < 0) return; // not even a header
    // The clock takes the message's last frame as its sample: the earlier ones waited for it.
    const last = lastFrameTime(bytes);
    this.clock.toLocal(last, now);
    this.noteSpan((last - header + SERVER_TIME_WRAP) % SERVER_TIME_WRAP, now);
    const move = readMoveInterval(bytes);
    if (move > 0) this.moveMs = move;
    let t = this.clock.map(header);
    const delay = this.fullDelayMs;
    // A big room sends each coarse pose less often (server/src/rooms/pose-rates.ts coarseIntervalMs): draw them further back.
    const coarse = readCoarseInterval(bytes);
    if (coarse > 0 && coarse !== this.rate.intervalMs) {
      this.rate.intervalMs = coarse;
      this.rate.delayMs = coarse + COARSE_DELAY_MARGIN_MS;
    }
    const r = this.record;
    let at = POSE_HEADER_BYTES;
    while (at < bytes.length) {
      at = readRecord(bytes, at, r);
      if (at < 0) return; // malformed: the rest cannot be read
      if (r.kind === RECORD_FRAME) {
        t = this.clock.map(r.serverMs);
        continue;
      }
      if (r.slot === this.selfSlot) {
        if (!this.selfPlaced && r.kind !== RECORD_DROP) {
          this.selfPlaced = true;
          this.placeSelf(r.x, r.z);
        }
        continue;
      }
      const e = this.bySlot.get(r.slot);
      if (!e) continue;
      if (r.kind === RECORD_DROP) {
        e.feed.drop(now);
        if (e.body) e.body.hands = 0;
      } else if (r.kind === RECORD_COARSE) {
        if (e.feed.kind !== "full" && e.body) e.body.hands = 0;
        e.feed.coarse(t, now, r.x, r.z, r.yaw);
      } else {
        e.feed.full(t, now, r.x, r.z, r.yaw, r.pitch, delay);
        const b = e.body;
        if (!b) continue;
        b.hands = r.kind === RECORD_FULL_XR ? r.hands : 0;
        if (r.kind === RECORD_FULL_XR) {
          b.headY = r.headY;
          b.leftX = r.leftX;
          b.leftY = r.leftY;
          b.leftZ = r.leftZ;
          b.rightX = r.rightX;
          b.rightY = r.rightY;
          b.rightZ = r.rightZ;
        }
      }
    }
  }

  /** Notes that a message's frames spanned `span` ms of server time; the windows roll on with every message. */
  private noteSpan(span: number, now: number): void {
    if (now - this.spanSince >= BATCH_SPAN_WINDOW_MS) {
      this.spanBefore = now - this.spanSince < 2 * BATCH_SPAN_WINDOW_MS ? this.spanNow : 0;
      this.spanNow = 0;
      this.spanSince = now;
    }
    if (span > this.spanNow && span < BATCH_SPAN_WINDOW_MS) this.spanNow = span;
  }
}
