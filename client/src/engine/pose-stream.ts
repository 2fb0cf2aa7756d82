import { emptyRecord, POSE_HEADER_BYTES, readHeader, readRecord, RECORD_COARSE, RECORD_DROP, RECORD_FULL_XR } from "../../../shared/pose-wire";
import type { SnapshotBuffer } from "./interpolation";
import { PERSON_COARSE, PoseFeed, type CoarseRate } from "./pose-feed";
import { ServerClock } from "./server-clock";
import type { RemoteBody } from "./xr-body";

interface Target {
  id: string;
  feed: PoseFeed;
  /** A person's XR body (head height, hands); null for an agent. */
  body: RemoteBody | null;
}

/**
 * Reads the pose stream (shared/pose-wire.ts, one binary message per patch) into the snapshot
 * buffers and XR bodies the scene draws from. People and agents are named in it by the `slot`
 * their schema object carries; the connection registers each as it arrives in the state.
 * Each message's poses are timed by the server time in its header, mapped onto this page's
 * clock (server-clock.ts), not by when the message was read.
 */
export class PoseStream {
  private readonly bySlot = new Map<number, Target>();
  private readonly byId = new Map<string, Target>();
  private readonly record = emptyRecord();
  private selfSlot = -1;
  private selfPlaced = false;
  /** The server's clock as seen from here (one per connection: the room's clock). */
  readonly clock = new ServerClock();

  constructor(
    /** Called once, with the first pose of this client's own person: where the server put it. */
    private readonly placeSelf: (x: number, z: number) => void,
    /** How often coarse poses come to this client (a spectator's come less often). */
    private readonly rate: CoarseRate = PERSON_COARSE,
  ) {}

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

  /** Reads one message (`now`: performance.now(), when it was read). A record for an unknown slot is skipped. */
  apply(bytes: Uint8Array, now: number): void {
    const serverMs = readHeader(bytes);
    if (serverMs < 0) return; // not even a header
    const t = this.clock.toLocal(serverMs, now);
    const r = this.record;
    let at = POSE_HEADER_BYTES;
    while (at < bytes.length) {
      at = readRecord(bytes, at, r);
      if (at < 0) return; // malformed: the rest cannot be read
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
        e.feed.full(t, now, r.x, r.z, r.yaw, r.pitch);
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
}
