import { CLIENT_SEND_INTERVAL_MS } from "./constants";
import { COARSE_YAW_RANGE, fromWire, HAND_XZ_RANGE, HAND_Y_RANGE, HEAD_Y_RANGE, PITCH_RANGE, POSITION_RANGE, toWire, YAW_RANGE } from "./quantise";

/**
 * The pose stream: how people's and agents' poses travel from the server to a client, as binary
 * messages holding a frame of poses per patch (server/src/rooms/interest.ts builds them,
 * client/src/engine/pose-stream.ts reads them). Poses are not in the Colyseus state: a per-client StateView made every client's patch
 * a separate encode of the state, which cost more per patch than sending it. Here each pose is
 * packed once per patch and each client's message is a concatenation of packed records.
 *
 * A message is a header, then a run of records, all integers little-endian. The header is the
 * server's clock when the poses after it were packed: milliseconds since the room started, a
 * uint32 (it wraps after 49 days; a reader takes the difference to the last one as a signed
 * int32). Every pose up to the next FRAME record is the pose at that moment, so a client times
 * its snapshots by it (client/src/engine/server-clock.ts), not by when the message happened to
 * be read: messages read in a burst (a long frame, a stalled network) keep the spacing the server
 * gave them. A FRAME record starts the poses of a later patch in the same message (a client of a
 * big room is written every few patches, with every patch's poses: server/src/rooms/send-batch.ts).
 *
 * | header | bytes |
 * | --- | --- |
 * | server time (uint32 ms since the room started) | 4 |
 * | coarse interval: how often this client gets each one's coarse pose now (uint16 ms) | 2 |
 * | move interval: how often each person should send its own pose while moving now (uint16 ms) | 2 |
 *
 * Each record starts with a kind byte and the entity's `slot` (the uint16 its Person or Agent
 * carries in the state), values as fixed-point integers of shared/quantise.ts:
 *
 * | kind | record | bytes |
 * | --- | --- | --- |
 * | FULL | x, z, yaw, pitch (uint16 each) | 11 |
 * | FULL_XR | FULL, then headY (uint16), hands (uint8), left x y z, right x y z (uint16 each) | 26 |
 * | COARSE | x, z (uint16), yaw (uint8) | 8 |
 * | DROP | nothing: full poses of this entity stop; coarse ones follow | 3 |
 * | FRAME | no slot: the server time of the records after it (uint32, as the header) | 5 |
 */
export const POSES_MESSAGE = "p";

/** The header's size: the server time, the coarse interval and the move interval. */
export const POSE_HEADER_BYTES = 8;
/** Server times are uint32 milliseconds: they wrap at this. */
export const SERVER_TIME_WRAP = 2 ** 32;

export const RECORD_FULL = 1;
export const RECORD_FULL_XR = 2;
export const RECORD_COARSE = 3;
export const RECORD_DROP = 4;
export const RECORD_FRAME = 5;

export const FULL_BYTES = 11;
export const FULL_XR_BYTES = 26;
export const COARSE_BYTES = 8;
export const DROP_BYTES = 3;
export const FRAME_BYTES = 5;
/** The largest record. */
export const MAX_RECORD_BYTES = FULL_XR_BYTES;

/**
 * A person's XR body (see shared/state.ts Person): eye height above the floor, which hands are
 * tracked (HAND_* bits; 0 for none), and each hand's offset from the person's (x, 0, z) in metres.
 */
export interface XRBody {
  headY: number;
  hands: number;
  leftX: number;
  leftY: number;
  leftZ: number;
  rightX: number;
  rightY: number;
  rightZ: number;
}

/** What a full record carries (the XR part only with `hands`/`headY` set; see shared/state.ts Person). */
export interface WirePose {
  x: number;
  z: number;
  yaw: number;
  pitch: number;
  headY?: number | undefined;
  hands?: number | undefined;
  leftX?: number | undefined;
  leftY?: number | undefined;
  leftZ?: number | undefined;
  rightX?: number | undefined;
  rightY?: number | undefined;
  rightZ?: number | undefined;
}

function u16(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
}

function readU16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

/** Writes a server time `serverMs` (ms since the room started, wrapped to a uint32) at `at`. */
function writeTime(b: Uint8Array, at: number, serverMs: number): void {
  const v = Math.floor(serverMs) % SERVER_TIME_WRAP;
  const u = v < 0 ? v + SERVER_TIME_WRAP : v;
  u16(b, at, u % 65536);
  u16(b, at + 2, Math.floor(u / 65536));
}

function readTime(b: Uint8Array, at: number): number {
  return readU16(b, at) + readU16(b, at + 2) * 65536;
}

