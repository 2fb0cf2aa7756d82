import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { Room } from "@colyseus/sdk";
import { afterAll, describe, expect, it } from "vitest";
import type { SpeechPayload } from "../../../shared/protocol/agent-messages";
import { OFFLINE_PLANNER_MODEL } from "../../../shared/replay";
import type { WorkspaceState } from "../../../shared/state";
import { startPostgres, type TestPostgres } from "../store/postgres-testing";
import { freePort, until } from "../testing/harness";
import { startTestRedis, type TestRedis } from "./redis-testing";
import { joinVia, startAtriumProcess, stopAtriumProcess, type AtriumProcess } from "./scale-testing";

// Scale-out with PostgreSQL, for real (issue 10): a private redis-server and a private PostgreSQL
// cluster (Debian's binaries, server/src/store/postgres-testing.ts), two server processes
// (`node --import tsx server/src/main.ts`) with REDIS_URL and DATABASE_URL, and clients whose
// matchmaking goes through each. They join one workspace and see each other; the agents' work
// (the task, what was said, the offline planner's decisions, the audit) is then read from
// PostgreSQL by the test's own pg client, not through Atrium. No SQLite file is made.

const WORKSPACE = "pg-scale";

const procs: AtriumProcess[] = [];
let redis: TestRedis | undefined;
let postgres: TestPostgres | undefined;
let sql: pg.Client | undefined;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-pg-scale-"));

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  await sql?.end().catch(() => undefined);
  await redis?.stop();
  await postgres?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const hostsRoom = async (p: AtriumProcess) => ((await (await fetch(`${p.url}/metrics`)).json()) as { rooms: Array<{ workspace: string }> }).rooms.some((r) => r.workspace === WORKSPACE);
const names = (room: Room<unknown, WorkspaceState>) => [...room.state.people.values()].map((p) => p.name).sort().join();

/** Rows of the test's own query, straight from PostgreSQL. */
async function rows<T>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await sql!.query(text, values)).rows as T[];
}

