import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client, type Room } from "@colyseus/sdk";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import type { SpeechPayload } from "../../../shared/protocol/agent-messages";
import type { WorkspaceState } from "../../../shared/state";
import { openStore } from "../store/store";
import { freePort, until } from "../testing/harness";
import { startTestRedis, type TestRedis } from "./redis-testing";
import { startAtriumProcess, stopAtriumProcess, untilAsync, type AtriumProcess } from "./scale-testing";

// Scale-out for real: a private redis-server, two server processes (`node --import tsx
// server/src/main.ts`) on their own ports sharing REDIS_URL and one SQLite file (WAL), and one
// @colyseus/sdk client whose matchmaking goes through each. Colyseus' seat reservation sends both
// to the process that hosts the workspace's room (its publicAddress); only that process runs the
// agents; what they do lands once in the database. Then Redis drops and comes back.

const WORKSPACE = "scale";

type Proc = AtriumProcess;

const procs: Proc[] = [];
let redis: TestRedis | undefined;
let dir: string;

async function startAtrium(port: number, env: Record<string, string>): Promise<Proc> {
  const proc = await startAtriumProcess(port, env);
  procs.push(proc);
  return proc;
}

const stopAtrium = stopAtriumProcess;

const readyz = (p: Proc) => fetch(`${p.url}/readyz`).then(async (r) => ({ status: r.status, body: (await r.json()) as { checks: Record<string, boolean>; reason?: string } }));
const hostsRoom = async (p: Proc) => ((await (await fetch(`${p.url}/metrics`)).json()) as { rooms: Array<{ workspace: string }> }).rooms.some((r) => r.workspace === WORKSPACE);

interface Seat {
  name: string;
  via: Proc;
  reservation: { roomId: string; processId: string; publicAddress?: string };
  room: Room<unknown, WorkspaceState>;
  speech: SpeechPayload[];
}

