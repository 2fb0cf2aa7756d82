import { describe, expect, it } from "vitest";
import { MAX_NAME_LENGTH, WORKSPACE_ROOM } from "../../../shared/constants";
import type { WorkspaceState } from "../../../shared/state";
import { until } from "../testing/harness";
import { pose, poseSeen, seen, sleep, snapped, snappedYaw, viewOf, useWorkspaceRoomServer } from "./workspace-room-fixtures";
import { writtenAudit } from "../testing/db-count";

// Joining, renaming, leaving and reconnecting, workspaces and metrics. Moves and malformed
// messages are in workspace-room-moves.test.ts.

const server = useWorkspaceRoomServer("room");
const { freshWorkspace, join, serverRoom, serverPerson, auditFor, track } = server;

describe("joining", () => {
  it("adds the person with name, mode and colour near the spawn point", async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace, name: "Ada Lovelace", mode: "vr" });
    const me = seen(a, a)!;
    expect(me.id).toBe(a.room.sessionId);
    expect(me.name).toBe("Ada Lovelace");
    expect(me.mode).toBe("vr");
    expect(me.colour).toMatch(/^#[0-9a-f]{6}$/);
    expect(me.connected).toBe(true);
    const { position, spread } = server.atrium.world.spawn;
    // A client learns its own place from the pose stream's coarse pose; its own full pose never comes back to it.
    const own = await until("A's own pose", () => poseSeen(a, a), 3000);
    expect(own.full).toBe(false);
    expect(own.fullAt).toEqual([]);
    expect(Math.hypot(own.x - position[0], own.z - position[1])).toBeLessThanOrEqual(spread + 0.01);
    expect(a.room.state.workspace).toBe(workspace);
    expect(serverRoom(a).workspace).toBe(workspace);
  });

  it("gives each newcomer a colour no one in the room wears, while the palette lasts", async () => {
    const workspace = freshWorkspace();
    const people = [];
    for (let i = 0; i < 8; i++) people.push(await join({ workspace, name: `P${i}` }));
    const colours = people.map((p) => seen(p, p)!.colour);
    expect(new Set(colours).size).toBe(8);
  });

  it("defaults the mode to desktop and trims the name", async () => {
    const a = await join({ workspace: freshWorkspace(), name: "  Grace  " });
    expect(seen(a, a)).toMatchObject({ name: "Grace", mode: "desktop" });
  });

  it("sends the world layout exactly once, with the districts", async () => {
    const a = await join({ workspace: freshWorkspace() });
    await until("the world message", () => a.worlds.length > 0, 3000);
    await sleep(150); // a few patch intervals: a second copy would have arrived by now
    expect(a.worlds).toHaveLength(1);
    expect(a.worlds[0]).toEqual(server.atrium.world);
    expect(a.worlds[0]!.districts.map((d) => d.name)).toContain("Research Lab");
  });

  it('writes a "join" audit row', async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace, name: "Audited", mode: "ar" });
    const rows = await auditFor(a.room.sessionId, "join");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ workspace, data: { name: "Audited", mode: "ar" } });
  });

  it("resumes at a given spot inside the campus, and ignores one outside it", async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace, resume: { x: 20, z: -15 } });
    expect(serverPerson(a)).toMatchObject({ x: 20, z: -15 });
    const b = await join({ workspace, resume: { x: 500, z: 0 } });
    const p = serverPerson(b);
    const { position, spread } = server.atrium.world.spawn;
    expect(Math.hypot(p.x - position[0], p.z - position[1])).toBeLessThanOrEqual(spread + 1e-9);
  });

  it("shows two clients to each other", async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace, name: "Alpha" });
    const b = await join({ workspace, name: "Bravo" });
    expect(b.room.roomId).toBe(a.room.roomId);
    expect(b.room.sessionId).not.toBe(a.room.sessionId);
    await until("A to see B", () => seen(a, b) !== undefined, 3000);
    expect(seen(a, b)).toMatchObject({ name: "Bravo", connected: true });
    expect(seen(b, a)).toMatchObject({ name: "Alpha", connected: true });
    expect(a.room.state.people.size).toBe(2);
    expect(b.room.state.people.size).toBe(2);
  });

  it("starts everyone facing north with a level head, as numbers others can blend", async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace });
    const b = await join({ workspace });
    await until("B to see A", () => poseSeen(b, a)?.full, 3000);
    expect(poseSeen(b, a)).toMatchObject({ yaw: 0, pitch: 0 });
    expect(serverPerson(a)).toMatchObject({ yaw: 0, pitch: 0 });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["an empty name", { name: "" }, /cannot join: name: name must not be empty/],
    ["a blank name", { name: "   " }, /cannot join: name: name must not be empty/],
    ["no name", { name: undefined }, /cannot join: name: /],
    ["a name that is too long", { name: "x".repeat(MAX_NAME_LENGTH + 1) }, /cannot join: name: name must be at most 32/],
    ["a name with control characters", { name: "bad\u0007name" }, /cannot join: name: name must not contain control characters/],
    ["an unknown mode", { mode: "hologram" }, /cannot join: mode: /],
    ["a bad workspace string", { workspace: "Bad Space!" }, /cannot join: workspace: workspace must be lower-case/],
    ["a workspace that is too long", { workspace: "w".repeat(41) }, /cannot join: workspace: /],
  ])("refuses a join with %s", async (_label, bad, why) => {
    const workspace = typeof bad.workspace === "string" ? bad.workspace : freshWorkspace();
    const options = { name: "Ada", workspace, ...bad };
    const before = (await writtenAudit(server.atrium.store, 1))[0]?.id ?? 0;
    await expect(server.colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, options)).rejects.toThrow(why);
    // Nobody was added, nothing was audited (no "join", no "leave"), and no room is left behind.
    await until("the refused room to go away", () => [...server.atrium.rooms].every((r) => r.workspace !== workspace), 3000);
    expect((await writtenAudit(server.atrium.store, 1))[0]?.id ?? 0).toBe(before);
  });

  it("refuses a bad join without disturbing the people already there", async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace, name: "Resident" });
    await expect(server.colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace, name: "" })).rejects.toThrow(/name/);
    expect(serverRoom(a).state.people.size).toBe(1);
    expect(serverRoom(a).clients.length).toBe(1);
    await sleep(100);
    expect(a.room.state.people.size).toBe(1);
    expect(a.errors).toEqual([]);
  });
});

