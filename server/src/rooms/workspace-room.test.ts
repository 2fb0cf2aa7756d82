import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ColyseusTestServer } from "@colyseus/testing";
import type { Room as ClientRoom } from "@colyseus/sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MAX_NAME_LENGTH, WORKSPACE_ROOM } from "../../../shared/constants";
import { ServerMessage, type ErrorPayload } from "../../../shared/protocol/messages";
import type { JoinOptions } from "../../../shared/protocol/schemas";
import type { WorkspaceState } from "../../../shared/state";
import type { World } from "../../../shared/world";
import { createAtrium, type Atrium } from "../app";
import { createLogger } from "../logger";
import type { WorkspaceRoom } from "./workspace-room";

const WORLD_FILE = path.resolve(__dirname, "../../../config/world.yaml");
const AGENTS_FILE = path.resolve(__dirname, "../../../config/agents.yaml");

/** A joined SDK client plus every "world" and "error" message it has received. */
interface Joined {
  room: ClientRoom<unknown, WorkspaceState>;
  worlds: World[];
  errors: ErrorPayload[];
}

let tmp: string;
let atrium: Atrium;
let colyseus: ColyseusTestServer;
let open: Joined[] = [];
let workspaceCounter = 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Polls until `check` returns true (or throws a readable timeout naming `what`). */
async function until(what: string, check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A workspace id no other test uses, so every test gets a fresh room. */
function freshWorkspace(): string {
  return `t-${++workspaceCounter}`;
}

async function join(options: Partial<JoinOptions> & { workspace: string }): Promise<Joined> {
  const room = await colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { name: "Ada", ...options });
  const joined: Joined = { room, worlds: [], errors: [] };
  room.onMessage(ServerMessage.World, (w: World) => joined.worlds.push(w));
  room.onMessage(ServerMessage.Error, (e: ErrorPayload) => joined.errors.push(e));
  open.push(joined);
  await until("the initial state", () => room.state.people?.get(room.sessionId) !== undefined);
  return joined;
}

function serverRoom(j: Joined): WorkspaceRoom {
  return colyseus.getRoomById<WorkspaceRoom>(j.room.roomId);
}

/** The server's copy of the person behind `j`. */
function serverPerson(j: Joined) {
  const person = serverRoom(j).state.people.get(j.room.sessionId);
  if (!person) throw new Error(`no person ${j.room.sessionId} on the server`);
  return person;
}

function pose(p: { name: string; x: number; z: number; yaw: number; pitch: number; connected: boolean }) {
  return { name: p.name, x: p.x, z: p.z, yaw: p.yaw, pitch: p.pitch, connected: p.connected };
}

/** What `observer` currently sees of `subject`. */
function seen(observer: Joined, subject: Joined) {
  return observer.room.state.people.get(subject.room.sessionId);
}

function auditFor(sessionId: string, kind: string) {
  return atrium.store.recentAudit(1000).filter((r) => r.actor === sessionId && r.kind === kind);
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-room-"));
  const port = await freePort();
  atrium = createAtrium(
    { port, host: "127.0.0.1", dbFile: path.join(tmp, "atrium.db"), worldFile: WORLD_FILE, agentsFile: AGENTS_FILE },
    createLogger("silent"),
    { kind: "none" },
    { env: {} }, // hermetic: never the developer's LLM settings
  );
  await atrium.listen();
  colyseus = new ColyseusTestServer(atrium.server);
});

afterEach(async () => {
  const leaving = open.filter((j) => j.room.connection.isOpen).map((j) => j.room.leave(true));
  open = [];
  await Promise.all(leaving);
});