/** The SDK's joinOrCreate, in its two steps: the matchmaking call to `via`, then the seat reservation. */
async function join(via: Proc, name: string): Promise<Seat> {
  const res = await fetch(`${via.url}/matchmake/joinOrCreate/${WORKSPACE_ROOM}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ workspace: WORKSPACE, name }),
  });
  expect(res.status).toBe(200);
  const reservation = (await res.json()) as Seat["reservation"];
  const room = await new Client(via.url).consumeSeatReservation<WorkspaceState>(reservation as never);
  const seat: Seat = { name, via, reservation, room, speech: [] };
  room.onMessage("speech", (s: SpeechPayload) => seat.speech.push(s));
  room.onMessage("*", () => undefined);
  await until(`${name}'s first state`, () => room.state.people?.size > 0, 10_000);
  return seat;
}

const names = (s: Seat) => [...s.room.state.people.values()].map((p) => p.name).sort();

interface Listing {
  roomId: string;
  processId: string;
  publicAddress?: string;
  metadata?: { workspace?: string };
}

/** The room listings the Redis driver keeps (one hash field per room). */
async function roomListings(url: string): Promise<Listing[]> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return (await r.hvals("roomcaches")).map((v) => JSON.parse(v) as Listing);
  } finally {
    r.disconnect();
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-scale-"));
});

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  await redis?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("scale-out on Redis", () => {
  it("two processes serve one workspace: routed to the host, see each other, agents answer once, work lands in the database; Redis drops and returns", async () => {
    redis = await startTestRedis(await freePort());
    const dbFile = path.join(dir, "atrium.db");
    const env = { REDIS_URL: redis.url, ATRIUM_DB: dbFile };
    const [portA, portB] = [await freePort(), await freePort()];
    // Started together on a fresh database file: the migrations must not race.
    const [a, b] = await Promise.all([startAtrium(portA, env), startAtrium(portB, env)]);
    for (const p of [a, b]) {
      expect(p.out()).toMatch(/"presence":"RedisPresence","driver":"RedisDriver"/);
      expect(p.out()).toContain(`"publicAddress":"127.0.0.1:${p.port}"`);
      expect((await readyz(p)).body.checks).toEqual({ database: true, rooms: true, redis: true });
    }

    // Ada's matchmaking goes through A, Bo's through B. One room exists, on one of them.
    const ada = await join(a, "Ada");
    const host = (await hostsRoom(a)) ? a : b;
    const other = host === a ? b : a;
    expect(await hostsRoom(other)).toBe(false);
    const bo = await join(b, "Bo");
    // Both reservations name the same room and send the WebSocket to its host, whoever answered.
    for (const s of [ada, bo]) expect(s.reservation).toMatchObject({ roomId: ada.reservation.roomId, publicAddress: `127.0.0.1:${host.port}` });
    expect(ada.reservation.processId).toBe(bo.reservation.processId);
    const listings = (await roomListings(redis.url)).filter((l) => l.metadata?.workspace === WORKSPACE);
    expect(listings).toHaveLength(1);
    expect(listings[0]).toMatchObject({ roomId: ada.reservation.roomId, publicAddress: `127.0.0.1:${host.port}` });

    // Each sees the other.
    await until("Ada to see Bo", () => names(ada).join() === "Ada,Bo", 10_000);
    await until("Bo to see Ada", () => names(bo).join() === "Ada,Bo", 10_000);

    // The person who came in through the process that does not host the room talks to Cleo.
    const asker = ada.via === other ? ada : bo;
    const text = `Please draft a rollout plan for ${asker.name}'s team.`;
    asker.room.send("talk", { agentId: "cleo", text });
    await until("Cleo's answer", () => asker.speech.find((s) => s.agentId === "cleo" && s.done && s.delta.includes(`Hi ${asker.name}`)), 20_000);
    // The work lands in the shared database, once: one runtime ran Cleo.
    // Read through a store of the test's own on the same file (another connection, as a third process would).
    const reader = await openStore(dbFile);
    const tasks = () => reader.db.selectFrom("tasks").select(["id", "assignee_kind"]).where("workspace", "=", WORKSPACE).where("description", "=", text).execute();
    await until("the task on the board", async () => (await tasks()).length > 0, 15_000);
    await new Promise((r) => setTimeout(r, 1000)); // a doubled runtime would have written its copy by now
    expect(await tasks()).toHaveLength(1);
    expect((await tasks())[0]?.assignee_kind).toBe("agent");
    const said = await reader.db.selectFrom("messages").select(["from_kind", "from_id", "text"]).where("workspace", "=", WORKSPACE).orderBy("id").execute();
    expect(said.filter((m) => m.from_kind === "person" && m.text === text)).toHaveLength(1);
    expect(said.filter((m) => m.from_id === "cleo" && m.text.startsWith(`Hi ${asker.name}!`))).toHaveLength(1);
    expect(await hostsRoom(other)).toBe(false);

    // Redis goes away: nobody crashes, the log says so once, /readyz says why, the room goes on.
    await redis.stop();
    for (const p of [a, b]) {
      await until(`${p.port} to report Redis down`, () => p.out().includes("Redis connection lost"), 10_000);
      await untilAsync(`${p.port}'s /readyz to fail`, async () => (await readyz(p)).status === 503, 10_000);
      const r = await readyz(p);
      expect(r.body.checks.redis).toBe(false);
      expect(r.body.reason).toMatch(new RegExp(`Redis at redis://127\\.0\\.0\\.1:${redis.port} unreachable`));
    }
    await new Promise((r) => setTimeout(r, 3000)); // a few reconnection attempts and heartbeats
    for (const p of [a, b]) {
      expect(p.child.exitCode).toBe(null);
      expect(p.out()).not.toMatch(/unhandled|uncaught/i);
    }
    expect(a.out().match(/Redis connection lost/g)?.length).toBe(1);
    expect(a.out()).not.toMatch(/RedisPresence: (pub|sub) connection error/);
    asker.room.send("talk", { agentId: "cleo", text: "Are you still there without Redis?" });
    const cleoHellos = async () => {
      const rows = await reader.db.selectFrom("messages").select("text").where("workspace", "=", WORKSPACE).where("from_id", "=", "cleo").execute();
      return rows.filter((m) => m.text.startsWith(`Hi ${asker.name}!`)).length;
    };
    await until("Cleo's answer while Redis is down", async () => (await cleoHellos()) === 2, 20_000);
    await reader.close();

    // Redis comes back empty: each process reconnects and lists its rooms again.
    await redis.restart();
    for (const p of [a, b]) {
      await until(`${p.port} to reconnect`, () => p.out().includes("Redis connection restored"), 15_000);
      await untilAsync(`${p.port}'s /readyz`, async () => (await readyz(p)).status === 200, 10_000);
    }
    await untilAsync("the room listed again", async () => (await roomListings(redis!.url)).some((l) => l.roomId === ada.reservation.roomId), 10_000);
    const carl = await join(other, "Carl");
    expect(carl.reservation).toMatchObject({ roomId: ada.reservation.roomId, publicAddress: `127.0.0.1:${host.port}` });
    await until("Carl to see everyone", () => names(carl).join() === "Ada,Bo,Carl", 10_000);

    // Everything stops cleanly: the host with Redis up, the other after Redis is gone (without waiting on it).
    for (const s of [ada, bo, carl]) await s.room.leave();
    expect(await stopAtrium(host)).toEqual({ code: 0, signal: null });
    await redis.stop();
    await until(`${other.port} to report Redis down again`, () => other.out().match(/Redis connection lost/g)?.length === 2, 10_000);
    const signalled = Date.now();
    expect(await stopAtrium(other)).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(8000);
    for (const p of [a, b]) expect(p.out()).not.toMatch(/unhandled|uncaught|"level":50(?![^\n]*Redis connection lost)/i);
    console.log(`scale-out: room on :${host.port}, matchmaking through :${other.port} routed there; Redis drop logged once per process, /readyz 503, restored and re-listed`);
  }, 150_000);
});
