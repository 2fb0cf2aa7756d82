import type { Room as ClientRoom } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import { ServerMessage, type ErrorPayload } from "../../../shared/protocol/messages";
import type { NoticePayload } from "../../../shared/protocol/moderation-messages";
import type { WorkspaceState } from "../../../shared/state";
import { startTestAtrium, until, type TestAtrium } from "../testing/harness";
import type { WorkspaceRoom } from "../rooms/workspace-room";
import { CLOSE_KICKED, CLOSE_LIMITS, DEFAULT_LIMITS } from "./limits";
import { writtenAudit } from "../testing/db-count";

// Rate limits and moderation against a real server. The chat bucket is opened wide here so the
// per-minute allowance of LLM-triggering actions is what stops the talk flood.

const LLM_PER_MINUTE = 5;
let t: TestAtrium;
beforeAll(async () => {
  t = await startTestAtrium({
    name: "limits",
    options: { limits: { llmActionsPerMinute: LLM_PER_MINUTE, kinds: { ...DEFAULT_LIMITS.kinds, chat: { perSecond: 100, burst: 100 } } } },
  });
});
afterAll(async () => {
  await t?.close();
});

interface Joined {
  room: ClientRoom<unknown, WorkspaceState>;
  errors: ErrorPayload[];
  notices: NoticePayload[];
  leftWith: number | null;
}

async function join(workspace: string, name: string, extra: Record<string, unknown> = {}): Promise<Joined> {
  const room = await t.colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace, name, ...extra });
  const j: Joined = { room, errors: [], notices: [], leftWith: null };
  room.onMessage(ServerMessage.Error, (e: ErrorPayload) => j.errors.push(e));
  room.onMessage("notice", (n: NoticePayload) => j.notices.push(n));
  room.onMessage("*", () => undefined);
  room.onLeave((code) => (j.leftWith = code));
  await until("the initial state", () => room.state.agents?.size > 0, 3000);
  return j;
}

const serverOf = (j: Joined) => t.colyseus.getRoomById<WorkspaceRoom>(j.room.roomId);

describe("rate limits under a flood", () => {
  it("a movement flood is cut to its bucket, answered with rate_limited, then disconnected; others are untouched", async () => {
    const ws = "flood-move";
    const flooder = await join(ws, "Flo");
    const bystander = await join(ws, "Bea");
    const server = serverOf(flooder);
    const me = server.state.people.get(flooder.room.sessionId)!;
    const SENT = 1000;
    for (let i = 0; i < SENT; i++) flooder.room.send("move", { x: me.x, z: me.z, yaw: (i % 90) / 1000, pitch: 0 });
    await until("the disconnect", () => flooder.leftWith !== null, 5000);
    const limited = flooder.errors.filter((e) => e.code === "rate_limited").length;
    console.log(`movement flood: ${SENT} sent, ${limited} refused as rate_limited, disconnected with ${flooder.leftWith} after ${DEFAULT_LIMITS.strikesBeforeDisconnect} strikes`);
    expect(flooder.leftWith).toBe(CLOSE_LIMITS);
    expect(limited).toBeGreaterThanOrEqual(DEFAULT_LIMITS.strikesBeforeDisconnect - 1);
    expect(flooder.errors.every((e) => e.code === "rate_limited" && /too many movement messages/.test(e.message))).toBe(true);
    expect(flooder.notices.at(-1)).toMatchObject({ kind: "limits" });
    // The seat is freed at once: no reconnection is held for a client thrown out.
    await until("the flooder gone", () => !server.state.people.has(flooder.room.sessionId) && !server.seats.has(flooder.room.sessionId));
    expect((await writtenAudit(t.atrium.store, 50)).some((r) => r.kind === "limits-disconnect" && r.actor === flooder.room.sessionId)).toBe(true);
    // The bystander still works.
    bystander.room.send("rename", { name: "Bea B" });
    await until("rename", () => server.state.people.get(bystander.room.sessionId)?.name === "Bea B");
    expect(bystander.errors).toEqual([]);
    await bystander.room.leave(true);
  });

  it("an unknown-type flood counts against the same limits", async () => {
    const j = await join("flood-junk", "Jun");
    for (let i = 0; i < 400; i++) j.room.send(`junk-${i}`, { i });
    await until("the disconnect", () => j.leftWith !== null, 5000);
    const limited = j.errors.filter((e) => e.code === "rate_limited").length;
    console.log(`unknown-type flood: 400 sent, ${j.errors.length - limited} unknown_message then ${limited} rate_limited, disconnected with ${j.leftWith}`);
    expect(j.leftWith).toBe(CLOSE_LIMITS);
    expect(j.errors.length - limited).toBeLessThanOrEqual(DEFAULT_LIMITS.kinds.other.burst);
  });

  it(`LLM-triggering actions are capped at ${LLM_PER_MINUTE} per person per minute; nothing beyond reaches an agent`, async () => {
    const ws = "flood-talk";
    const j = await join(ws, "Tal");
    const agentId = [...serverOf(j).state.agents.keys()][0]!;
    const SENT = 20;
    for (let i = 0; i < SENT; i++) j.room.send("talk", { agentId, text: `please do expensive thing ${i}` });
    await until("refusals", () => j.errors.filter((e) => e.code === "rate_limited").length >= SENT - LLM_PER_MINUTE, 5000);
    await new Promise((r) => setTimeout(r, 200));
    const saved = Number((await t.atrium.store.db.selectFrom("messages").select((eb) => eb.fn.countAll().as("n")).where("workspace", "=", ws).where("from_kind", "=", "person").executeTakeFirstOrThrow()).n);
    console.log(`talk flood: ${SENT} sent, ${saved} reached the agent, ${j.errors.length} refused ("${j.errors[0]?.message}")`);
    expect(saved).toBe(LLM_PER_MINUTE);
    expect(j.errors).toHaveLength(SENT - LLM_PER_MINUTE);
    expect(j.errors[0]!.message).toMatch(/the limit is 5\); try again in \d+ s/);
    // A task given to an agent is an LLM action too; one for nobody is not.
    const district = t.atrium.world.districts[0]!.id;
    j.room.send("task-create", { title: "for an agent", district, assignee: { kind: "agent", id: agentId } });
    j.room.send("task-create", { title: "for nobody", district });
    await until("one more refusal", () => j.errors.length === SENT - LLM_PER_MINUTE + 1, 3000);
    await until("the unassigned task", async () => (await t.atrium.store.work.listTasks(ws, {})).length === 1, 3000);
    expect((await t.atrium.store.work.listTasks(ws, {}))[0]!.title).toBe("for nobody");
    await j.room.leave(true);
  });
});