afterAll(async () => {
  await atrium.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

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
    const { position, spread } = atrium.world.spawn;
    expect(Math.hypot(me.x - position[0], me.z - position[1])).toBeLessThanOrEqual(spread + 1e-3);
    expect(a.room.state.workspace).toBe(workspace);
    expect(serverRoom(a).workspace).toBe(workspace);
  });

  it("defaults the mode to desktop and trims the name", async () => {
    const a = await join({ workspace: freshWorkspace(), name: "  Grace  " });
    expect(seen(a, a)).toMatchObject({ name: "Grace", mode: "desktop" });
  });

  it("sends the world layout exactly once, with the districts", async () => {
    const a = await join({ workspace: freshWorkspace() });
    await until("the world message", () => a.worlds.length > 0);
    await sleep(150); // a few patch intervals: a second copy would have arrived by now
    expect(a.worlds).toHaveLength(1);
    expect(a.worlds[0]).toEqual(atrium.world);
    expect(a.worlds[0]!.districts.map((d) => d.name)).toContain("Research Lab");
  });

  it('writes a "join" audit row', async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace, name: "Audited", mode: "ar" });
    const rows = auditFor(a.room.sessionId, "join");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ workspace, data: { name: "Audited", mode: "ar" } });
  });

  it("resumes at a given spot inside the campus, and ignores one outside it", async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace, resume: { x: 20, z: -15 } });
    expect(serverPerson(a)).toMatchObject({ x: 20, z: -15 });
    const b = await join({ workspace, resume: { x: 500, z: 0 } });
    const p = serverPerson(b);
    const { position, spread } = atrium.world.spawn;
    expect(Math.hypot(p.x - position[0], p.z - position[1])).toBeLessThanOrEqual(spread + 1e-9);
  });

  it("shows two clients to each other", async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace, name: "Alpha" });
    const b = await join({ workspace, name: "Bravo" });
    expect(b.room.roomId).toBe(a.room.roomId);
    expect(b.room.sessionId).not.toBe(a.room.sessionId);
    await until("A to see B", () => seen(a, b) !== undefined);
    expect(seen(a, b)).toMatchObject({ name: "Bravo", connected: true });
    expect(seen(b, a)).toMatchObject({ name: "Alpha", connected: true });
    expect(a.room.state.people.size).toBe(2);
    expect(b.room.state.people.size).toBe(2);
  });

  it("starts everyone facing north with a level head, as numbers others can blend", async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace });
    const b = await join({ workspace });
    await until("B to see A", () => seen(b, a) !== undefined);
    expect(seen(b, a)).toMatchObject({ yaw: 0, pitch: 0 });
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
    const before = atrium.store.recentAudit(1)[0]?.id ?? 0;
    await expect(colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, options)).rejects.toThrow(why);
    // Nobody was added, nothing was audited (no "join", no "leave"), and no room is left behind.
    await until("the refused room to go away", () => [...atrium.rooms].every((r) => r.workspace !== workspace));
    expect(atrium.store.recentAudit(1)[0]?.id ?? 0).toBe(before);
  });

  it("refuses a bad join without disturbing the people already there", async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace, name: "Resident" });
    await expect(colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace, name: "" })).rejects.toThrow(/name/);
    expect(serverRoom(a).state.people.size).toBe(1);
    expect(serverRoom(a).clients.length).toBe(1);
    await sleep(100);
    expect(a.room.state.people.size).toBe(1);
    expect(a.errors).toEqual([]);
  });
});