describe("renaming", () => {
  it("changes the name for everyone and audits it", async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace, name: "Old Name" });
    const b = await join({ workspace });
    a.room.send("rename", { name: "  New Name  " });
    await until("B to see the new name", () => seen(b, a)?.name === "New Name", 3000);
    expect(serverPerson(a).name).toBe("New Name");
    const rows = await auditFor(a.room.sessionId, "rename");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data).toEqual({ from: "Old Name", to: "New Name" });
    expect(a.errors).toEqual([]);
  });

  it("accepts a name of exactly the maximum length", async () => {
    const a = await join({ workspace: freshWorkspace() });
    const name = "n".repeat(MAX_NAME_LENGTH);
    a.room.send("rename", { name });
    await until("the rename", () => serverPerson(a).name === name, 3000);
    expect(a.errors).toEqual([]);
  });

  it.each([
    ["empty", ""],
    ["blank", "   "],
    ["too long", "n".repeat(MAX_NAME_LENGTH + 1)],
    ["with a bell character", "Bell\u0007"],
    ["with a newline", "two\nlines"],
    ["with DEL", "del\u007f"],
  ])("refuses a name that is %s", async (_label, name) => {
    const workspace = freshWorkspace();
    const a = await join({ workspace, name: "Keeper" });
    a.room.send("rename", { name });
    await until("the error", () => a.errors.length === 1, 3000);
    expect(a.errors[0]).toMatchObject({ code: "invalid_message", rejected: "rename" });
    expect(a.errors[0]!.message).toMatch(/^name: /);
    expect(serverPerson(a).name).toBe("Keeper");
    expect(await auditFor(a.room.sessionId, "rename")).toEqual([]);
  });
});

