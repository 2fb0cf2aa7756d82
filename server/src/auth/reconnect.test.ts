import type { Room as ClientRoom } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import { ServerMessage, type ErrorPayload } from "../../../shared/protocol/messages";
import type { WorkspaceState } from "../../../shared/state";
import { startTestAtrium, until, type TestAtrium } from "../testing/harness";
import type { WorkspaceRoom } from "../rooms/workspace-room";

// Reconnection within the grace period gives back the avatar, the role and the place; after
// it, the seat is freed. The grace is 2 s here (RECONNECT_GRACE_S is 30 s in production).

const GRACE_S = 2;
let t: TestAtrium;
beforeAll(async () => {
  t = await startTestAtrium({ name: "reconnect", options: { reconnectGraceS: GRACE_S } });
});
afterAll(async () => {
  await t?.close();
});

async function join(options: Record<string, unknown>) {
  const room = await t.colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace: "rc", ...options });
  const errors: ErrorPayload[] = [];
  room.onMessage(ServerMessage.Error, (e: ErrorPayload) => errors.push(e));
  room.onMessage("*", () => undefined);
  await until("state", () => room.state.agents?.size > 0);
  return { room, errors };
}

/** Cuts the socket without a close handshake and stops the SDK from reconnecting by itself. */
async function cut(room: ClientRoom<unknown, WorkspaceState>) {
  room.reconnection.enabled = false;
  let left = false;
  room.onLeave(() => (left = true));
  (room.connection.transport as unknown as { ws: { terminate(): void } }).ws.terminate();
  await until("the client to notice", () => left);
}

describe("reconnection", () => {
  it(`within ${GRACE_S} s restores avatar, role and place (owner and spectator); after it the seat is freed`, async () => {
    const { token } = await t.atrium.auth.issue({ role: "owner", ttlS: 3600, createdBy: "test" });
    const owner = await join({ name: "Olga", token });
    const spectator = await join({ name: "Sam", role: "spectator" });
    const member = await join({ name: "Mia" });
    const server = t.colyseus.getRoomById<WorkspaceRoom>(owner.room.roomId);
    const p = server.state.people.get(owner.room.sessionId)!;
    const spot = { x: p.x + 0.3, z: p.z - 0.2, yaw: 0.7, pitch: 0 };
    owner.room.send("move", spot);
    await until("moved", () => Math.abs(server.state.people.get(owner.room.sessionId)!.yaw - 0.7) < 1e-6);

    // Within the grace: same session, same role, same place.
    const ownerToken = owner.room.reconnectionToken;
    const spectatorToken = spectator.room.reconnectionToken;
    await cut(owner.room);
    await cut(spectator.room);
    await until("owner held, disconnected", () => server.state.people.get(owner.room.sessionId)?.connected === false);
    const owner2 = await t.colyseus.sdk.reconnect<WorkspaceState>(ownerToken);
    const spectator2 = await t.colyseus.sdk.reconnect<WorkspaceState>(spectatorToken);
    owner2.onMessage("*", () => undefined);
    spectator2.onMessage("*", () => undefined);
    const spectatorErrors: ErrorPayload[] = [];
    spectator2.onMessage(ServerMessage.Error, (e: ErrorPayload) => spectatorErrors.push(e));
    expect(owner2.sessionId).toBe(owner.room.sessionId);
    expect(server.seats.get(owner2.sessionId)?.role).toBe("owner");
    expect(server.seats.get(spectator2.sessionId)?.role).toBe("spectator");
    expect(server.state.people.has(spectator2.sessionId)).toBe(false); // still no avatar
    await until("owner connected again", () => server.state.people.get(owner2.sessionId)?.connected === true);
    expect(server.state.people.get(owner2.sessionId)).toMatchObject({ ...spot, connected: true });
    // The role works: the owner can still moderate, the spectator still cannot act.
    owner2.send("mute", { personId: member.room.sessionId });
    await until("muted", () => (server.seats.get(member.room.sessionId)?.mutedUntil ?? 0) > 0);
    spectator2.send("rename", { name: "Sneaky" });
    await until("forbidden", () => spectatorErrors.some((e) => e.code === "forbidden"));

    // Past the grace: the seat is freed for good.
    const memberToken = member.room.reconnectionToken;
    const memberId = member.room.sessionId;
    await cut(member.room);
    await until("member held", () => server.state.people.get(memberId)?.connected === false);
    await new Promise((r) => setTimeout(r, GRACE_S * 1000 + 800));
    expect(server.state.people.has(memberId)).toBe(false);
    expect(server.seats.has(memberId)).toBe(false);
    await expect(t.colyseus.sdk.reconnect<WorkspaceState>(memberToken)).rejects.toThrow();
    console.log(`reconnection: owner and spectator back within ${GRACE_S} s with their roles (owner at the same spot); a member ${GRACE_S} s late found the seat freed`);
    await owner2.leave(true);
    await spectator2.leave(true);
  });
});