describe("moving", () => {
  it("applies a valid move, and the other client sees it after a patch", async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace });
    const b = await join({ workspace });
    const start = serverPerson(a);
    const move = { x: start.x + 0.4, z: start.z - 0.2, yaw: 1.25, pitch: -0.5 };
    a.room.send("move", move);
    await until("B to see the move", () => seen(b, a)?.yaw !== 0);
    const other = seen(b, a)!;
    expect(other.x).toBeCloseTo(move.x, 4);
    expect(other.z).toBeCloseTo(move.z, 4);
    expect(other.yaw).toBeCloseTo(move.yaw, 5);
    expect(other.pitch).toBeCloseTo(move.pitch, 5);
    expect(serverPerson(a)).toMatchObject(move);
    expect(a.errors).toEqual([]);
  });

  it("accepts the pitch limits exactly", async () => {
    const a = await join({ workspace: freshWorkspace() });
    const { x, z } = serverPerson(a);
    a.room.send("move", { x, z, yaw: 0, pitch: Math.PI / 2 });
    await until("pitch up", () => serverPerson(a).pitch === Math.PI / 2);
    a.room.send("move", { x, z, yaw: 0, pitch: -Math.PI / 2 });
    await until("pitch down", () => serverPerson(a).pitch === -Math.PI / 2);
    expect(a.errors).toEqual([]);
  });

  it('refuses a move far beyond the allowed step as "too_fast", with a correction to the unchanged spot', async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace });
    const b = await join({ workspace });
    const before = pose(serverPerson(a));
    a.room.send("move", { x: before.x, z: before.z - 30, yaw: 1, pitch: 0.2 });
    await until("the error", () => a.errors.length === 1);
    expect(a.errors[0]).toMatchObject({ code: "too_fast", rejected: "move", correction: { x: before.x, z: before.z } });
    expect(a.errors[0]!.message).toMatch(/the limit is/);
    expect(pose(serverPerson(a))).toEqual(before);

    // A small step right after is still fine: the refusal did not lock the person.
    a.room.send("move", { x: before.x + 0.2, z: before.z, yaw: 0.5, pitch: 0 });
    await until("B to see the small step", () => Math.abs(seen(b, a)!.yaw - 0.5) < 1e-6);
    expect(seen(b, a)!.z).toBeCloseTo(before.z, 4);
    expect(b.errors).toEqual([]);
    expect(a.errors).toHaveLength(1);
  });

  it.each([
    ["beyond campusRadius", { x: 0, z: 70 }],
    ["astronomically far", { x: 1e300, z: 0 }],
    ["at the largest double", { x: 0, z: -Number.MAX_VALUE }],
  ])('refuses a move %s as "out_of_bounds"', async (_label, target) => {
    const a = await join({ workspace: freshWorkspace() });
    const before = pose(serverPerson(a));
    a.room.send("move", { ...target, yaw: 0, pitch: 0 });
    await until("the error", () => a.errors.length === 1);
    expect(a.errors[0]).toMatchObject({ code: "out_of_bounds", rejected: "move", correction: { x: before.x, z: before.z } });
    expect(a.errors[0]!.message).toContain(`radius ${atrium.world.campusRadius} m`);
    expect(pose(serverPerson(a))).toEqual(before);
  });
});