describe("leaving and reconnecting", () => {
  it('removes a person who leaves, and writes a "leave" audit row', async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace, name: "Leaver" });
    const b = await join({ workspace });
    await until("B to see A", () => seen(b, a) !== undefined, 3000);
    const sessionId = a.room.sessionId;
    await a.room.leave(true);
    await until("B to see A gone", () => b.room.state.people.get(sessionId) === undefined, 3000);
    expect(serverRoom(b).state.people.has(sessionId)).toBe(false);
    expect(b.room.state.people.size).toBe(1);
    const rows = await auditFor(sessionId, "leave");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ workspace, data: { name: "Leaver", code: 4000 } });
  });

  it("keeps a dropped person in place, not connected, until the SDK reconnects them", async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace, name: "Flaky" });
    const b = await join({ workspace });
    const sessionId = a.room.sessionId;

    // Walk somewhere first so "position kept" means more than "spawned again".
    const start = serverPerson(a);
    const spot = { x: start.x + 0.3, z: start.z + 0.3, yaw: 0.9, pitch: 0.1 };
    a.room.send("move", spot);
    await until("B to see the move", () => poseSeen(b, a)?.yaw === snappedYaw(0.9), 3000);
    await until("the world message", () => a.worlds.length === 1, 3000);

    // Let the SDK reconnect by itself, but not at once, so the dropped state can be seen.
    a.room.reconnection.minUptime = 0;
    a.room.reconnection.backoff = () => 600;
    let dropped = false;
    let reconnected = false;
    a.room.onDrop(() => (dropped = true));
    a.room.onReconnect(() => (reconnected = true));

    // Cut the socket without a close handshake, as a lost network does.
    const ws = (a.room.connection.transport as unknown as { ws: { terminate(): void } }).ws;
    ws.terminate();

    await until("the server to mark A disconnected", () => serverPerson(a).connected === false, 3000);
    await until("B to see A disconnected", () => seen(b, a)?.connected === false, 3000);
    expect(dropped).toBe(true);
    expect(reconnected).toBe(false); // the checks above ran while A was really away
    expect(serverRoom(b).state.people.has(sessionId)).toBe(true);
    expect(await auditFor(sessionId, "leave")).toEqual([]);

    await until("the SDK to reconnect", () => reconnected, 5000);
    expect(a.room.sessionId).toBe(sessionId);
    await until("B to see A connected again", () => seen(b, a)?.connected === true, 3000);
    expect(serverPerson(a)).toMatchObject({ ...spot, connected: true });
    expect(viewOf(b, a)).toMatchObject(snapped(spot));
    expect(b.room.state.people.size).toBe(2);
    expect(await auditFor(sessionId, "reconnect")).toHaveLength(1);
    expect(await auditFor(sessionId, "leave")).toEqual([]);
    await until("the world again after reconnecting", () => a.worlds.length === 2, 3000);

    // The reconnected session is live: it can move again, within the speed limit.
    a.room.send("move", { ...spot, yaw: -0.4 });
    await until("B to see A move after reconnecting", () => poseSeen(b, a)?.yaw === snappedYaw(-0.4), 3000);
    expect(a.errors).toEqual([]);
  });

  it("lets a client take its seat back with sdk.reconnect(token)", async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace, name: "Reloader" });
    const b = await join({ workspace });
    const sessionId = a.room.sessionId;
    const token = a.room.reconnectionToken;
    const before = pose(serverPerson(a));

    a.room.reconnection.enabled = false; // as after a page reload: the old Room object is gone
    let left = false;
    a.room.onLeave(() => (left = true));
    (a.room.connection.transport as unknown as { ws: { terminate(): void } }).ws.terminate();
    await until("the client to give up the old room", () => left, 3000);
    await until("B to see A disconnected", () => seen(b, a)?.connected === false, 3000);

    const again = await server.colyseus.sdk.reconnect<WorkspaceState>(token);
    track({ room: again, worlds: [], errors: [], activity: [], backlogs: [], poses: new Map() });
    expect(again.sessionId).toBe(sessionId);
    expect(again.roomId).toBe(a.room.roomId);
    await until("B to see A connected again", () => seen(b, a)?.connected === true, 3000);
    await until("the new room's state", () => again.state.people?.get(sessionId) !== undefined, 3000);
    expect(pose(serverPerson(a))).toEqual({ ...before, connected: true });
    expect(again.state.people.get(sessionId)!.name).toBe("Reloader");
    expect(await auditFor(sessionId, "reconnect")).toHaveLength(1);
  });

  it("refuses a made-up reconnection token", async () => {
    const a = await join({ workspace: freshWorkspace() });
    await expect(server.colyseus.sdk.reconnect(`${a.room.roomId}:not-a-token`)).rejects.toThrow();
  });
});

describe("workspaces", () => {
  it("gives each workspace its own room", async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace, name: "Main" });
    const other = await join({ workspace: "other", name: "Elsewhere" });
    const a2 = await join({ workspace, name: "Main Two" });
    expect(other.room.roomId).not.toBe(a.room.roomId);
    expect(a2.room.roomId).toBe(a.room.roomId);
    expect(other.room.state.workspace).toBe("other");
    expect(serverRoom(other).workspace).toBe("other");
    expect(other.room.state.people.size).toBe(1);
    await until("A to see A2", () => a.room.state.people.size === 2, 3000);
    expect(a.room.state.people.has(other.room.sessionId)).toBe(false);

    // A move in one workspace does not reach the other.
    const start = serverPerson(a);
    a.room.send("move", { x: start.x, z: start.z, yaw: 2, pitch: 0 });
    await until("A2 to see the move", () => poseSeen(a2, a)?.yaw === snappedYaw(2), 3000);
    expect(other.room.state.people.size).toBe(1);
    expect((await auditFor(other.room.sessionId, "join"))[0]!.workspace).toBe("other");
  });
});

describe("metrics", () => {
  it("lists each live room with its clients, people and tick times", async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace });
    await join({ workspace });
    const { x, z } = serverPerson(a);
    a.room.send("move", { x, z, yaw: 0.3, pitch: 0 });
    await until("the move", () => serverPerson(a).yaw === 0.3, 3000);
    await sleep(3 * 50); // a few patch intervals, so there are tick samples
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rooms: Array<Record<string, unknown>> };
    const mine = body.rooms.filter((r) => r.workspace === workspace);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ workspace, clients: 2, people: 2, writeEvery: 1 }); // every socket written after every patch
    const tick = mine[0]!.tickMs as Record<string, number>;
    expect(Object.keys(tick).sort()).toEqual(["max", "p50", "p99", "samples"]);
    expect(tick.samples).toBeGreaterThan(0);
    expect(tick.p50).toBeGreaterThanOrEqual(0);
    expect(tick.p99).toBeGreaterThanOrEqual(tick.p50!);
    expect(tick.max).toBeGreaterThanOrEqual(tick.p99!);
  });
});