/**
 * Writes the header at the start of `b`: the server time `serverMs` of the poses after it, the
 * coarse interval and the move interval (ms; CLIENT_SEND_INTERVAL_MS, a room's up to 100 people).
 */
export function writeHeader(b: Uint8Array, serverMs: number, coarseIntervalMs: number, moveIntervalMs = CLIENT_SEND_INTERVAL_MS): number {
  writeTime(b, 0, serverMs);
  u16(b, 4, clampU16(coarseIntervalMs));
  u16(b, 6, clampU16(moveIntervalMs));
  return POSE_HEADER_BYTES;
}

function clampU16(ms: number): number {
  return Math.max(0, Math.min(65535, Math.round(ms)));
}

/** Writes a FRAME record at `at`: the records after it are the poses at server time `serverMs`. */
export function writeFrame(b: Uint8Array, at: number, serverMs: number): number {
  b[at] = RECORD_FRAME;
  writeTime(b, at + 1, serverMs);
  return FRAME_BYTES;
}

/** The coarse interval in the header of message `b` (ms), or -1 when `b` is too short to hold one. */
export function readCoarseInterval(b: Uint8Array): number {
  if (b.length < POSE_HEADER_BYTES) return -1;
  return readU16(b, 4);
}

/**
 * The move interval in the header of message `b` (ms; never under CLIENT_SEND_INTERVAL_MS: no one
 * sends faster than the usual pace), or -1 when `b` is too short to hold one.
 */
export function readMoveInterval(b: Uint8Array): number {
  if (b.length < POSE_HEADER_BYTES) return -1;
  return Math.max(CLIENT_SEND_INTERVAL_MS, readU16(b, 6));
}

/** The server time in the header of message `b` (a uint32 of ms), or -1 when `b` is too short to hold one. */
export function readHeader(b: Uint8Array): number {
  if (b.length < POSE_HEADER_BYTES) return -1;
  return readTime(b, 0);
}

/** Whether `p` carries an XR body (a head height and tracked hands). */
export function hasXRBody(p: WirePose): boolean {
  return p.headY !== undefined && p.hands !== undefined && p.hands !== 0;
}

/** Writes a FULL (or FULL_XR) record of `p` for `slot` at `at`; returns its length. */
export function writeFull(b: Uint8Array, at: number, slot: number, p: WirePose): number {
  const xr = hasXRBody(p);
  b[at] = xr ? RECORD_FULL_XR : RECORD_FULL;
  u16(b, at + 1, slot);
  u16(b, at + 3, toWire(POSITION_RANGE, p.x));
  u16(b, at + 5, toWire(POSITION_RANGE, p.z));
  u16(b, at + 7, toWire(YAW_RANGE, p.yaw));
  u16(b, at + 9, toWire(PITCH_RANGE, p.pitch));
  if (!xr) return FULL_BYTES;
  u16(b, at + 11, toWire(HEAD_Y_RANGE, p.headY ?? 0));
  b[at + 13] = (p.hands ?? 0) & 0xff;
  u16(b, at + 14, toWire(HAND_XZ_RANGE, p.leftX ?? 0));
  u16(b, at + 16, toWire(HAND_Y_RANGE, p.leftY ?? 0));
  u16(b, at + 18, toWire(HAND_XZ_RANGE, p.leftZ ?? 0));
  u16(b, at + 20, toWire(HAND_XZ_RANGE, p.rightX ?? 0));
  u16(b, at + 22, toWire(HAND_Y_RANGE, p.rightY ?? 0));
  u16(b, at + 24, toWire(HAND_XZ_RANGE, p.rightZ ?? 0));
  return FULL_XR_BYTES;
}

/** Writes a COARSE record of `p` for `slot` at `at`; returns its length. */
export function writeCoarse(b: Uint8Array, at: number, slot: number, p: { x: number; z: number; yaw: number }): number {
  b[at] = RECORD_COARSE;
  u16(b, at + 1, slot);
  u16(b, at + 3, toWire(POSITION_RANGE, p.x));
  u16(b, at + 5, toWire(POSITION_RANGE, p.z));
  b[at + 7] = toWire(COARSE_YAW_RANGE, p.yaw);
  return COARSE_BYTES;
}

/** Writes a DROP record for `slot` at `at`; returns its length. */
export function writeDrop(b: Uint8Array, at: number, slot: number): number {
  b[at] = RECORD_DROP;
  u16(b, at + 1, slot);
  return DROP_BYTES;
}

