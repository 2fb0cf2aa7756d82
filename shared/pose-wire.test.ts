import { describe, expect, it } from "vitest";
import { CLIENT_SEND_INTERVAL_MS, COARSE_POSE_INTERVAL_MS } from "./constants";
import {
  COARSE_BYTES,
  DROP_BYTES,
  emptyRecord,
  FULL_BYTES,
  FULL_XR_BYTES,
  POSE_HEADER_BYTES,
  readCoarseInterval,
  readMoveInterval,
  readHeader,
  readPoseMessage,
  readRecord,
  RECORD_COARSE,
  RECORD_DROP,
  RECORD_FULL,
  RECORD_FULL_XR,
  writeCoarse,
  writeDrop,
  writeFrame,
  writeFull,
  writeHeader,
  FRAME_BYTES,
  lastFrameTime,
} from "./pose-wire";
import { COARSE_YAW_RANGE, HAND_XZ_RANGE, HAND_Y_RANGE, HEAD_Y_RANGE, PITCH_RANGE, POSITION_RANGE, quantum, snap, YAW_RANGE } from "./quantise";

describe("the pose stream's records", () => {
  it("a full record carries x, z, yaw and pitch as fixed-point integers, within half a step", () => {
    const b = new Uint8Array(64);
    const pose = { x: -123.456789, z: 45.678901, yaw: -0.3, pitch: 0.4321 };
    expect(writeFull(b, 5, 65535, pose)).toBe(FULL_BYTES);
    const r = emptyRecord();
    expect(readRecord(b, 5, r)).toBe(5 + FULL_BYTES);
    expect(r).toMatchObject({ kind: RECORD_FULL, slot: 65535, hands: 0 });
    expect(r.x).toBe(snap(POSITION_RANGE, pose.x));
    expect(r.z).toBe(snap(POSITION_RANGE, pose.z));
    expect(r.yaw).toBe(snap(YAW_RANGE, pose.yaw));
    expect(r.pitch).toBe(snap(PITCH_RANGE, pose.pitch));
    expect(Math.abs(r.x - pose.x)).toBeLessThanOrEqual(quantum(POSITION_RANGE) / 2 + 1e-9);
    expect(Math.abs(r.pitch - pose.pitch)).toBeLessThanOrEqual(quantum(PITCH_RANGE) / 2 + 1e-9);
  });

  it("a VR person's full record adds the head height and both hands", () => {
    const b = new Uint8Array(64);
    const pose = { x: 1, z: 2, yaw: 3, pitch: -0.2, headY: 1.62, hands: 3, leftX: -0.31, leftY: 1.1, leftZ: 0.25, rightX: 0.33, rightY: 1.05, rightZ: -1.9 };
    expect(writeFull(b, 0, 7, pose)).toBe(FULL_XR_BYTES);
    const r = emptyRecord();
    expect(readRecord(b, 0, r)).toBe(FULL_XR_BYTES);
    expect(r.kind).toBe(RECORD_FULL_XR);
    expect(r.hands).toBe(3);
    expect(r.headY).toBe(snap(HEAD_Y_RANGE, 1.62));
    expect(r.leftX).toBe(snap(HAND_XZ_RANGE, -0.31));
    expect(r.leftY).toBe(snap(HAND_Y_RANGE, 1.1));
    expect(r.rightZ).toBe(snap(HAND_XZ_RANGE, -1.9));
    for (const k of ["headY", "leftX", "leftY", "leftZ", "rightX", "rightY", "rightZ"] as const) expect(Math.abs(r[k] - pose[k])).toBeLessThan(1e-4);
    // Without tracked hands it is a plain full record.
    expect(writeFull(b, 0, 7, { ...pose, hands: 0 })).toBe(FULL_BYTES);
  });

  it("a coarse record is position and an 8-bit yaw; a drop names only the slot", () => {
    const b = new Uint8Array(32);
    let at = writeCoarse(b, 0, 300, { x: 10.004, z: -20.006, yaw: 1 });
    expect(at).toBe(COARSE_BYTES);
    at += writeDrop(b, at, 301);
    expect(at).toBe(COARSE_BYTES + DROP_BYTES);
    const r = emptyRecord();
    let next = readRecord(b, 0, r);
    expect(r).toMatchObject({ kind: RECORD_COARSE, slot: 300, x: snap(POSITION_RANGE, 10.004), z: snap(POSITION_RANGE, -20.006), yaw: snap(COARSE_YAW_RANGE, 1), pitch: 0 });
    next = readRecord(b, next, r);
    expect(r).toMatchObject({ kind: RECORD_DROP, slot: 301 });
    expect(next).toBe(at);
  });

  it("refuses a record cut short or of an unknown kind", () => {
    const b = new Uint8Array(FULL_BYTES);
    writeFull(b, 0, 1, { x: 0, z: 0, yaw: 0, pitch: 0 });
    expect(readRecord(b.subarray(0, FULL_BYTES - 1), 0, emptyRecord())).toBe(-1);
    expect(readRecord(new Uint8Array([9, 0, 0]), 0, emptyRecord())).toBe(-1);
    expect(readRecord(new Uint8Array([]), 0, emptyRecord())).toBe(-1);
  });
});