describe("scale-out on Redis and PostgreSQL", () => {
  it("two processes share one workspace through Redis and one PostgreSQL database: they see each other, and the agents' work is in PostgreSQL once", async () => {
    [redis, postgres] = await Promise.all([startTestRedis(await freePort()), startPostgres()]);
    const sqliteFile = path.join(dir, "unused", "atrium.db");
    const env = { REDIS_URL: redis.url, DATABASE_URL: postgres.url, ATRIUM_DB: sqliteFile };
    // Started together on an empty database: the migrations must not race (an advisory lock).
    const [a, b] = await Promise.all([startAtriumProcess(await freePort(), env), startAtriumProcess(await freePort(), env)]);
    procs.push(a, b);
    for (const p of [a, b]) {
      expect(p.out()).toMatch(/"presence":"RedisPresence","driver":"RedisDriver"/);
      expect(p.out()).toMatch(/"db":"postgres:\/\/[^"]*127\.0\.0\.1/);
      const ready = (await (await fetch(`${p.url}/readyz`)).json()) as { checks: Record<string, boolean> };
      expect(ready.checks).toEqual({ database: true, rooms: true, redis: true });
    }
    expect(fs.existsSync(sqliteFile)).toBe(false);

    // Ada's matchmaking goes through A, Bo's through B: one room, on one process; each sees the other.
    const ada = await joinVia(a, WORKSPACE, "Ada");
    const host = (await hostsRoom(a)) ? a : b;
    const other = host === a ? b : a;
    const bo = await joinVia(b, WORKSPACE, "Bo");
    for (const s of [ada, bo]) s.room.onMessage("*", () => undefined); // the feed and hand-offs: not what this test reads
    expect(bo.reservation.roomId).toBe(ada.reservation.roomId);
    for (const s of [ada, bo]) expect(s.reservation.publicAddress).toBe(`127.0.0.1:${host.port}`);
    await until("Ada to see Bo", () => names(ada.room) === "Ada,Bo", 10_000);
    await until("Bo to see Ada", () => names(bo.room) === "Ada,Bo", 10_000);
    expect(await hostsRoom(other)).toBe(false);

    // The person who came in through the process that does not host the room asks Cleo for work.
    const asker = a === other ? { name: "Ada", ...ada } : { name: "Bo", ...bo };
    const speech: SpeechPayload[] = [];
    asker.room.onMessage("speech", (s: SpeechPayload) => speech.push(s));
    const text = `Please draft a rollout plan for ${asker.name}'s team.`;
    asker.room.send("talk", { agentId: "cleo", text });
    await until("Cleo's answer", () => speech.find((s) => s.agentId === "cleo" && s.done && s.delta.includes(`Hi ${asker.name}`)), 20_000);

    // The test's own connection to PostgreSQL: the work is there, once.
    sql = new pg.Client({ connectionString: postgres.url });
    await sql.connect();
    type TaskRow = { id: string; assignee_kind: string | null; assignee: string | null; status: string };
    const tasks = () => rows<TaskRow>("SELECT id, assignee_kind, assignee, status FROM tasks WHERE workspace = $1 AND description = $2", [WORKSPACE, text]);
    await until("the task in PostgreSQL", async () => (await tasks()).length > 0, 15_000);
    // And the next agent takes it up: its status change and its tool runs land too.
    await until("the task under way in PostgreSQL", async () => (await tasks())[0]?.status === "doing", 20_000);
    await new Promise((r) => setTimeout(r, 1000)); // a doubled runtime would have written its copy by now
    const [task, ...more] = await tasks();
    expect(more).toEqual([]);
    expect(task).toMatchObject({ assignee_kind: "agent", status: "doing" });
    const events = await rows<{ kind: string; actor: string }>("SELECT kind, actor FROM task_events WHERE task_id = $1 ORDER BY id", [task!.id]);
    expect(events.map((e) => e.kind).slice(0, 2)).toEqual(["created", "status"]);
    expect(events[1]!.actor).toBe(task!.assignee);

    const said = await rows<{ from_kind: string; from_id: string; text: string; llm_call_id: number | null }>("SELECT from_kind, from_id, text, llm_call_id FROM messages WHERE workspace = $1 ORDER BY id", [WORKSPACE]);
    expect(said.filter((m) => m.from_kind === "person" && m.text === text)).toHaveLength(1);
    const hello = said.filter((m) => m.from_id === "cleo" && m.text.startsWith(`Hi ${asker.name}!`));
    expect(hello).toHaveLength(1);

    // The offline planner's decisions are llm_calls rows (cost 0), and Cleo's words name hers.
    const calls = await rows<{ id: number; agent_id: string; outcome: string; cost_usd: number; prompt_tokens: number }>(
      "SELECT id, agent_id, outcome, cost_usd, prompt_tokens FROM llm_calls WHERE workspace = $1 AND model = $2 ORDER BY id",
      [WORKSPACE, OFFLINE_PLANNER_MODEL],
    );
    const cleosCall = calls.find((c) => Number(c.id) === Number(hello[0]!.llm_call_id));
    expect(cleosCall).toMatchObject({ agent_id: "cleo", outcome: "ok" });
    expect(Number(cleosCall!.cost_usd)).toBe(0);

    // The audit: both joins, and Cleo's tool runs linked to her decision.
    const audit = await rows<{ kind: string; actor: string; data: string }>("SELECT kind, actor, data FROM audit WHERE workspace = $1 ORDER BY id", [WORKSPACE]);
    expect(audit.filter((r) => r.kind === "join").map((r) => (JSON.parse(r.data) as { name: string }).name).sort()).toEqual(["Ada", "Bo"]);
    const cleoTools = audit
      .filter((r) => r.kind === "tool" && r.actor === "cleo")
      .map((r) => JSON.parse(r.data) as { tool: string; ok: boolean; llmCallId: number | null })
      .filter((d) => d.llmCallId === Number(cleosCall!.id));
    expect(cleoTools.map((d) => [d.tool, d.ok])).toEqual([
      ["say", true],
      ["create_task", true],
    ]);

    // The replay, the provenance of Cleo's decision and the dashboard's charts read it back from PostgreSQL, through either process.
    const provenance = (await (await fetch(`${other.url}/api/llm-calls/${cleosCall!.id}`)).json()) as { offline: boolean; produced: { messages: Array<{ text: string }>; toolCalls: Array<{ tool: string }> } };
    expect(provenance.offline).toBe(true);
    expect(provenance.produced.messages.map((m) => m.text)).toEqual([hello[0]!.text]);
    expect(provenance.produced.toolCalls.map((c) => c.tool)).toEqual(["say", "create_task"]);
    const replay = (await (await fetch(`${host.url}/api/replay?workspace=${WORKSPACE}`)).json()) as { poses: unknown[]; llmCalls: Array<{ id: number }>; taskEvents: unknown[] };
    expect(replay.poses.length).toBeGreaterThan(0);
    expect(replay.llmCalls.map((c) => c.id)).toContain(Number(cleosCall!.id));
    const stats = (await (await fetch(`${other.url}/api/stats?workspace=${WORKSPACE}`)).json()) as { brain: string; buckets: Array<{ calls: number; tasks: Record<string, number> }> };
    expect(stats.brain).toBe("offline");
    expect(stats.buckets.reduce((n, b) => n + b.calls, 0)).toBeGreaterThan(0);
    expect(stats.buckets.at(-1)!.tasks.doing).toBeGreaterThanOrEqual(1);

    // Both processes stop cleanly, and the rows stay.
    for (const s of [ada, bo]) await s.room.leave();
    for (const p of [host, other]) expect(await stopAtriumProcess(p)).toEqual({ code: 0, signal: null });
    for (const p of [a, b]) expect(p.out()).not.toMatch(/unhandled|uncaught|"level":50/i);
    expect(await tasks()).toHaveLength(1);
    expect(fs.existsSync(sqliteFile)).toBe(false);
    console.log(
      `scale-out on PostgreSQL: room on :${host.port}, matchmaking through both; in PostgreSQL: 1 task (${events.length} events), ${said.length} messages, ${calls.length} offline-planner decisions, ${audit.length} audit rows`,
    );
  }, 150_000);
});