/** One record as read, into a reused object. DROP has no pose; FRAME has only `serverMs`. */
export interface PoseRecord extends Required<WirePose> {
  kind: typeof RECORD_FULL | typeof RECORD_FULL_XR | typeof RECORD_COARSE | typeof RECORD_DROP | typeof RECORD_FRAME;
  slot: number;
  /** A FRAME record's server time (uint32 ms, as the header). */
  serverMs: number;
}

export function emptyRecord(): PoseRecord {
  return { kind: RECORD_DROP, slot: 0, serverMs: 0, x: 0, z: 0, yaw: 0, pitch: 0, headY: 0, hands: 0, leftX: 0, leftY: 0, leftZ: 0, rightX: 0, rightY: 0, rightZ: 0 };
}

/** The size of a record of `kind` (its first byte), or 0 for no known kind. */
function recordSize(kind: number | undefined): number {
  return kind === RECORD_FULL ? FULL_BYTES : kind === RECORD_FULL_XR ? FULL_XR_BYTES : kind === RECORD_COARSE ? COARSE_BYTES : kind === RECORD_DROP ? DROP_BYTES : kind === RECORD_FRAME ? FRAME_BYTES : 0;
}

/**
 * The server time of message `b`'s last frame: its last FRAME record's, else its header's (-1
 * without one). Steps over the records by their sizes, reading none of them.
 */
export function lastFrameTime(b: Uint8Array): number {
  let last = readHeader(b);
  if (last < 0) return -1;
  for (let at = POSE_HEADER_BYTES; at < b.length; ) {
    const size = recordSize(b[at]);
    if (size === 0 || at + size > b.length) break;
    if (b[at] === RECORD_FRAME) last = readTime(b, at + 1);
    at += size;
  }
  return last;
}

/**
 * Reads the record at `at` into `out` and returns the offset after it, or -1 when the bytes end
 * inside it or hold an unknown kind (the rest of the message is then unreadable).
 */
export function readRecord(b: Uint8Array, at: number, out: PoseRecord): number {
  const kind = b[at];
  const size = recordSize(kind);
  if (size === 0 || at + size > b.length) return -1;
  out.kind = kind as PoseRecord["kind"];
  if (kind === RECORD_FRAME) {
    out.serverMs = readTime(b, at + 1);
    return at + size;
  }
  out.slot = readU16(b, at + 1);
  if (kind === RECORD_DROP) return at + size;
  out.x = fromWire(POSITION_RANGE, readU16(b, at + 3));
  out.z = fromWire(POSITION_RANGE, readU16(b, at + 5));
  if (kind === RECORD_COARSE) {
    out.yaw = fromWire(COARSE_YAW_RANGE, b[at + 7]!);
    out.pitch = 0;
    return at + size;
  }
  out.yaw = fromWire(YAW_RANGE, readU16(b, at + 7));
  out.pitch = fromWire(PITCH_RANGE, readU16(b, at + 9));
  if (kind === RECORD_FULL) {
    out.hands = 0;
    return at + size;
  }
  out.headY = fromWire(HEAD_Y_RANGE, readU16(b, at + 11));
  out.hands = b[at + 13]!;
  out.leftX = fromWire(HAND_XZ_RANGE, readU16(b, at + 14));
  out.leftY = fromWire(HAND_Y_RANGE, readU16(b, at + 16));
  out.leftZ = fromWire(HAND_XZ_RANGE, readU16(b, at + 18));
  out.rightX = fromWire(HAND_XZ_RANGE, readU16(b, at + 20));
  out.rightY = fromWire(HAND_Y_RANGE, readU16(b, at + 22));
  out.rightZ = fromWire(HAND_XZ_RANGE, readU16(b, at + 24));
  return at + size;
}

/**
 * Reads a whole message: calls `visit` with each pose record in turn (read into `out`, reused)
 * and the server time of its frame (the header's, or the last FRAME record's), and returns the
 * header's server time, or -1 when it has none. Reading stops at a malformed record (the rest
 * cannot be read). The one decoder of the stream for tests and the bench; the client reads it the
 * same way, record by record (client/src/engine/pose-stream.ts).
 */
export function readPoseMessage(b: Uint8Array, out: PoseRecord, visit: (record: PoseRecord, serverMs: number) => void): number {
  const header = readHeader(b);
  if (header < 0) return -1;
  let serverMs = header;
  for (let at = POSE_HEADER_BYTES; at < b.length; ) {
    at = readRecord(b, at, out);
    if (at < 0) break;
    if (out.kind === RECORD_FRAME) serverMs = out.serverMs;
    else visit(out, serverMs);
  }
  return header;
}
