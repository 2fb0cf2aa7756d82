import { ClientState, type Client } from "@colyseus/core";
import { CLIENT_SEND_INTERVAL_MS, COARSE_POSE_INTERVAL_MS, PATCH_INTERVAL_MS, SPECTATOR_COARSE_POSE_INTERVAL_MS } from "../../../shared/constants";
import { COARSE_BYTES, DROP_BYTES, FRAME_BYTES, MAX_RECORD_BYTES, POSE_HEADER_BYTES, POSES_MESSAGE, writeCoarse, writeDrop, writeFrame, writeFull, writeHeader, type WirePose } from "../../../shared/pose-wire";
import type { Agent, Person, WorkspaceState } from "../../../shared/state";
import { pickNear } from "./interest-rules";
import { coarseIntervalMs, moveIntervalMs, ROOM_MOVES_PER_S } from "./pose-rates";
import type { SendBatch } from "./send-batch";

/** Each client's full-rate set is worked out again this often (ms); clients take turns, a share per patch. Someone walking covers 2 m in that time. */
export const INTEREST_REFRESH_MS = 500; // default 500

/**
 * A slot given back (its person or agent left) is not given to a newcomer for this many patches:
 * a client written every few patches may still hold poses under it (send-batch.ts), which must
 * not land on the newcomer. Longer than any client waits.
 */
export const SLOT_REUSE_PATCHES = 40; // default 40 (2 s)

type Posed = Person | Agent;

/** One person or agent in the pose stream. */
class Entry {
  /** Its full record this patch, and as last sent. */
  packed = new Uint8Array(MAX_RECORD_BYTES);
  packedLen = 0;
  sent = new Uint8Array(MAX_RECORD_BYTES);
  sentLen = 0;
  /** The full record differs from the one last sent. */
  changed = true;
  /** The coarse record as last sent to people, and to spectators (its pose bytes). */
  readonly coarse = new Uint8Array(COARSE_BYTES);
  readonly wallCoarse = new Uint8Array(COARSE_BYTES);
  /** Seen this patch (entries not seen are gone). */
  seen = true;

  constructor(
    readonly entity: Posed,
    readonly slot: number,
  ) {}

  get x(): number {
    return this.entity.x;
  }

  get z(): number {
    return this.entity.z;
  }
}

/** What a full record is packed from, reused. */
const scratch: WirePose = { x: 0, z: 0, yaw: 0, pitch: 0 };

/** A client: a person's (with its full-rate set) or a spectator's. */
interface Watcher {
  client: Client;
  /** Null for a spectator: coarse poses only. */
  person: Person | null;
  /** Entries it gets at full rate now. */
  members: Set<Entry>;
  /** Members added since its last message: their full record goes even if unchanged. */
  added: Entry[];
  /** Members dropped since its last message: a DROP record each. */
  dropped: Entry[];
  /** Its first message carries everyone's coarse pose. */
  snapshot: boolean;
  /** Its turn among the refresh slots. */
  turn: number;
  /** Its pose message being gathered: a frame per patch until its socket's turn (send-batch.ts). */
  pending: Uint8Array;
  pendingLen: number;
}

/** The slots a period is spread over, one per patch. */
function slotsOf(periodMs: number): number {
  return Math.max(1, Math.round(periodMs / PATCH_INTERVAL_MS));
}

/**
 * Interest management and the pose stream of one room. Poses are not in the Colyseus state
 * (they are `noSync` there): after each patch this adds to each client's pose message
 * (shared/pose-wire.ts) a frame holding
 * - the full pose, every patch it changes, of the people and agents pickNear
 *   (interest-rules.ts) picks around the client, refreshed every INTEREST_REFRESH_MS;
 * - everyone's coarse pose, refreshed every COARSE_POSE_INTERVAL_MS, spread over the patches
 *   (less often in a room of more than COARSE_POSES_PER_S people and agents: coarseIntervalMs in pose-rates.ts;
 *   each message's header says the interval, so the client draws them far enough in the past);
 * - DROP records for what left its full-rate set,
 * after the server's clock (ms since the room started) when the poses were packed: the
 * message's header for its first frame, a FRAME record for each later one. Clients time their
 * snapshots by it, not by when a message happened to arrive. The message goes when the client's
 * socket is written (SendBatch.due): after every patch in a room of up to FLUSHES_PER_PATCH
 * clients, every few patches in a bigger one, with a frame for each of those patches.
 * Spectators get coarse poses only, every SPECTATOR_COARSE_POSE_INTERVAL_MS (2 s, or longer likewise): a wall screen
 * interpolates them and costs less than a desktop client. A client never gets its own full pose back.
 *
 * Each pose is packed once per patch and a client's frame is a concatenation of packed records:
 * the per-client cost is a copy, not an encode, so the tick does not grow with the number of
 * views as a Colyseus StateView per client did (an encode of the state each).
 */