describe("invalid messages", () => {
  const cases: Array<[label: string, type: string | number, payload: unknown, code: string, rejected: string, mentions?: RegExp]> = [
    ["move with a string coordinate", "move", { x: "1", z: 0, yaw: 0, pitch: 0 }, "invalid_message", "move", /^x: /],
    ["move without pitch", "move", { x: 0, z: 6, yaw: 0 }, "invalid_message", "move", /pitch/],
    ["move with an extra field", "move", { x: 0, z: 6, yaw: 0, pitch: 0, fly: true }, "invalid_message", "move", /fly/],
    ["move with NaN", "move", { x: Number.NaN, z: 6, yaw: 0, pitch: 0 }, "invalid_message", "move", /^x: /],
    ["move with Infinity", "move", { x: 0, z: Number.POSITIVE_INFINITY, yaw: 0, pitch: 0 }, "invalid_message", "move", /^z: /],
    ["move with a huge yaw", "move", { x: 0, z: 6, yaw: 1e300, pitch: 0 }, "invalid_message", "move", /^yaw: /],
    ["move with pitch past straight up", "move", { x: 0, z: 6, yaw: 0, pitch: 2 }, "invalid_message", "move", /^pitch: /],
    ["move with a string payload", "move", "north", "invalid_message", "move"],
    ["move with an array payload", "move", [0, 6, 0, 0], "invalid_message", "move"],
    ["move with null", "move", null, "invalid_message", "move"],
    ["move with no payload", "move", undefined, "invalid_message", "move"],
    ["rename with a number", "rename", { name: 42 }, "invalid_message", "rename", /^name: /],
    ["rename without a name", "rename", {}, "invalid_message", "rename", /^name: /],
    ["rename with an extra field", "rename", { name: "Eve", admin: true }, "invalid_message", "rename", /admin/],
    ["rename with a bare string", "rename", "Eve", "invalid_message", "rename"],
    ["an unknown type", "dance", { style: "waltz" }, "unknown_message", "dance", /unknown message type "dance"/],
    ["an unknown numeric type", 7, {}, "unknown_message", "7", /unknown message type "7"/],
  ];

  it.each(cases)("answers %s with an error to the sender only, changing nothing", async (_label, type, payload, code, rejected, mentions) => {
    const workspace = freshWorkspace();
    const a = await join({ workspace, name: "Sender" });
    const b = await join({ workspace, name: "Watcher" });
    const before = pose(serverPerson(a));
    const seenBefore = pose(seen(b, a)!);

    (a.room.send as (type: string | number, payload?: unknown) => void)(type, payload);
    await until("the error", () => a.errors.length === 1);
    const error = a.errors[0]!;
    expect(error.code).toBe(code);
    expect(error.rejected).toBe(rejected);
    expect(error.message.length).toBeGreaterThan(0);
    if (mentions) expect(error.message).toMatch(mentions);
    expect(error.correction).toBeUndefined();
    expect(pose(serverPerson(a))).toEqual(before);
    expect(auditFor(a.room.sessionId, "rename")).toEqual([]);

    // A valid move after the bad message reaches B through a patch; anything the bad message
    // had sent or changed would have reached B first.
    a.room.send("move", { x: before.x, z: before.z, yaw: 0.75, pitch: 0 });
    await until("B to see the marker move", () => Math.abs(seen(b, a)!.yaw - 0.75) < 1e-6);
    expect(b.errors).toEqual([]);
    expect(pose(seen(b, a)!)).toEqual({ ...seenBefore, yaw: seen(b, a)!.yaw });
    expect(a.errors).toHaveLength(1);
  });

  it("answers each of several bad messages separately", async () => {
    const a = await join({ workspace: freshWorkspace() });
    a.room.send("move", { x: "a" });
    a.room.send("rename", { name: "" });
    a.room.send("teleport", {});
    await until("three errors", () => a.errors.length === 3);
    expect(a.errors.map((e) => [e.code, e.rejected])).toEqual([
      ["invalid_message", "move"],
      ["invalid_message", "rename"],
      ["unknown_message", "teleport"],
    ]);
  });
});

describe("renaming", () => {
  it("changes the name for everyone and audits it", async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace, name: "Old Name" });
    const b = await join({ workspace });
    a.room.send("rename", { name: "  New Name  " });
    await until("B to see the new name", () => seen(b, a)?.name === "New Name");
    expect(serverPerson(a).name).toBe("New Name");
    const rows = auditFor(a.room.sessionId, "rename");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data).toEqual({ from: "Old Name", to: "New Name" });
    expect(a.errors).toEqual([]);
  });

  it("accepts a name of exactly the maximum length", async () => {
    const a = await join({ workspace: freshWorkspace() });
    const name = "n".repeat(MAX_NAME_LENGTH);
    a.room.send("rename", { name });
    await until("the rename", () => serverPerson(a).name === name);
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
    await until("the error", () => a.errors.length === 1);
    expect(a.errors[0]).toMatchObject({ code: "invalid_message", rejected: "rename" });
    expect(a.errors[0]!.message).toMatch(/^name: /);
    expect(serverPerson(a).name).toBe("Keeper");
    expect(auditFor(a.room.sessionId, "rename")).toEqual([]);
  });
});

