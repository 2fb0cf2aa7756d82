import type { Room as ClientRoom } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import { ClientMessage, ServerMessage, type ErrorPayload } from "../../../shared/protocol/messages";
import { ModerationMessage } from "../../../shared/protocol/moderation-messages";
import { clientMessageSchemas } from "../../../shared/protocol/schemas";
import { VoiceClientMessage } from "../../../shared/protocol/voice-messages";
import type { WorkspaceState } from "../../../shared/state";
import type { Role } from "../../../shared/roles";
import { startTestAtrium, until, type TestAtrium } from "../testing/harness";
import type { WorkspaceRoom } from "../rooms/workspace-room";
import { MESSAGE_POLICY, REST_POLICY, maySend } from "./policy";
import { auditsWritten } from "../audit-later";
import { countRows } from "../testing/db-count";

// RBAC against a real server: a spectator and a member each try every action their role may
// not take, by room message and by REST. Every one must be refused and change nothing.

let t: TestAtrium;
const tokens: Partial<Record<Role, string>> = {};

beforeAll(async () => {
  t = await startTestAtrium({ name: "rbac" });
  for (const role of ["owner", "member", "spectator"] as const) tokens[role] = (await t.atrium.auth.issue({ role, ttlS: 3600, createdBy: "test" })).token;
});
afterAll(async () => {
  await t?.close();
});

interface Joined {
  room: ClientRoom<unknown, WorkspaceState>;
  errors: ErrorPayload[];
  worlds: unknown[];
  backlogs: unknown[];
}

async function join(workspace: string, name: string, extra: Record<string, unknown> = {}): Promise<Joined> {
  const room = await t.colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace, name, ...extra });
  const j: Joined = { room, errors: [], worlds: [], backlogs: [] };
  room.onMessage(ServerMessage.Error, (e: ErrorPayload) => j.errors.push(e));
  room.onMessage(ServerMessage.World, (w: unknown) => j.worlds.push(w));
  room.onMessage("activity-backlog", (b: unknown) => j.backlogs.push(b));
  room.onMessage("*", () => undefined);
  await until("the initial state", () => room.state.agents?.size > 0, 3000);
  return j;
}

/** A payload for each type that the room would act on, were the sender allowed. */
function plausiblePayload(type: string, ctx: { personId: string; agentId: string; district: string; taskId: string }): unknown {
  switch (type) {
    case "move":
      return { x: 0.1, z: 0.1, yaw: 0.3, pitch: 0 };
    case "rename":
      return { name: "Mallory" };
    case "talk":
      return { agentId: ctx.agentId, text: "please spend the whole budget" };
    case "answer":
      return { requestId: "q-1", choice: "yes" };
    case "task-create":
      return { title: "Forbidden task", district: ctx.district };
    case "task-update":
      return { taskId: ctx.taskId, status: "done" };
    case "mute":
    case "unmute":
    case "kick":
      return { personId: ctx.personId };
    case "agent-pause":
    case "agent-resume":
      return { agentId: ctx.agentId };
    case "agent-budget":
      return { agentId: ctx.agentId, usd: 1000 };
    default:
      return {};
  }
}