export class Interest {
  private readonly watchers = new Map<string, Watcher>();
  private readonly entries = new Map<Posed, Entry>();
  private readonly list: Entry[] = [];
  /** Slots given back, oldest first, with the patch they were given back at. */
  private readonly freeSlots: Array<{ slot: number; at: number }> = [];
  private nextSlot = 0;
  private readonly picked: Entry[] = [];
  private readonly keep = new Set<Entry>();
  /** The members whose full record goes in the message being built. */
  private readonly full: Entry[] = [];
  /** The coarse intervals now (ms; people's and spectators'), and the patches each is spread over. */
  private coarseMs = COARSE_POSE_INTERVAL_MS;
  private wallMs = SPECTATOR_COARSE_POSE_INTERVAL_MS;
  /** How often each person should send its pose now (ms; moveIntervalMs): every header says. */
  private moveMs = CLIENT_SEND_INTERVAL_MS;
  private coarseSlots = slotsOf(COARSE_POSE_INTERVAL_MS);
  private wallSlots = slotsOf(SPECTATOR_COARSE_POSE_INTERVAL_MS);
  private readonly refreshSlots = slotsOf(INTEREST_REFRESH_MS);
  private coarse: Uint8Array = new Uint8Array(1024);
  private wallCoarse: Uint8Array = new Uint8Array(1024);
  private tick = 0;
  /** When the room started (performance.now()); the header's time counts from here. */
  private readonly startedAt: number;
  /** The server time (ms since the room started) of the poses being sent. */
  private serverMs = 0;
  private nextTurn = 0;
  /** Pose messages sent, and their bytes (for tests and the bench). */
  messages = 0;
  bytes = 0;

  constructor(
    private readonly state: WorkspaceState,
    /** The room's sockets: a client's message goes when its socket is written (SendBatch.due). */
    private readonly sends: SendBatch,
    /** The most moves a second the room's people together should send (moveIntervalMs). */
    private readonly movesPerS = ROOM_MOVES_PER_S,
  ) {
    this.startedAt = performance.now();
  }

  /** A client with an avatar: it gets the full poses around it. */
  watch(client: Client, person: Person): void {
    this.watchers.set(client.sessionId, { client, person, members: new Set(), added: [], dropped: [], snapshot: true, turn: this.nextTurn++ % this.refreshSlots, pending: new Uint8Array(256), pendingLen: 0 });
    this.collect();
    const w = this.watchers.get(client.sessionId)!;
    this.refresh(w);
    w.added.length = 0; // the snapshot sends every member
  }

  /** A spectator: coarse poses of everything. */
  watchSpectator(client: Client): void {
    this.watchers.set(client.sessionId, { client, person: null, members: new Set(), added: [], dropped: [], snapshot: true, turn: 0, pending: new Uint8Array(256), pendingLen: 0 });
  }

  /** A client reconnected (same seat, new connection): it gets a fresh snapshot. */
  rewatch(client: Client): void {
    const w = this.watchers.get(client.sessionId);
    if (!w) return;
    w.client = client;
    w.snapshot = true;
    w.pendingLen = 0; // frames gathered for the old connection
  }

  unwatch(sessionId: string): void {
    this.watchers.delete(sessionId);
  }

  /** How often each person is asked to send its pose now (ms; moveIntervalMs). */
  get moveIntervalMs(): number {
    return this.moveMs;
  }

  /** Whether `sessionId` gets `entity`'s full pose now (for tests). */
  hasFull(sessionId: string, entity: Posed): boolean {
    const e = this.entries.get(entity);
    return e !== undefined && (this.watchers.get(sessionId)?.members.has(e) ?? false);
  }