describe("leaving and reconnecting", () => {
  it('removes a person who leaves, and writes a "leave" audit row', async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace, name: "Leaver" });
    const b = await join({ workspace });
    await until("B to see A", () => seen(b, a) !== undefined);
    const sessionId = a.room.sessionId;
    await a.room.leave(true);
    await until("B to see A gone", () => b.room.state.people.get(sessionId) === undefined);
    expect(serverRoom(b).state.people.has(sessionId)).toBe(false);
    expect(b.room.state.people.size).toBe(1);
    const rows = auditFor(sessionId, "leave");
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
    await until("B to see the move", () => Math.abs(seen(b, a)!.yaw - 0.9) < 1e-6);
    await until("the world message", () => a.worlds.length === 1);

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

    await until("the server to mark A disconnected", () => serverPerson(a).connected === false);
    await until("B to see A disconnected", () => seen(b, a)?.connected === false);
    expect(dropped).toBe(true);
    expect(reconnected).toBe(false); // the checks above ran while A was really away
    expect(serverRoom(b).state.people.has(sessionId)).toBe(true);
    expect(auditFor(sessionId, "leave")).toEqual([]);

    await until("the SDK to reconnect", () => reconnected, 5000);
    expect(a.room.sessionId).toBe(sessionId);
    await until("B to see A connected again", () => seen(b, a)?.connected === true);
    expect(serverPerson(a)).toMatchObject({ ...spot, connected: true });
    expect(seen(b, a)!.x).toBeCloseTo(spot.x, 4);
    expect(seen(b, a)!.z).toBeCloseTo(spot.z, 4);
    expect(b.room.state.people.size).toBe(2);
    expect(auditFor(sessionId, "reconnect")).toHaveLength(1);
    expect(auditFor(sessionId, "leave")).toEqual([]);
    await until("the world again after reconnecting", () => a.worlds.length === 2);

    // The reconnected session is live: it can move again, within the speed limit.
    a.room.send("move", { ...spot, yaw: -0.4 });
    await until("B to see A move after reconnecting", () => Math.abs(seen(b, a)!.yaw + 0.4) < 1e-6);
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
    await until("the client to give up the old room", () => left);
    await until("B to see A disconnected", () => seen(b, a)?.connected === false);

    const again = await colyseus.sdk.reconnect<WorkspaceState>(token);
    open.push({ room: again, worlds: [], errors: [] });
    expect(again.sessionId).toBe(sessionId);
    expect(again.roomId).toBe(a.room.roomId);
    await until("B to see A connected again", () => seen(b, a)?.connected === true);
    await until("the new room's state", () => again.state.people?.get(sessionId) !== undefined);
    expect(pose(serverPerson(a))).toEqual({ ...before, connected: true });
    expect(again.state.people.get(sessionId)!.name).toBe("Reloader");
    expect(auditFor(sessionId, "reconnect")).toHaveLength(1);
  });

  it("refuses a made-up reconnection token", async () => {
    const a = await join({ workspace: freshWorkspace() });
    await expect(colyseus.sdk.reconnect(`${a.room.roomId}:not-a-token`)).rejects.toThrow();
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
    await until("A to see A2", () => a.room.state.people.size === 2);
    expect(a.room.state.people.has(other.room.sessionId)).toBe(false);

    // A move in one workspace does not reach the other.
    const start = serverPerson(a);
    a.room.send("move", { x: start.x, z: start.z, yaw: 2, pitch: 0 });
    await until("A2 to see the move", () => Math.abs(seen(a2, a)!.yaw - 2) < 1e-6);
    expect(other.room.state.people.size).toBe(1);
    expect(auditFor(other.room.sessionId, "join")[0]!.workspace).toBe("other");
  });
});

describe("metrics", () => {
  it("lists each live room with its clients, people and tick times", async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace });
    await join({ workspace });
    const { x, z } = serverPerson(a);
    a.room.send("move", { x, z, yaw: 0.3, pitch: 0 });
    await until("the move", () => serverPerson(a).yaw === 0.3);
    await sleep(3 * 50); // a few patch intervals, so there are tick samples
    const port = (atrium.server.transport.server?.address() as net.AddressInfo).port;
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rooms: Array<Record<string, unknown>> };
    const mine = body.rooms.filter((r) => r.workspace === workspace);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ workspace, clients: 2, people: 2 });
    const tick = mine[0]!.tickMs as Record<string, number>;
    expect(Object.keys(tick).sort()).toEqual(["max", "p50", "p99", "samples"]);
    expect(tick.samples).toBeGreaterThan(0);
    expect(tick.p50).toBeGreaterThanOrEqual(0);
    expect(tick.p99).toBeGreaterThanOrEqual(tick.p50!);
    expect(tick.max).toBeGreaterThanOrEqual(tick.p99!);
  });
});