describe("moderation by the owner", () => {
  it("mute stops talk (typed and spoken), unmute restores it; kick removes the person for good; each is audited", async () => {
    const ws = "moderate";
    const { token } = await t.atrium.auth.issue({ role: "owner", ttlS: 3600, createdBy: "test" });
    const owner = await join(ws, "Olga", { token });
    const member = await join(ws, "Mo");
    const server = serverOf(owner);
    const agentId = [...server.state.agents.keys()][0]!;
    owner.room.send("mute", { personId: member.room.sessionId });
    await until("muted notice", () => member.notices.some((n) => n.kind === "muted"));
    member.room.send("talk", { agentId, text: "hello?" });
    await until("muted error", () => member.errors.some((e) => e.code === "muted"));
    owner.room.send("unmute", { personId: member.room.sessionId });
    await until("unmuted notice", () => member.notices.some((n) => n.kind === "unmuted"));
    member.room.send("talk", { agentId, text: "hello again" });
    await until("saved", async () => Number((await t.atrium.store.db.selectFrom("messages").select((eb) => eb.fn.countAll().as("n")).where("workspace", "=", ws).where("text", "=", "hello again").executeTakeFirstOrThrow()).n) === 1);
    expect(member.errors.filter((e) => e.code === "muted")).toHaveLength(1);

    owner.room.send("mute", { personId: "nobody-here" });
    await until("unknown person", () => owner.errors.some((e) => e.code === "unknown_person"));
    owner.room.send("kick", { personId: owner.room.sessionId });
    await until("not yourself", () => owner.errors.some((e) => e.code === "not_allowed"));

    owner.room.send("kick", { personId: member.room.sessionId, reason: "testing" });
    await until("kicked", () => member.leftWith !== null);
    expect(member.leftWith).toBe(CLOSE_KICKED);
    expect(member.notices.some((n) => n.kind === "kicked" && /testing/.test(n.message))).toBe(true);
    await until("seat freed", () => !server.state.people.has(member.room.sessionId) && !server.seats.has(member.room.sessionId));
    const kinds = (await writtenAudit(t.atrium.store, 100)).filter((r) => r.actor === owner.room.sessionId).map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(["moderation-mute", "moderation-unmute", "moderation-kick"]));
    expect(owner.notices.filter((n) => n.kind === "moderation").map((n) => n.action)).toEqual(["mute", "unmute", "kick"]);
    await owner.room.leave(true);
  });

  it("pauses and resumes an agent; a budget change needs an LLM (the offline planner spends nothing)", async () => {
    const ws = "moderate-agents";
    const { token } = await t.atrium.auth.issue({ role: "owner", ttlS: 3600, createdBy: "test" });
    const owner = await join(ws, "Olga", { token });
    const server = serverOf(owner);
    const agentId = [...server.state.agents.keys()][0]!;
    owner.room.send("agent-pause", { agentId });
    await until("paused", () => server.state.agents.get(agentId)?.state === "paused");
    expect(server.state.agents.get(agentId)!.reason).toBe("paused by the owner");
    // Mail waits while paused.
    server.runtime.deliver(agentId, { kind: "message", from: { id: "x", name: "X", kind: "person" }, text: "hi" });
    await new Promise((r) => setTimeout(r, 300));
    expect(server.state.agents.get(agentId)!.state).toBe("paused");
    owner.room.send("agent-resume", { agentId });
    await until("resumed", () => server.state.agents.get(agentId)?.state !== "paused");
    owner.room.send("agent-resume", { agentId });
    await until("not paused error", () => owner.errors.some((e) => e.rejected === "agent-resume" && e.code === "not_allowed"));
    owner.room.send("agent-budget", { agentId, usd: 5 });
    await until("no LLM", () => owner.errors.some((e) => e.rejected === "agent-budget" && /no LLM is configured/.test(e.message)));
    owner.room.send("agent-pause", { agentId: "nobody" });
    await until("unknown agent", () => owner.errors.some((e) => e.rejected === "agent-pause" && e.code === "unknown_agent"));
    await owner.room.leave(true);
  });
});
