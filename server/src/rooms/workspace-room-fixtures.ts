import type { Room as ClientRoom } from "@colyseus/sdk";
import type { ColyseusTestServer } from "@colyseus/testing";
import { afterAll, afterEach, beforeAll } from "vitest";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import { ServerMessage, type ErrorPayload } from "../../../shared/protocol/messages";
import type { JoinOptions } from "../../../shared/protocol/schemas";
import { WorkServerMessage, type ActivityItem } from "../../../shared/protocol/work-messages";
import { POSITION_RANGE, PITCH_RANGE, snap, YAW_RANGE } from "../../../shared/quantise";
import type { Person, WorkspaceState } from "../../../shared/state";
import type { World } from "../../../shared/world";
import type { Atrium, AtriumOptions } from "../app";
import type { AuditRow } from "../store/store";
import { startTestAtrium, until, type TestAtrium } from "../testing/harness";
import { trackPoses, type SeenPose } from "../testing/pose-tracker";

export { trackPoses, type SeenPose };
import type { WorkspaceRoom } from "./workspace-room";
import { auditsWritten } from "../audit-later";

/** Shared setup of the workspace room tests (workspace-room*.test.ts). Test code only. */

/** A joined SDK client plus every "world", "error" and activity feed message it has received. */
export interface Joined {
  room: ClientRoom<unknown, WorkspaceState>;
  worlds: World[];
  errors: ErrorPayload[];
  /** Live feed items, in arrival order. */
  activity: ActivityItem[];
  /** Each activity-backlog received (on join and on reconnect). */
  backlogs: ActivityItem[][];
  /** What the pose stream told this client, by person session id or agent id (see trackPoses). */
  poses: Map<string, SeenPose>;
}

/** The pose `observer` holds of `subject` (from the pose stream), or undefined before any came. */
export function poseSeen(observer: Joined, subject: Joined): SeenPose | undefined {
  return observer.poses.get(subject.room.sessionId);
}

/** What `observer` shows of `subject`: its name and connection from the state, its pose from the pose stream. */
export function viewOf(observer: Joined, subject: Joined) {
  const p = seen(observer, subject);
  const q = poseSeen(observer, subject);
  if (!p || !q) return undefined;
  return { name: p.name, x: q.x, z: q.z, yaw: q.yaw, pitch: q.pitch, connected: p.connected };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function pose(p: { name: string; x: number; z: number; yaw: number; pitch: number; connected: boolean }) {
  return { name: p.name, x: p.x, z: p.z, yaw: p.yaw, pitch: p.pitch, connected: p.connected };
}

/** A pose as a client receives it: each field snapped to its fixed-point step on the wire (shared/quantise.ts). */
export function snapped(p: { x: number; z: number; yaw: number; pitch: number }) {
  return { x: snap(POSITION_RANGE, p.x), z: snap(POSITION_RANGE, p.z), yaw: snap(YAW_RANGE, p.yaw), pitch: snap(PITCH_RANGE, p.pitch) };
}

/** Yaw `yaw` as a client receives it. */
export const snappedYaw = (yaw: number) => snap(YAW_RANGE, yaw);

/** What `observer` currently sees of `subject`. */
export function seen(observer: Joined, subject: Joined) {
  return observer.room.state.people.get(subject.room.sessionId);
}

export interface WorkspaceRoomServer {
  readonly atrium: Atrium;
  readonly colyseus: ColyseusTestServer;
  /** The HTTP base URL. */
  readonly url: string;
  /** A workspace id no other test uses, so every test gets a fresh room. */
  freshWorkspace(): string;
  /** Joins as "Ada" unless named otherwise, and waits for the initial state. Left after the test. */
  join(options: Partial<JoinOptions> & { workspace: string }): Promise<Joined>;
  /** Leaves `j` after the test too (for rooms joined other than through join()). */
  track(j: Joined): void;
  serverRoom(j: Joined): WorkspaceRoom;
  /** The server's copy of the person behind `j`. */
  serverPerson(j: Joined): Person;
  /** The audit rows `sessionId` wrote of `kind`. */
  /** The audit rows of a session and kind, once every row asked for so far is written. */
  auditFor(sessionId: string, kind: string): Promise<AuditRow[]>;
}

/**
 * Starts one Atrium for the calling test file (beforeAll), leaves every room joined in a test
 * after it (afterEach), and closes the server (afterAll). Call once, at the top of the file.
 */
export function useWorkspaceRoomServer(name: string, options?: AtriumOptions): WorkspaceRoomServer {
  let started: TestAtrium | undefined;
  let open: Joined[] = [];
  let workspaceCounter = 0;

  const get = (): TestAtrium => {
    if (!started) throw new Error("the test Atrium has not started (use it inside a test)");
    return started;
  };

  beforeAll(async () => {
    started = await startTestAtrium({ name, options });
  });

  afterEach(async () => {
    const leaving = open.filter((j) => j.room.connection.isOpen).map((j) => j.room.leave(true));
    open = [];
    await Promise.all(leaving);
  });

  afterAll(async () => {
    await started?.close();
  });

  const server: WorkspaceRoomServer = {
    get atrium() {
      return get().atrium;
    },
    get colyseus() {
      return get().colyseus;
    },
    get url() {
      return get().url;
    },
    freshWorkspace() {
      return `t-${++workspaceCounter}`;
    },
    async join(options) {
      const room = await get().colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { name: "Ada", ...options });
      const joined: Joined = { room, worlds: [], errors: [], activity: [], backlogs: [], poses: new Map() };
      trackPoses(room, joined.poses);
      room.onMessage(ServerMessage.World, (w: World) => joined.worlds.push(w));
      room.onMessage(ServerMessage.Error, (e: ErrorPayload) => joined.errors.push(e));
      room.onMessage(WorkServerMessage.Activity, (a: ActivityItem) => joined.activity.push(a));
      room.onMessage(WorkServerMessage.ActivityBacklog, (b: ActivityItem[]) => joined.backlogs.push(b));
      // Agents' own traffic: not what these tests look at.
      for (const type of [ServerMessage.Question, ServerMessage.QuestionClosed, ServerMessage.HandOff, "speech"]) room.onMessage(type, () => undefined);
      open.push(joined);
      await until("the initial state", () => room.state.people?.get(room.sessionId) !== undefined, 3000);
      return joined;
    },
    track(j) {
      open.push(j);
    },
    serverRoom(j) {
      return get().colyseus.getRoomById<WorkspaceRoom>(j.room.roomId);
    },
    serverPerson(j) {
      const person = server.serverRoom(j).state.people.get(j.room.sessionId);
      if (!person) throw new Error(`no person ${j.room.sessionId} on the server`);
      return person;
    },
    async auditFor(sessionId, kind) {
      const store = get().atrium.store;
      await auditsWritten(store);
      return (await store.recentAudit(1000)).filter((r) => r.actor === sessionId && r.kind === kind);
    },
  };
  return server;
}
