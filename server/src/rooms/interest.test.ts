import type { Room as ClientRoom } from "@colyseus/sdk";
import { describe, expect, it } from "vitest";
import { CLIENT_SEND_INTERVAL_MS, COARSE_POSE_INTERVAL_MS, COARSE_POSES_PER_S, PATCH_INTERVAL_MS, SPECTATOR_COARSE_POSE_INTERVAL_MS, WORKSPACE_ROOM } from "../../../shared/constants";
import { POSITION_RANGE, snap } from "../../../shared/quantise";
import type { WorkspaceState } from "../../../shared/state";
import { until } from "../testing/harness";
import { INTEREST_REFRESH_MS } from "./interest";
import { coarseIntervalMs, moveIntervalMs, ROOM_MOVES_PER_S } from "./pose-rates";
import { FULL_RATE_RADIUS_M } from "./interest-rules";
import { poseSeen, sleep, trackPoses, useWorkspaceRoomServer, type Joined, type SeenPose } from "./workspace-room-fixtures";

// Interest management against a real server with SDK clients: near people get each other's full
// pose at every patch, far ones only a coarse pose about once a second, spectators every two seconds.

const server = useWorkspaceRoomServer("interest");
const { freshWorkspace, join, serverPerson, serverRoom } = server;

/** Walks `j` east at 4 m/s, a move every patch interval, for `ms`. */
async function walk(j: Joined, ms: number): Promise<void> {
  const p = serverPerson(j);
  let x = p.x;
  const z = p.z;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    x += 0.2;
    j.room.send("move", { x, z, yaw: 0, pitch: 0 });
    await sleep(PATCH_INTERVAL_MS);
  }
  expect(j.errors).toEqual([]);
}

async function joinSpectator(workspace: string): Promise<{ room: ClientRoom<unknown, WorkspaceState>; poses: Map<string, SeenPose> }> {
  const room = await server.colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace, name: "Wall", role: "spectator" });
  room.onMessage("*", () => undefined);
  const poses = trackPoses(room);
  server.track({ room, worlds: [], errors: [], activity: [], backlogs: [], poses });
  await until("the spectator's state", () => room.state.agents?.size > 0, 3000);
  return { room, poses };
}

/** Gaps between arrivals (ms). */
const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe("the coarse interval", () => {
  it("is COARSE_POSE_INTERVAL_MS up to COARSE_POSES_PER_S people and agents, then grows with them: coarse poses per second stay flat", () => {
    expect(coarseIntervalMs(70, COARSE_POSE_INTERVAL_MS)).toBe(COARSE_POSE_INTERVAL_MS);
    expect(coarseIntervalMs(COARSE_POSES_PER_S, COARSE_POSE_INTERVAL_MS)).toBe(COARSE_POSE_INTERVAL_MS);
    for (const entities of [150, 252, 1000]) {
      const ms = coarseIntervalMs(entities, COARSE_POSE_INTERVAL_MS);
      expect(ms % PATCH_INTERVAL_MS).toBe(0);
      const perSecond = (entities * 1000) / ms;
      expect(perSecond).toBeLessThanOrEqual(COARSE_POSES_PER_S);
      expect(perSecond).toBeGreaterThan(COARSE_POSES_PER_S * 0.95);
    }
    // A spectator's is never shorter than its own.
    expect(coarseIntervalMs(70, SPECTATOR_COARSE_POSE_INTERVAL_MS)).toBe(SPECTATOR_COARSE_POSE_INTERVAL_MS);
    expect(coarseIntervalMs(252, SPECTATOR_COARSE_POSE_INTERVAL_MS)).toBe(coarseIntervalMs(252, COARSE_POSE_INTERVAL_MS));
  });
});