describe("RBAC", () => {
  it("a spectator joins with no avatar, and gets the state, the world and the feed", async () => {
    const workspace = "rbac-watch";
    const member = await join(workspace, "Ada");
    const spectator = await join(workspace, "Watcher", { role: "spectator" });
    await until("the world", () => spectator.worlds.length === 1 && spectator.backlogs.length === 1, 3000);
    await until("Ada in the spectator's state", () => spectator.room.state.people.get(member.room.sessionId), 3000);
    expect(spectator.room.state.people.has(spectator.room.sessionId)).toBe(false);
    const server = t.colyseus.getRoomById<WorkspaceRoom>(spectator.room.roomId);
    expect(server.state.people.size).toBe(1);
    expect(server.seats.get(spectator.room.sessionId)?.role).toBe("spectator");
    expect(server.seats.get(member.room.sessionId)?.role).toBe("member");
    await spectator.room.leave(true);
    await member.room.leave(true);
  });

  it("open mode refuses joining as owner without the owner's token, and accepts it with one", async () => {
    await expect(t.colyseus.sdk.joinOrCreate(WORKSPACE_ROOM, { workspace: "rbac-owner", name: "Eve", role: "owner" })).rejects.toThrow(/owner link/);
    const owner = await join("rbac-owner", "Olga", { token: tokens.owner });
    const server = t.colyseus.getRoomById<WorkspaceRoom>(owner.room.roomId);
    expect(server.seats.get(owner.room.sessionId)?.role).toBe("owner");
    // A member's token cannot be raised to owner.
    await expect(t.colyseus.sdk.joinOrCreate(WORKSPACE_ROOM, { workspace: "rbac-owner", name: "Eve", role: "owner", token: tokens.member })).rejects.toThrow(/needs the owner link/);
    await owner.room.leave(true);
  });

  it("a spectator and a member each try every privileged room message: 100% refused as forbidden, nothing changes", async () => {
    const workspace = "rbac-msgs";
    const owner = await join(workspace, "Olga", { token: tokens.owner });
    const member = await join(workspace, "Mia");
    const spectator = await join(workspace, "Sam", { role: "spectator" });
    const server = t.colyseus.getRoomById<WorkspaceRoom>(owner.room.roomId);
    const agentId = [...server.state.agents.keys()][0]!;
    const district = t.atrium.world.districts[0]!.id;
    const task = await t.atrium.store.work.createTask({ workspace, title: "Existing", district, createdBy: "test" });
    const ctx = { personId: owner.room.sessionId, agentId, district, taskId: task.id };
    const people = () => JSON.stringify([...server.state.people.values()].map((p) => p.toJSON()));
    const tasks = async () => JSON.stringify(await t.atrium.store.work.listTasks(workspace, {}));
    const seats = () => JSON.stringify([...server.seats].map(([id, s]) => [id, s.role, s.name, s.inviteId, s.mutedUntil]));
    const before = { people: people(), tasks: await tasks(), seats: seats() };

    let tried = 0;
    const expected: Array<[Joined, string]> = [];
    for (const [who, role] of [[spectator, "spectator"], [member, "member"]] as const) {
      for (const type of Object.keys(MESSAGE_POLICY)) {
        if (maySend(role, type)) continue;
        who.room.send(type, plausiblePayload(type, ctx));
        expected.push([who, type]);
        tried++;
      }
    }
    await until("every refusal", () => spectator.errors.length + member.errors.length >= tried, 5000);
    await new Promise((r) => setTimeout(r, 150));
    const refused = [...spectator.errors, ...member.errors].filter((e) => e.code === "forbidden").length;
    for (const [who, type] of expected) expect(who.errors.find((e) => e.rejected === type)).toMatchObject({ code: "forbidden" });
    expect(refused).toBe(tried);
    expect(people()).toBe(before.people);
    expect(await tasks()).toBe(before.tasks);
    expect(seats()).toBe(before.seats);
    // Spectators may send nothing at all that the room acts on.
    expect(Object.keys(MESSAGE_POLICY).filter((type) => maySend("spectator", type))).toEqual([]);
    console.log(`RBAC room messages: ${refused}/${tried} privileged attempts refused (${(100 * refused / tried).toFixed(1)}%)`);
    for (const j of [owner, member, spectator]) await j.room.leave(true);
  });

  it("a spectator tries every client message type of every registry: 100% refused, the state and the database unchanged", async () => {
    // The types come from the protocol's registries, not from the policy, so a message type added
    // to a registry without a policy line is caught here too.
    const registries = [ClientMessage, VoiceClientMessage, ModerationMessage].flatMap((r) => Object.values(r) as string[]);
    const types = [...new Set([...registries, ...Object.keys(clientMessageSchemas), ...Object.keys(MESSAGE_POLICY)])].sort();
    expect(types.length).toBeGreaterThanOrEqual(15);
    for (const type of types) expect(Object.keys(MESSAGE_POLICY), `${type} has a line in the access policy`).toContain(type);

    const workspace = "rbac-spectator-all"; // no person joins: no agent work starts, so nothing else writes
    const spectator = await join(workspace, "Wall", { role: "spectator" });
    const server = t.colyseus.getRoomById<WorkspaceRoom>(spectator.room.roomId);
    const agentId = [...server.state.agents.keys()][0]!;
    const district = t.atrium.world.districts[0]!.id;
    const task = await t.atrium.store.work.createTask({ workspace, title: "Watched", district, createdBy: "test" });
    await until("the task on the board", () => server.state.tasks.has(task.id), 3000);
    const ctx = { personId: spectator.room.sessionId, agentId, district, taskId: task.id };
    const tables = ["tasks", "task_events", "artifacts", "messages", "llm_calls", "settings", "invites", "audit"] as const;
    // Row counts, and the newest row of each table (its whole content, so a changed row shows too).
    const database = async () => {
      await auditsWritten(t.atrium.store);
      const db = t.atrium.store.db;
      const sizes = await Promise.all(tables.map((table) => countRows(db, table)));
      const newest = await Promise.all(
        tables.map((table) => db.selectFrom(table).selectAll().orderBy(table === "settings" ? "key" : table === "tasks" || table === "invites" ? "created_at" : "id", "desc").limit(1).executeTakeFirst()),
      );
      return JSON.stringify([sizes, newest]);
    };
    const state = () => JSON.stringify(server.state.toJSON());
    // Who sits where, as what (the rate limiter's buckets move with every message, refused or not).
    const seats = () => JSON.stringify([...server.seats].map(([id, seat]) => [id, seat.role, seat.name, seat.inviteId, seat.mutedUntil]));
    await new Promise((r) => setTimeout(r, 200));
    const before = { database: await database(), state: state(), seats: seats() };

    for (const type of types) {
      spectator.room.send(type, plausiblePayload(type, ctx));
      await new Promise((r) => setTimeout(r, 60)); // well inside the message rate limits
    }
    await until("a refusal for every type", () => spectator.errors.length >= types.length, 5000);
    await new Promise((r) => setTimeout(r, 200));
    for (const type of types) expect(spectator.errors.find((e) => e.rejected === type), type).toMatchObject({ code: "forbidden" });
    const refused = spectator.errors.filter((e) => e.code === "forbidden").length;
    expect(refused).toBe(types.length);
    expect(state()).toBe(before.state);
    expect(await database()).toBe(before.database);
    expect(seats()).toBe(before.seats);
    expect(server.state.people.size).toBe(0);
    console.log(`RBAC spectator: ${refused}/${types.length} client message types refused (${((100 * refused) / types.length).toFixed(1)}%), state and database unchanged`);
    await spectator.room.leave(true);
  });

  it("a spectator and a member each try every privileged REST endpoint: 100% refused with 403", async () => {
    let tried = 0;
    let refused = 0;
    for (const role of ["spectator", "member"] as const) {
      for (const rule of REST_POLICY) {
        if (rule.roles.includes(role)) continue;
        const path = rule.path.replace(/:[a-zA-Z]+/g, "00000000-0000-0000-0000-000000000000");
        const res = await fetch(`${t.url}${path}`, {
          method: rule.method,
          headers: { authorization: `Bearer ${tokens[role]}`, "content-type": "application/json" },
          body: rule.method === "GET" ? undefined : JSON.stringify({ role: "member" }),
        });
        tried++;
        if (res.status === 403) refused++;
        else console.error(`${role} ${rule.method} ${path} answered ${res.status}`);
      }
    }
    // An /api path nobody listed is refused for everyone, the owner too.
    for (const role of ["owner", "member", "spectator"] as const) {
      const res = await fetch(`${t.url}/api/not-in-the-policy`, { headers: { authorization: `Bearer ${tokens[role]}` } });
      tried++;
      if (res.status === 403) refused++;
    }
    console.log(`RBAC REST: ${refused}/${tried} privileged requests refused (${(100 * refused / tried).toFixed(1)}%)`);
    expect(tried).toBeGreaterThan(5);
    expect(refused).toBe(tried);
    expect((await t.atrium.auth.listInvites()).length).toBe(3); // no invite was made by the refused POSTs
  });

  it("the owner may use the owner endpoints; a bad token is 401 even in open mode", async () => {
    const res = await fetch(`${t.url}/api/invites`, { headers: { authorization: `Bearer ${tokens.owner}` } });
    expect(res.status).toBe(200);
    const bad = await fetch(`${t.url}/api/tasks`, { headers: { authorization: "Bearer not.a.token" } });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: string }).error).toMatch(/not valid/);
    const anon = await fetch(`${t.url}/api/tasks`);
    expect(anon.status).toBe(200); // open mode: anonymous is a member
  });
});
