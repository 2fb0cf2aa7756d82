import { Callbacks, type Room as ClientRoom } from "@colyseus/sdk";
import { describe, expect, it } from "vitest";
import { COARSE_POSE_INTERVAL_MS, PATCH_INTERVAL_MS, WORKSPACE_ROOM } from "../../../shared/constants";
import type { Agent, Person, WorkspaceState } from "../../../shared/state";
import { until } from "../testing/harness";
import { INTEREST_REFRESH_MS } from "./interest";
import { FULL_RATE_RADIUS_M } from "./interest-rules";
import { sleep, useWorkspaceRoomServer, type Joined } from "./workspace-room-fixtures";

// Interest management against a real server with SDK clients: near people get each other's full
// pose at every patch, far ones (and spectators) only a coarse pose about once a second.

const server = useWorkspaceRoomServer("interest");
const { freshWorkspace, join, serverPerson, serverRoom } = server;

/** What one client received of one person or agent: each patch that touched it. */
interface Seen {
  /** Arrival times of a new full pose (x or z changed and defined). */
  full: number[];
  /** Arrival times of a new coarse pose. */
  coarse: number[];
  /** Patches in which the full pose was present at all. */
  withFull: number;
  patches: number;
}

function record(room: ClientRoom<unknown, WorkspaceState>, entity: Person | Agent): Seen {
  const seen: Seen = { full: [], coarse: [], withFull: 0, patches: 0 };
  let x = entity.x;
  let z = entity.z;
  let cx = entity.coarseX;
  let cz = entity.coarseZ;
  Callbacks.get(room).onChange(entity, () => {
    const now = performance.now();
    seen.patches++;
    if (entity.x !== undefined) seen.withFull++;
    if (entity.x !== undefined && (entity.x !== x || entity.z !== z)) seen.full.push(now);
    if (entity.coarseX !== cx || entity.coarseZ !== cz) seen.coarse.push(now);
    x = entity.x;
    z = entity.z;
    cx = entity.coarseX;
    cz = entity.coarseZ;
  });
  return seen;
}

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

async function joinSpectator(workspace: string): Promise<ClientRoom<unknown, WorkspaceState>> {
  const room = await server.colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace, name: "Wall", role: "spectator" });
  room.onMessage("*", () => undefined);
  server.track({ room, worlds: [], errors: [], activity: [], backlogs: [] });
  await until("the spectator's state", () => room.state.agents?.size > 0, 3000);
  return room;
}