describe("the move interval", () => {
  it("is CLIENT_SEND_INTERVAL_MS up to a hundred people, then grows with them: the moves the room reads per second stay flat", () => {
    expect(moveIntervalMs(0)).toBe(CLIENT_SEND_INTERVAL_MS);
    expect(moveIntervalMs(100)).toBe(CLIENT_SEND_INTERVAL_MS);
    expect(moveIntervalMs(202)).toBe(101);
    for (const people of [101, 150, 202, 500]) {
      const perSecond = (people * 1000) / moveIntervalMs(people);
      expect(perSecond).toBeLessThanOrEqual(ROOM_MOVES_PER_S);
      expect(perSecond).toBeGreaterThan(ROOM_MOVES_PER_S * 0.98);
    }
  });
});

describe("interest management", () => {
  it("a near person gets the full pose at every patch; a far one only the coarse pose, about once a second, and a spectator every two", async () => {
    const workspace = freshWorkspace();
    const walker = await join({ workspace, name: "Walker" }); // at the spawn point, (0, 8)
    const near = await join({ workspace, name: "Near", resume: { x: 2, z: 10 } });
    const far = await join({ workspace, name: "Far", resume: { x: 0, z: -50 } });
    const wall = await joinSpectator(workspace);
    const id = walker.room.sessionId;
    await until("Near to get the walker's full pose", () => poseSeen(near, walker)?.full, 3000);
    await until("Far and the wall to get the walker's coarse pose", () => poseSeen(far, walker) && wall.poses.get(id), 3000);

    const t0 = performance.now();
    const walkMs = 3200;
    await walk(walker, walkMs);
    await sleep(2 * PATCH_INTERVAL_MS);
    const during = (times: number[]) => times.filter((t) => t >= t0);

    // Near: a new full pose at (nearly) every patch of the walk.
    const nearSeen = poseSeen(near, walker)!;
    const nearFull = during(nearSeen.fullAt);
    expect(nearFull.length).toBeGreaterThan((walkMs / PATCH_INTERVAL_MS) * 0.6);
    expect(Math.max(...gaps(nearFull))).toBeLessThan(COARSE_POSE_INTERVAL_MS / 2);
    // Each message carries the server's clock when its poses were packed: one patch or more
    // apart, and keeping pace with real time.
    const nearServer = nearSeen.fullServerMs.slice(-nearFull.length);
    for (const gap of gaps(nearServer)) expect(gap).toBeGreaterThanOrEqual(PATCH_INTERVAL_MS - 5);
    const serverSpan = nearServer.at(-1)! - nearServer[0]!;
    expect(Math.abs(serverSpan - (nearFull.at(-1)! - nearFull[0]!))).toBeLessThan(4 * PATCH_INTERVAL_MS);

    // Far and spectator: never the full pose, and a coarse one about every COARSE_POSE_INTERVAL_MS
    // (a spectator's every SPECTATOR_COARSE_POSE_INTERVAL_MS).
    for (const [who, seen, interval] of [
      ["far", poseSeen(far, walker)!, COARSE_POSE_INTERVAL_MS],
      ["spectator", wall.poses.get(id)!, SPECTATOR_COARSE_POSE_INTERVAL_MS],
    ] as const) {
      expect(seen.fullAt, `${who} got a full pose`).toEqual([]);
      const coarse = during(seen.coarseAt);
      expect(coarse.length, `${who}'s coarse poses`).toBeGreaterThanOrEqual(Math.max(1, Math.floor(walkMs / interval) - 1));
      expect(coarse.length, `${who}'s coarse poses`).toBeLessThanOrEqual(Math.ceil(walkMs / interval) + 1);
      for (const gap of gaps(coarse)) expect(gap, `${who}'s gap between coarse poses`).toBeGreaterThan(interval * 0.6);
      // By the server's clock (no network in it), they come every interval.
      for (const gap of gaps(seen.coarseServerMs.slice(-coarse.length))) {
        expect(gap, `${who}'s gap between coarse poses, server time`).toBeGreaterThanOrEqual(interval - 5);
      }
    }

    // The coarse pose is a fresh copy of the full one: where the walker stopped, to the centimetre.
    const stopped = serverPerson(walker);
    await until("the last coarse pose", () => poseSeen(far, walker)!.x === snap(POSITION_RANGE, stopped.x), COARSE_POSE_INTERVAL_MS * 2);
    await until("the wall's last coarse pose", () => wall.poses.get(id)!.x === snap(POSITION_RANGE, stopped.x), SPECTATOR_COARSE_POSE_INTERVAL_MS * 2);
    expect(serverRoom(walker).interest.hasFull(near.room.sessionId, stopped)).toBe(true);
    expect(serverRoom(walker).interest.hasFull(far.room.sessionId, stopped)).toBe(false);
    // Nobody gets their own full pose back.
    expect(poseSeen(walker, walker)?.fullAt ?? []).toEqual([]);
  });

  it("a spectator gets every agent's coarse pose and no full one", async () => {
    const workspace = freshWorkspace();
    const someone = await join({ workspace, name: "Someone" }); // agents start their work when someone arrives
    const wall = await joinSpectator(workspace);
    const ids = [...wall.room.state.agents.keys()];
    expect(ids.length).toBeGreaterThan(0);
    await until("every agent's pose", () => ids.every((a) => wall.poses.has(a)), 3000);
    const room = serverRoom(someone);
    for (const a of ids) {
      const seen = wall.poses.get(a)!;
      expect(seen.fullAt).toEqual([]);
      const truth = room.state.agents.get(a)!;
      expect(Math.hypot(seen.x - truth.x, seen.z - truth.z)).toBeLessThan(5); // at most a second of walking behind
    }
  });

  it("someone who comes near gets the full pose within a refresh, and loses it when they go", async () => {
    const workspace = freshWorkspace();
    const watcher = await join({ workspace, name: "Watcher", resume: { x: 0, z: -45 } });
    const jumper = await join({ workspace, name: "Jumper", mode: "vr" }); // at the spawn point
    await until("the jumper's coarse pose", () => poseSeen(watcher, jumper), 3000);
    expect(poseSeen(watcher, jumper)!.full).toBe(false);

    // A VR teleport to just beside the watcher (well within FULL_RATE_RADIUS_M).
    const t0 = performance.now();
    jumper.room.send("move", { x: 1, z: -43, yaw: 0, pitch: 0, teleport: true });
    await until("the watcher to get the jumper's full pose", () => poseSeen(watcher, jumper)!.full, 3000);
    expect(performance.now() - t0).toBeLessThan(INTEREST_REFRESH_MS + 4 * PATCH_INTERVAL_MS + 300);
    expect(poseSeen(watcher, jumper)).toMatchObject({ x: 1, z: -43 });

    // And back, far beyond the radius: the full pose stops, the coarse one follows within its interval.
    await sleep(400); // teleports are rate-limited
    const away = 8 + FULL_RATE_RADIUS_M;
    jumper.room.send("move", { x: 0, z: away, yaw: 0, pitch: 0, teleport: true });
    await until("the watcher to lose the jumper's full pose", () => !poseSeen(watcher, jumper)!.full, 3000);
    await until("the coarse pose at the new place", () => poseSeen(watcher, jumper)!.z === away, COARSE_POSE_INTERVAL_MS * 2 + 500);
    expect(jumper.errors).toEqual([]);
  });

  it("sends each client at most one pose message per patch, and none when nothing moved", async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace, name: "Still A" });
    const b = await join({ workspace, name: "Still B" });
    let messages = 0;
    b.room.onMessage("p", () => messages++);
    await sleep(COARSE_POSE_INTERVAL_MS + 200); // the joins' own messages are through
    messages = 0;
    await sleep(1000);
    // The agents may walk (coarse poses), but people standing still send nothing: at most one message per patch.
    expect(messages).toBeLessThanOrEqual(1000 / PATCH_INTERVAL_MS + 1);
    const before = messages;
    await walk(a, 1000);
    expect(messages - before).toBeGreaterThan((1000 / PATCH_INTERVAL_MS) * 0.6);
    expect(messages - before).toBeLessThanOrEqual(1000 / PATCH_INTERVAL_MS + 2);
  });
});
