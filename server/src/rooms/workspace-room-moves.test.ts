import { describe, expect, it } from "vitest";
import { until } from "../testing/harness";
import { pose, poseSeen, snapped, snappedYaw, viewOf, useWorkspaceRoomServer } from "./workspace-room-fixtures";

// Moving, and messages the room refuses. Joining, renaming, leaving and the rest are in
// workspace-room.test.ts.

const server = useWorkspaceRoomServer("room-moves");
const { freshWorkspace, join, serverPerson, auditFor } = server;

describe("moving", () => {
  it("applies a valid move, and the other client sees it after a patch", async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace });
    const b = await join({ workspace });
    const start = serverPerson(a);
    const move = { x: start.x + 0.4, z: start.z - 0.2, yaw: 1.25, pitch: -0.5 };
    a.room.send("move", move);
    await until("B to see the move", () => poseSeen(b, a)?.full && poseSeen(b, a)!.yaw !== 0, 3000);
    // Fixed-point on the wire (shared/quantise.ts): B holds exactly the snapped pose.
    const other = poseSeen(b, a)!;
    expect(other).toMatchObject(snapped(move));
    expect(other.x).toBeCloseTo(move.x, 2);
    expect(other.yaw).toBeCloseTo(move.yaw, 4);
    expect(serverPerson(a)).toMatchObject(move);
    expect(a.errors).toEqual([]);
  });

  it("accepts the pitch limits exactly", async () => {
    const a = await join({ workspace: freshWorkspace() });
    const { x, z } = serverPerson(a);
    a.room.send("move", { x, z, yaw: 0, pitch: Math.PI / 2 });
    await until("pitch up", () => serverPerson(a).pitch === Math.PI / 2, 3000);
    a.room.send("move", { x, z, yaw: 0, pitch: -Math.PI / 2 });
    await until("pitch down", () => serverPerson(a).pitch === -Math.PI / 2, 3000);
    expect(a.errors).toEqual([]);
  });

  it('refuses a move far beyond the allowed step as "too_fast", with a correction to the unchanged spot', async () => {
    const workspace = freshWorkspace();
    const a = await join({ workspace });
    const b = await join({ workspace });
    const before = pose(serverPerson(a));
    a.room.send("move", { x: before.x, z: before.z - 30, yaw: 1, pitch: 0.2 });
    await until("the error", () => a.errors.length === 1, 3000);
    expect(a.errors[0]).toMatchObject({ code: "too_fast", rejected: "move", correction: { x: before.x, z: before.z } });
    expect(a.errors[0]!.message).toMatch(/the limit is/);
    expect(pose(serverPerson(a))).toEqual(before);

    // A small step right after is still fine: the refusal did not lock the person.
    a.room.send("move", { x: before.x + 0.2, z: before.z, yaw: 0.5, pitch: 0 });
    await until("B to see the small step", () => poseSeen(b, a)?.yaw === snappedYaw(0.5), 3000);
    expect(poseSeen(b, a)!.z).toBe(snapped(before).z);
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
    await until("the error", () => a.errors.length === 1, 3000);
    expect(a.errors[0]).toMatchObject({ code: "out_of_bounds", rejected: "move", correction: { x: before.x, z: before.z } });
    expect(a.errors[0]!.message).toContain(`radius ${server.atrium.world.campusRadius} m`);
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
    await until("B to hold A's pose", () => viewOf(b, a), 3000);
    const seenBefore = viewOf(b, a)!;

    (a.room.send as (type: string | number, payload?: unknown) => void)(type, payload);
    await until("the error", () => a.errors.length === 1, 3000);
    const error = a.errors[0]!;
    expect(error.code).toBe(code);
    expect(error.rejected).toBe(rejected);
    expect(error.message.length).toBeGreaterThan(0);
    if (mentions) expect(error.message).toMatch(mentions);
    expect(error.correction).toBeUndefined();
    expect(pose(serverPerson(a))).toEqual(before);
    expect(await auditFor(a.room.sessionId, "rename")).toEqual([]);

    // A valid move after the bad message reaches B through a patch; anything the bad message
    // had sent or changed would have reached B first.
    a.room.send("move", { x: before.x, z: before.z, yaw: 0.75, pitch: 0 });
    await until("B to see the marker move", () => poseSeen(b, a)!.yaw === snappedYaw(0.75), 3000);
    expect(b.errors).toEqual([]);
    expect(viewOf(b, a)).toEqual({ ...seenBefore, yaw: snappedYaw(0.75) });
    expect(a.errors).toHaveLength(1);
  });

  it("answers each of several bad messages separately", async () => {
    const a = await join({ workspace: freshWorkspace() });
    a.room.send("move", { x: "a" });
    a.room.send("rename", { name: "" });
    a.room.send("teleport", {});
    await until("three errors", () => a.errors.length === 3, 3000);
    expect(a.errors.map((e) => [e.code, e.rejected])).toEqual([
      ["invalid_message", "move"],
      ["invalid_message", "rename"],
      ["unknown_message", "teleport"],
    ]);
  });
});