/** Gaps between arrivals (ms). */
const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe("interest management", () => {
  it("a near person gets the full pose at every patch; a far one and a spectator only the coarse pose, about once a second", async () => {
    const workspace = freshWorkspace();
    const walker = await join({ workspace, name: "Walker" }); // at the spawn point, (0, 8)
    const near = await join({ workspace, name: "Near", resume: { x: 2, z: 10 } });
    const far = await join({ workspace, name: "Far", resume: { x: 0, z: -50 } });
    const wall = await joinSpectator(workspace);
    const id = walker.room.sessionId;
    const walkerIn = (j: { room: ClientRoom<unknown, WorkspaceState> }) => until("the walker in the state", () => j.room.state.people.get(id), 3000);
    await until("Near to get the walker's full pose", () => near.room.state.people.get(id)?.x !== undefined, 3000);

    const seenNear = record(near.room, await walkerIn(near));
    const seenFar = record(far.room, await walkerIn(far));
    const seenWall = record(wall, await walkerIn({ room: wall }));
    const walkMs = 3200;
    await walk(walker, walkMs);
    await sleep(2 * PATCH_INTERVAL_MS);

    // Near: a new full pose at (nearly) every patch of the walk.
    const patches = walkMs / PATCH_INTERVAL_MS;
    expect(seenNear.full.length).toBeGreaterThan(patches * 0.6);
    expect(Math.max(...gaps(seenNear.full))).toBeLessThan(COARSE_POSE_INTERVAL_MS / 2);

    // Far and spectator: never the full pose, and a coarse one about every COARSE_POSE_INTERVAL_MS.
    for (const [who, seen] of [
      ["far", seenFar],
      ["spectator", seenWall],
    ] as const) {
      expect(seen.withFull, `${who} got a full pose`).toBe(0);
      expect(seen.full).toEqual([]);
      expect(seen.coarse.length, `${who}'s coarse poses`).toBeGreaterThanOrEqual(Math.floor(walkMs / COARSE_POSE_INTERVAL_MS) - 1);
      expect(seen.coarse.length, `${who}'s coarse poses`).toBeLessThanOrEqual(Math.ceil(walkMs / COARSE_POSE_INTERVAL_MS) + 1);
      for (const gap of gaps(seen.coarse)) expect(gap, `${who}'s gap between coarse poses`).toBeGreaterThan(COARSE_POSE_INTERVAL_MS * 0.6);
    }

    // The coarse pose is a fresh copy of the full one: where the walker stopped, to the centimetre.
    const stopped = serverPerson(walker);
    await until("the last coarse pose", () => far.room.state.people.get(id)?.coarseX === stopped.x, COARSE_POSE_INTERVAL_MS * 2);
    expect(wall.state.people.get(id)).toMatchObject({ coarseX: stopped.x, coarseZ: stopped.z });
    expect(serverRoom(walker).interest.hasFull(near.room.sessionId, stopped)).toBe(true);
    expect(serverRoom(walker).interest.hasFull(far.room.sessionId, stopped)).toBe(false);
  });

  it("a spectator gets every agent's coarse pose and no full one", async () => {
    const workspace = freshWorkspace();
    await join({ workspace, name: "Someone" }); // agents start their work when someone arrives
    const wall = await joinSpectator(workspace);
    const agents = [...wall.state.agents.values()];
    expect(agents.length).toBeGreaterThan(0);
    for (const a of agents) {
      expect(a.x).toBeUndefined();
      expect(typeof a.coarseX).toBe("number");
      expect(typeof a.coarseZ).toBe("number");
      const truth = serverRoom({ room: wall } as Joined).state.agents.get(a.id)!;
      expect(Math.hypot(a.coarseX - truth.x, a.coarseZ - truth.z)).toBeLessThan(5); // at most a second of walking behind
    }
  });

  it("someone who comes near gets the full pose within a refresh, and loses it when they go", async () => {
    const workspace = freshWorkspace();
    const watcher = await join({ workspace, name: "Watcher", resume: { x: 0, z: -45 } });
    const jumper = await join({ workspace, name: "Jumper", mode: "vr" }); // at the spawn point
    const id = jumper.room.sessionId;
    const held = () => watcher.room.state.people.get(id);
    await until("the jumper in the watcher's state", held, 3000);
    expect(held()!.x).toBeUndefined();

    // A VR teleport to just beside the watcher (well within FULL_RATE_RADIUS_M).
    const t0 = performance.now();
    jumper.room.send("move", { x: 1, z: -43, yaw: 0, pitch: 0, teleport: true });
    await until("the watcher to get the jumper's full pose", () => held()?.x !== undefined, 3000);
    expect(performance.now() - t0).toBeLessThan(INTEREST_REFRESH_MS + 4 * PATCH_INTERVAL_MS + 300);
    expect(held()).toMatchObject({ x: 1, z: -43 });

    // And back, far beyond the radius: the full pose goes, the coarse one follows within its interval.
    await sleep(400); // teleports are rate-limited
    jumper.room.send("move", { x: 0, z: 8 + FULL_RATE_RADIUS_M, yaw: 0, pitch: 0, teleport: true });
    await until("the watcher to lose the jumper's full pose", () => held()?.x === undefined, 3000);
    await until("the coarse pose at the new place", () => held()?.coarseZ === 8 + FULL_RATE_RADIUS_M, COARSE_POSE_INTERVAL_MS * 2 + 500);
    expect(jumper.errors).toEqual([]);
  });
});