  /**
   * Wraps the room's state patch (`patch` returns whether it sent one): beforePatch, the patch,
   * afterPatch, then the sockets whose turn it is are written, a state patch and the pose
   * messages after it in one write each (SendBatch.flush).
   */
  around(patch: () => boolean): boolean {
    this.beforePatch();
    const sent = patch();
    this.afterPatch();
    this.sends.flush();
    return sent;
  }

  /** Before the state patch: gives new people and agents their slot, so the patch carries it before any pose. */
  beforePatch(): void {
    this.tick++;
    this.collect();
  }

  /** After the state patch: refreshes interest, adds this patch's frame to each client's message and sends those that are due. */
  afterPatch(): void {
    this.serverMs = performance.now() - this.startedAt;
    for (const e of this.list) this.pack(e);

    // The coarse records due this tick, shared by every client.
    let coarseLen = 0;
    let wallLen = 0;
    for (const e of this.list) {
      if (e.slot % this.coarseSlots === this.tick % this.coarseSlots) coarseLen = this.appendCoarse(e, coarseLen, (this.coarse = this.room(this.coarse, coarseLen)), e.coarse);
      if (e.slot % this.wallSlots === this.tick % this.wallSlots) wallLen = this.appendCoarse(e, wallLen, (this.wallCoarse = this.room(this.wallCoarse, wallLen)), e.wallCoarse);
    }
    for (const w of this.watchers.values()) if (w.person && w.turn === this.tick % this.refreshSlots) this.refresh(w);
    for (const w of this.watchers.values()) {
      if (w.person) this.addFrame(w, this.coarse, coarseLen);
      else this.addFrame(w, this.wallCoarse, wallLen);
      if (this.sends.due(w.client.sessionId)) this.send(w);
    }
    for (const e of this.list) {
      if (!e.changed) continue;
      const s = e.sent;
      e.sent = e.packed;
      e.packed = s;
      e.sentLen = e.packedLen;
    }
  }

  /** Syncs the entries with the state's people and agents; new ones get a slot, gone ones give theirs back. */
  private collect(): void {
    for (const e of this.list) e.seen = false;
    const see = (entity: Posed) => {
      let e = this.entries.get(entity);
      if (!e) {
        const slot = this.freeSlots.length > 0 && this.tick - this.freeSlots[0]!.at >= SLOT_REUSE_PATCHES ? this.freeSlots.shift()!.slot : this.nextSlot++;
        entity.slot = slot;
        e = new Entry(entity, slot);
        this.entries.set(entity, e);
        this.list.push(e);
      }
      e.seen = true;
    };
    this.state.people.forEach(see);
    this.state.agents.forEach(see);
    for (let i = this.list.length - 1; i >= 0; i--) {
      const e = this.list[i]!;
      if (e.seen) continue;
      this.list.splice(i, 1);
      this.entries.delete(e.entity);
      this.freeSlots.push({ slot: e.slot, at: this.tick });
      for (const w of this.watchers.values()) w.members.delete(e);
    }
    this.coarseMs = coarseIntervalMs(this.list.length, COARSE_POSE_INTERVAL_MS);
    this.wallMs = coarseIntervalMs(this.list.length, SPECTATOR_COARSE_POSE_INTERVAL_MS);
    this.coarseSlots = slotsOf(this.coarseMs);
    this.wallSlots = slotsOf(this.wallMs);
    this.moveMs = moveIntervalMs(this.state.people.size, this.movesPerS);
  }

  private pack(e: Entry): void {
    const p = e.entity;
    if (p.x === undefined || p.z === undefined) {
      e.packedLen = 0;
      e.changed = false;
      return;
    }
    const w = scratch;
    w.x = p.x;
    w.z = p.z;
    w.yaw = p.yaw ?? 0;
    const person = "pitch" in p ? p : null;
    w.pitch = person?.pitch ?? 0;
    w.headY = person?.headY;
    w.hands = person?.hands;
    w.leftX = person?.leftX;
    w.leftY = person?.leftY;
    w.leftZ = person?.leftZ;
    w.rightX = person?.rightX;
    w.rightY = person?.rightY;
    w.rightZ = person?.rightZ;
    e.packedLen = writeFull(e.packed, 0, e.slot, w);
    let changed = e.packedLen !== e.sentLen;
    for (let i = 0; !changed && i < e.packedLen; i++) changed = e.packed[i] !== e.sent[i];
    e.changed = changed;
  }

