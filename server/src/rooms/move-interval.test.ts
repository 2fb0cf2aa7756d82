import { describe, expect, it } from "vitest";
import { CLIENT_SEND_INTERVAL_MS } from "../../../shared/constants";
import { POSES_MESSAGE, readMoveInterval } from "../../../shared/pose-wire";
import { until } from "../testing/harness";
import { useWorkspaceRoomServer, type Joined } from "./workspace-room-fixtures";

// The move interval against a real server and SDK clients. The room here reads at most 60 moves
// a second (roomMovesPerS), so it asks for a slower pace at 4 people, as a default room would
// above a hundred.

const server = useWorkspaceRoomServer("move-interval", { roomMovesPerS: 60 });
const { freshWorkspace, join, serverRoom } = server;

/** The move interval in the last pose message `j` received, -1 before any. */
function asked(j: Joined): () => number {
  let last = -1;
  j.room.onMessage(POSES_MESSAGE, (bytes: Uint8Array) => (last = readMoveInterval(bytes)));
  return () => last;
}

describe("the move interval", () => {
  it("each pose message tells people how often to send their pose: slower as the room grows past its moves a second, back as it shrinks", async () => {
    const workspace = freshWorkspace();
    const first = await join({ workspace, name: "First", resume: { x: 0, z: 10 } });
    const lastAsked = asked(first);
    const room = serverRoom(first);
    for (let i = 1; i < 3; i++) await join({ workspace, name: `P${i}`, resume: { x: i, z: 10 } });
    await until("the usual pace at 3 people", () => lastAsked() === CLIENT_SEND_INTERVAL_MS, 3000);
    expect(room.interest.moveIntervalMs).toBe(CLIENT_SEND_INTERVAL_MS);

    const more: Joined[] = [];
    for (let i = 3; i < 6; i++) more.push(await join({ workspace, name: `P${i}`, resume: { x: i, z: 10 } }));
    // 6 people at 60 moves a second in all: one each every 100 ms.
    await until("a pose message asking for 100 ms", () => lastAsked() === 100, 3000);
    expect(room.interest.moveIntervalMs).toBe(100);

    for (const j of more.slice(0, 2)) await j.room.leave(true);
    await until("a pose message asking for 67 ms (4 people)", () => lastAsked() === 67, 3000);
    expect(first.errors).toEqual([]);
  });
});
