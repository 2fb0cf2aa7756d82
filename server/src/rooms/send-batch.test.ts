import { describe, expect, it } from "vitest";
import { PATCH_INTERVAL_MS } from "../../../shared/constants";
import { POSES_MESSAGE } from "../../../shared/pose-wire";
import { ServerMessage, type ErrorPayload } from "../../../shared/protocol/messages";
import { until } from "../testing/harness";
import { poseSeen, sleep, useWorkspaceRoomServer, type Joined } from "./workspace-room-fixtures";

// Batched sends against a real server and SDK clients. A patch here writes one client's socket
// (flushesPerPatch: 1), so a room of N people writes each socket every N patches, as a room of
// 50·N would with the default FLUSHES_PER_PATCH.

const server = useWorkspaceRoomServer("send-batch", { flushesPerPatch: 1 });
const { freshWorkspace, join, serverPerson, serverRoom } = server;

/** Joins `n` people standing near the spawn point. */
async function crowd(workspace: string, n: number): Promise<Joined[]> {
  const people: Joined[] = [];
  for (let i = 0; i < n; i++) people.push(await join({ workspace, name: `P${i}`, resume: { x: i, z: 10 } }));
  return people;
}

/** Walks `j` east at 4 m/s, a move every patch interval, for `ms`. */
async function walk(j: Joined, ms: number): Promise<void> {
  const p = serverPerson(j);
  let x = p.x;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    x += 0.2;
    j.room.send("move", { x, z: p.z, yaw: 0, pitch: 0 });
    await sleep(PATCH_INTERVAL_MS);
  }
  expect(j.errors).toEqual([]);
}

describe("batched sends", () => {
  it("writes each socket every few patches in a big room, with every patch's poses in it", async () => {
    const workspace = freshWorkspace();
    const [walker, watcher, ...rest] = await crowd(workspace, 4);
    const room = serverRoom(walker!);
    await until("the rotation to cover the room", () => room.sends.every === 4, 2000);
    let messages = 0;
    watcher!.room.onMessage(POSES_MESSAGE, () => messages++);
    await until("the watcher to get the walker's full pose", () => poseSeen(watcher!, walker!)?.full, 3000);

    const flushesBefore = room.sends.flushes;
    const messagesBefore = messages;
    const seen = poseSeen(watcher!, walker!)!;
    const fullBefore = seen.fullServerMs.length;
    const walkMs = 2000;
    const t0 = performance.now();
    await walk(walker!, walkMs);
    await sleep(5 * PATCH_INTERVAL_MS); // the last batch
    const patches = (performance.now() - t0) / PATCH_INTERVAL_MS;

    // Each socket is written about every 4th patch: a quarter of the writes, and of the pose messages.
    const flushes = room.sends.flushes - flushesBefore;
    expect(flushes).toBeLessThanOrEqual(Math.ceil(patches) + 4);
    expect(flushes).toBeGreaterThanOrEqual(Math.floor(patches * 0.6));
    expect(messages - messagesBefore).toBeLessThanOrEqual(Math.ceil(patches / 4) + 2);
    // Yet the walker's full pose came for (nearly) every patch of the walk, each with its own
    // server time, a patch apart: the batches carry every patch's frame.
    const times = seen.fullServerMs.slice(fullBefore);
    expect(times.length).toBeGreaterThan((walkMs / PATCH_INTERVAL_MS) * 0.6);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(PATCH_INTERVAL_MS - 5);
    expect(gaps.filter((g) => g > 1.5 * PATCH_INTERVAL_MS).length).toBeLessThanOrEqual(gaps.length * 0.25);
    // Messages outside the patch (a refusal here) wait at most for the client's turn.
    const refused = new Promise<number>((resolve) => rest[0]!.room.onMessage(ServerMessage.Error, (_e: ErrorPayload) => resolve(performance.now())));
    const sent = performance.now();
    rest[0]!.room.send("move", { x: "far" });
    expect((await refused) - sent).toBeLessThan(4 * PATCH_INTERVAL_MS + 150);
    rest[0]!.errors.length = 0;
  });

  it("a client the server lets go gets its close within a patch, not at its socket's turn", async () => {
    const workspace = freshWorkspace();
    const people = await crowd(workspace, 8); // a socket's turn comes every 8 patches: 400 ms
    const room = serverRoom(people[0]!);
    await until("the rotation to cover the room", () => room.sends.every === 8, 2000);
    for (const who of people.slice(0, 3)) {
      const client = room.clients.getById(who.room.sessionId)!;
      const left = new Promise<number>((resolve) => who.room.onLeave((code) => resolve(code)));
      const t0 = performance.now();
      client.leave(4000);
      expect(await left).toBe(4000);
      expect(performance.now() - t0).toBeLessThan(200);
      await sleep(3 * PATCH_INTERVAL_MS); // at different points of the rotation
    }
    // Someone leaving of their own accord is gone from the room just as soon.
    const leaver = people[3]!;
    const t0 = performance.now();
    await leaver.room.leave(true);
    await until("the leaver to be gone from the room", () => !room.state.people.has(leaver.room.sessionId), 1000);
    expect(performance.now() - t0).toBeLessThan(300);
  });
});