  /** `buf`, grown when a record would not fit at `at`. */
  private room(buf: Uint8Array, at: number): Uint8Array {
    if (buf.length >= at + COARSE_BYTES) return buf;
    const grown = new Uint8Array(buf.length * 2);
    grown.set(buf);
    return grown;
  }

  /** Appends `e`'s coarse record to `buf` when it differs from `last` (the one last sent, then updated); returns the new length. */
  private appendCoarse(e: Entry, at: number, buf: Uint8Array, last: Uint8Array): number {
    const p = e.entity;
    if (p.x === undefined || p.z === undefined) return at;
    writeCoarse(buf, at, e.slot, { x: p.x, z: p.z, yaw: p.yaw ?? 0 });
    let same = true;
    for (let i = 3; i < COARSE_BYTES; i++) same &&= buf[at + i] === last[i];
    if (same) return at;
    for (let i = 0; i < COARSE_BYTES; i++) last[i] = buf[at + i]!;
    return at + COARSE_BYTES;
  }

  private refresh(w: Watcher): void {
    const p = w.person!;
    if (p.x === undefined || p.z === undefined) return;
    const self = this.entries.get(p) ?? null;
    const n = pickNear({ x: p.x, z: p.z, yaw: p.yaw ?? 0 }, this.list, w.members, this.picked, self);
    const keep = this.keep;
    keep.clear();
    for (let i = 0; i < n; i++) keep.add(this.picked[i]!);
    for (const m of w.members) {
      if (keep.has(m)) continue;
      w.members.delete(m);
      w.dropped.push(m);
    }
    for (let i = 0; i < n; i++) {
      const e = this.picked[i]!;
      if (w.members.has(e)) continue;
      w.members.add(e);
      w.added.push(e);
    }
  }

  /** Adds this patch's frame to `w`'s message: its snapshot or the shared coarse records, its members' changed full records, its drops. */
  private addFrame(w: Watcher, coarse: Uint8Array, coarseLen: number): void {
    if (w.client.state !== ClientState.JOINED) return;
    const snapshot = w.snapshot;
    const full = this.full;
    full.length = 0;
    let size = snapshot ? this.list.length * COARSE_BYTES : coarseLen; // the records
    for (const m of w.members) {
      if (m.packedLen === 0 || !(snapshot || m.changed || w.added.includes(m))) continue;
      full.push(m);
      size += m.packedLen;
    }
    size += w.dropped.length * DROP_BYTES;
    if (size === 0) return;
    const start = w.pendingLen;
    size += start === 0 ? POSE_HEADER_BYTES : FRAME_BYTES;
    if (w.pending.length < start + size) {
      const grown = new Uint8Array(2 * (start + size));
      grown.set(w.pending.subarray(0, start));
      w.pending = grown;
    }
    const out = w.pending;
    let at = start === 0 ? writeHeader(out, this.serverMs, w.person ? this.coarseMs : this.wallMs, this.moveMs) : start + writeFrame(out, start, this.serverMs);
    const records = at;
    if (snapshot) {
      for (const e of this.list) at = this.appendCoarseTo(out, at, e);
    } else {
      if (coarseLen > 0) out.set(coarse.subarray(0, coarseLen), at);
      at += coarseLen;
    }
    for (const m of full) {
      const packed = m.packed;
      for (let i = 0; i < m.packedLen; i++) out[at + i] = packed[i]!;
      at += m.packedLen;
    }
    for (const d of w.dropped) at += writeDrop(out, at, d.slot);
    w.added.length = 0;
    w.dropped.length = 0;
    w.snapshot = false;
    if (at > records) w.pendingLen = at; // else no records after all (a snapshot of nobody placed yet)
  }

  /** Sends `w`'s message, if it has a frame. */
  private send(w: Watcher): void {
    if (w.pendingLen === 0 || w.client.state !== ClientState.JOINED) return;
    const message = w.pending.subarray(0, w.pendingLen);
    w.client.sendBytes(POSES_MESSAGE, message);
    w.pendingLen = 0;
    this.messages++;
    this.bytes += message.length;
  }

  /** A coarse record of `e` as it stands now (for a snapshot). */
  private appendCoarseTo(out: Uint8Array, at: number, e: Entry): number {
    const p = e.entity;
    if (p.x === undefined || p.z === undefined) return at;
    return at + writeCoarse(out, at, e.slot, { x: p.x, z: p.z, yaw: p.yaw ?? 0 });
  }
}