describe("the pose stream's messages", () => {
  it("a message starts with the server time, a uint32 of ms that wraps", () => {
    const b = new Uint8Array(8);
    for (const ms of [0, 1, 50, 65535, 65536, 123_456_789, 2 ** 32 - 1]) {
      expect(writeHeader(b, ms, COARSE_POSE_INTERVAL_MS)).toBe(POSE_HEADER_BYTES);
      expect(readHeader(b)).toBe(ms);
    }
    writeHeader(b, 2 ** 32 + 7, COARSE_POSE_INTERVAL_MS);
    expect(readHeader(b)).toBe(7);
    writeHeader(b, 1234.9, COARSE_POSE_INTERVAL_MS);
    expect(readHeader(b)).toBe(1234);
    expect(readHeader(b.subarray(0, POSE_HEADER_BYTES - 1))).toBe(-1);
  });

  it("the header also says how often coarse poses come to this client now (uint16 ms)", () => {
    const b = new Uint8Array(8);
    for (const ms of [1000, 2550, 65535]) {
      writeHeader(b, 42, ms);
      expect(readHeader(b)).toBe(42);
      expect(readCoarseInterval(b)).toBe(ms);
    }
    writeHeader(b, 42, 1e9);
    expect(readCoarseInterval(b)).toBe(65535);
    expect(readCoarseInterval(b.subarray(0, POSE_HEADER_BYTES - 1))).toBe(-1);
  });

  it("and how often each person should send its own pose while moving (uint16 ms; the usual rate when not given, and never faster)", () => {
    const b = new Uint8Array(8);
    writeHeader(b, 42, 2550, 101);
    expect([readHeader(b), readCoarseInterval(b), readMoveInterval(b)]).toEqual([42, 2550, 101]);
    writeHeader(b, 42, 1000);
    expect(readMoveInterval(b)).toBe(CLIENT_SEND_INTERVAL_MS);
    writeHeader(b, 42, 1000, 1e9);
    expect(readMoveInterval(b)).toBe(65535);
    writeHeader(b, 42, 1000, 10); // never faster than the usual pace
    expect(readMoveInterval(b)).toBe(CLIENT_SEND_INTERVAL_MS);
    expect(readMoveInterval(b.subarray(0, POSE_HEADER_BYTES - 1))).toBe(-1);
  });

  it("readPoseMessage visits each record after the header and returns the server time", () => {
    const b = new Uint8Array(64);
    let at = writeHeader(b, 987_654, COARSE_POSE_INTERVAL_MS);
    at += writeFull(b, at, 3, { x: 1, z: 2, yaw: 0, pitch: 0 });
    at += writeCoarse(b, at, 4, { x: 5, z: 6, yaw: 0 });
    at += writeDrop(b, at, 5);
    const seen: string[] = [];
    const visit = (r: ReturnType<typeof emptyRecord>) => seen.push(`${r.kind}:${r.slot}:${r.kind === RECORD_DROP ? "" : r.x}`);
    expect(readPoseMessage(b.subarray(0, at), emptyRecord(), visit)).toBe(987_654);
    expect(seen).toEqual([`${RECORD_FULL}:3:1`, `${RECORD_COARSE}:4:5`, `${RECORD_DROP}:5:`]);
    // A record cut short ends the reading; a message without a header has no time.
    seen.length = 0;
    expect(readPoseMessage(b.subarray(0, at - 1), emptyRecord(), visit)).toBe(987_654);
    expect(seen).toHaveLength(2);
    expect(readPoseMessage(new Uint8Array(2), emptyRecord(), visit)).toBe(-1);
    expect(seen).toHaveLength(2);
  });

  it("a FRAME record starts a later patch's poses in the same message: each record is visited with its frame's server time", () => {
    const b = new Uint8Array(64);
    let at = writeHeader(b, 2 ** 32 - 20, COARSE_POSE_INTERVAL_MS); // the clock wraps between the frames
    at += writeFull(b, at, 3, { x: 1, z: 0, yaw: 0, pitch: 0 });
    expect(writeFrame(b, at, 2 ** 32 + 30)).toBe(FRAME_BYTES);
    at += FRAME_BYTES;
    at += writeFull(b, at, 3, { x: 2, z: 0, yaw: 0, pitch: 0 });
    at += writeDrop(b, at, 4);
    const seen: Array<[number, number, number]> = [];
    expect(readPoseMessage(b.subarray(0, at), emptyRecord(), (r, serverMs) => seen.push([r.kind, r.slot, serverMs]))).toBe(2 ** 32 - 20);
    expect(seen).toEqual([
      [RECORD_FULL, 3, 2 ** 32 - 20],
      [RECORD_FULL, 3, 30],
      [RECORD_DROP, 4, 30],
    ]);
    // The last frame's time, found without reading the records; the header's when there is no FRAME.
    expect(lastFrameTime(b.subarray(0, at))).toBe(30);
    const single = new Uint8Array(32);
    const end = writeHeader(single, 77, COARSE_POSE_INTERVAL_MS) + writeDrop(single, POSE_HEADER_BYTES, 4);
    expect(lastFrameTime(single.subarray(0, end))).toBe(77);
    expect(lastFrameTime(new Uint8Array(2))).toBe(-1);
  });
});
