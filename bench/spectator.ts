import fs from "node:fs";
import path from "node:path";
import { decode } from "@colyseus/schema";
import { Client, Protocol, type Room } from "@colyseus/sdk";
import type { ToolName } from "../shared/agents";
import { DEFAULT_WORKSPACE, WORKSPACE_ROOM } from "../shared/constants";
import { ServerMessage, type ErrorPayload, type QuestionPayload } from "../shared/protocol/messages";
import type { JoinOptions, TaskCreatePayload } from "../shared/protocol/schemas";
import type { WorkspaceState } from "../shared/state";
import { POSES_MESSAGE } from "../shared/pose-wire";
import type { StatsResponse } from "../shared/stats";
import { STATS_PUSH_MESSAGE, type StatsPush } from "../shared/stats-push";
import { loadWorld } from "../server/src/world/load-world";
import { writeBenchRoster } from "./bench-roster";
import { onExitCleanup } from "./exit-cleanup";
import type { Outcome, Row } from "./report";
import { REPO_ROOT, startServer, type RunningServer } from "./server-process";
import { SimClient } from "./sim-client";
import { mean, seededRandom, sleep } from "./stats";

/** Agents in the room, all given work (the budget's agent count). */
export const SPECTATOR_BENCH_AGENTS = 50;
/** People who hand out the tasks and approve what the agents ask; each stays under the per-person LLM-action limit (20/min). */
const ASSIGNERS = 10;
/** Between two task-creates of one assigner (ms): inside the "other" message rate limit. */
const ASSIGN_GAP_MS = 400;
/** The window starts once this share of the agents is busy (not idle), or after WARMUP_MAX_MS. */
const BUSY_SHARE = 0.5;
const WARMUP_MAX_MS = 30_000;
/** The measured window (ms). */
export const SPECTATOR_BENCH_MEASURE_MS = 20_000;
/** How long an assigner waits before approving a question (ms), as a person would. */
const APPROVE_AFTER_MS = 1_500;
const FAILURE_OUTPUT_CHARS = 2_000;
/** Agents' tools: enough for the offline planner's whole flow (work, notes, hand-off, approval). */
const AGENT_TOOLS: ToolName[] = ["say", "move_to", "update_task", "hand_off", "write_artifact", "ask_human", "escalate"];

export interface SpectatorBenchResult {
  agents: number;
  measuredS: number;
  /** Agents not idle, sampled every second in the window (mean and lowest). */
  busyAgents: { mean: number; min: number };
  desktop: { bytesPerS: number; messagesPerS: number; upBytesPerS: number; byKind: Record<string, number> };
  spectator: {
    /** WebSocket payload bytes (patches and messages), the same counting as the desktop client's. */
    wsBytesPerS: number;
    messagesPerS: number;
    /** WebSocket bytes per second by kind (state patches, each message type), biggest first. */
    byKind: Record<string, number>;
    /** The charts' figures pushed over the WebSocket (shared/stats-push.ts), part of wsBytesPerS. */
    statsPushBytesPerS: number;
    statsPushes: number;
    /** The history, GET /api/stats once when the dashboard opens (bytes on the wire: gzip body + head). */
    statsInitialBytes: number;
    /** Downstream in all: the WebSocket (the dashboard polls nothing). */
    totalBytesPerS: number;
    /** Messages the spectator sent that the room acts on (must be 0: it never offers actions). */
    sentMessages: number;
    /** Bytes it sent: WebSocket frames (none expected). */
    upBytesPerS: number;
  };
  /** spectator downstream ÷ the desktop client's downstream. */
  ratio: number;
  /** Traffic both ways: spectator ÷ desktop client. */
  trafficRatio: number;
  errors: number;
}

/** What one WebSocket message is, for the byte breakdown: "patch", a message's type, or "other". */
export function messageKind(data: unknown): string {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
  if (!bytes || bytes.length === 0) return "other";
  const code = bytes[0]! & 0x1f;
  if (code === Protocol.ROOM_STATE_PATCH) return "patch";
  if (code !== Protocol.ROOM_DATA && code !== Protocol.ROOM_DATA_BYTES) return "other";
  const it = { offset: 1 };
  try {
    return decode.stringCheck(bytes, it) ? decode.string(bytes, it) : `#${decode.number(bytes, it)}`;
  } catch {
    return "other";
  }
}

function byteLength(d: unknown): number {
  return d instanceof ArrayBuffer ? d.byteLength : ArrayBuffer.isView(d) ? d.byteLength : typeof d === "string" ? Buffer.byteLength(d) : 0;
}

/** Counts a room's downstream bytes by message kind (messageKind), on top of whatever already reads them. */
function countByKind(room: Room<unknown, WorkspaceState>): Map<string, number> {
  const byKind = new Map<string, number>();
  const events = room.connection.events;
  const deliver = events.onmessage;
  events.onmessage = (event: { data: unknown }) => {
    const kind = messageKind(event.data);
    byKind.set(kind, (byKind.get(kind) ?? 0) + byteLength(event.data));
    deliver?.(event);
  };
  return byKind;
}

/** Bytes per second by kind, biggest first. */
function perSecond(byKind: Map<string, number>, seconds: number): Record<string, number> {
  return Object.fromEntries([...byKind].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v / seconds)]));
}

/** Which assigner answers a question: spread by its id. */
function turnOf(requestId: string): number {
  let h = 0;
  for (let i = 0; i < requestId.length; i++) h = (h * 31 + requestId.charCodeAt(i)) | 0;
  return Math.abs(h) % ASSIGNERS;
}

/** A spectator as the dashboard joins: role spectator, no avatar; counts what it receives and sends. */
async function joinSpectator(url: string): Promise<{ room: Room<unknown, WorkspaceState>; counters: { bytes: number; messages: number; sent: number } }> {
  const client = new Client(url);
  const options: JoinOptions = { workspace: DEFAULT_WORKSPACE, name: "Wall screen", role: "spectator" };
  const room = await client.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, options);
  const counters = { bytes: 0, messages: 0, sent: 0 };
  // Counted below; the dashboard reads the pose stream (coarse poses only, for a spectator) as the 3D campus does.
  room.onMessage(POSES_MESSAGE, () => undefined);
  const events = room.connection.events;
  const deliver = events.onmessage;
  events.onmessage = (event: { data: unknown }) => {
    counters.bytes += byteLength(event.data);
    counters.messages++;
    deliver?.(event);
  };
  const send = room.send.bind(room);
  room.send = ((type: string | number, payload?: unknown) => {
    counters.sent++;
    send(type, payload);
  }) as typeof room.send;
  room.onMessage("*", () => undefined);
  return { room, counters };
}

/** Counts the bytes a room's connection sends from now on. */
function countSent(room: Room<unknown, WorkspaceState>): { bytes: number } {
  const counter = { bytes: 0 };
  const connection = room.connection;
  const send = connection.send.bind(connection);
  connection.send = (data: Buffer | Uint8Array) => {
    counter.bytes += data.byteLength;
    send(data);
  };
  return counter;
}

/** One GET /api/stats as the dashboard makes it when it opens; returns the answer and its size on the wire (gzip body + head). */
async function fetchStats(url: string, since: number | null): Promise<{ body: StatsResponse; wireBytes: number }> {
  const q = new URLSearchParams({ workspace: DEFAULT_WORKSPACE });
  if (since !== null) q.set("since", String(since));
  const res = await fetch(`${url}/api/stats?${q}`, { headers: { "accept-encoding": "gzip" } });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET /api/stats answered ${res.status}: ${text.slice(0, 200)}`);
  let head = "HTTP/1.1 200 OK\r\n".length + 2;
  res.headers.forEach((value, name) => (head += name.length + value.length + 4));
  const body = Number(res.headers.get("content-length") ?? Buffer.byteLength(text));
  return { body: JSON.parse(text) as StatsResponse, wireBytes: head + body };
}

/**
 * Spectator downstream with 50 offline-planner agents working: a desktop client (walking, as in
 * the capacity scenario) and a spectator dashboard (the SDK client joined as a spectator, which
 * loads the charts' history once and then gets their figures pushed) in the same room; both
 * count what they receive over the same window.
 */
export async function runSpectatorBench(options: { agents?: number; measureMs?: number; onProgress?: (m: string) => void } = {}): Promise<SpectatorBenchResult> {
  const agents = options.agents ?? SPECTATOR_BENCH_AGENTS;
  const measureMs = options.measureMs ?? SPECTATOR_BENCH_MEASURE_MS;
  const progress = options.onProgress ?? (() => {});
  const roster = writeBenchRoster(agents, {
    prefix: "worker",
    label: "Worker",
    role: "Bench worker",
    persona: (_i, district) => `A bench worker in ${district}: it takes the task it is given, works on it and passes it on.`,
    tools: AGENT_TOOLS,
    budgetUsd: 1,
  });
  const removeFiles = () => fs.rmSync(roster.dir, { recursive: true, force: true });
  const unregister = onExitCleanup(removeFiles);
  let server: RunningServer | null = null;
  const rooms: Array<{ leave(consented?: boolean): Promise<unknown> }> = [];
  let desktop: SimClient | null = null;
  try {
    progress(`starting the server with ${agents} offline-planner agents`);
    server = await startServer({ env: { ATRIUM_AGENTS: roster.file } });
    const s = server;
    try {
      desktop = await SimClient.join(s.url, "Desktop");
      desktop.room.onMessage("*", () => undefined);
      const desktopSent = countSent(desktop.room);
      const desktopKinds = countByKind(desktop.room);
      desktop.startWalking(seededRandom(0x5bec));
      const wall = await joinSpectator(s.url);
      const wallSent = countSent(wall.room);
      const wallKinds = countByKind(wall.room);
      rooms.push(wall.room);
      let errors = 0;
      wall.room.onMessage(ServerMessage.Error, () => errors++);

      // The dashboard opens: the whole window of chart data, once; from then on the figures are pushed.
      const statsInitialBytes = (await fetchStats(s.url, null)).wireBytes;
      let statsPushes = 0;
      wall.room.onMessage(STATS_PUSH_MESSAGE, (_push: StatsPush) => statsPushes++);

      // Work for every agent: the assigners put one task on each agent, then approve what they ask.
      progress(`giving ${agents} agents a task each`);
      const ids = Array.from({ length: agents }, (_, i) => `worker-${String(i + 1).padStart(2, "0")}`);
      const world = loadWorld(path.join(REPO_ROOT, "config", "world.yaml"));
      const assigners: Room<unknown, WorkspaceState>[] = [];
      for (let a = 0; a < ASSIGNERS; a++) {
        const room = await new Client(s.url).joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace: DEFAULT_WORKSPACE, name: `Lead ${a + 1}` } satisfies JoinOptions);
        room.onMessage("*", () => undefined);
        room.onMessage(ServerMessage.Error, (e: ErrorPayload) => progress(`assigner error: ${e.code}: ${e.message}`));
        // Every assigner hears every question; the one whose turn it is answers it.
        room.onMessage(ServerMessage.Question, (q: QuestionPayload) => {
          if (turnOf(q.requestId) !== a) return;
          setTimeout(() => room.connection.isOpen && room.send("answer", { requestId: q.requestId, choice: q.options[0] ?? "yes" }), APPROVE_AFTER_MS);
        });
        assigners.push(room);
        rooms.push(room);
      }
      const perAssigner = Math.ceil(agents / ASSIGNERS);
      await Promise.all(
        assigners.map(async (room, a) => {
          for (const id of ids.slice(a * perAssigner, (a + 1) * perAssigner)) {
            const i = ids.indexOf(id);
            const task: TaskCreatePayload = { title: `Bench task ${i + 1}`, district: world.districts[i % world.districts.length]!.id, assignee: { kind: "agent", id } };
            room.send("task-create", task);
            await sleep(ASSIGN_GAP_MS);
          }
        }),
      );
      const busy = () => {
        let n = 0;
        wall.room.state.agents.forEach((agent) => {
          if (agent.state !== "idle") n++;
        });
        return n;
      };
      const warmupEnd = performance.now() + WARMUP_MAX_MS;
      while (busy() < agents * BUSY_SHARE && performance.now() < warmupEnd) await sleep(200);
      progress(`${busy()} of ${agents} agents busy; measuring ${measureMs / 1000} s`);

      desktop.resetCounters();
      desktopSent.bytes = 0;
      wallSent.bytes = 0;
      wall.counters.bytes = 0;
      wall.counters.messages = 0;
      desktopKinds.clear();
      wallKinds.clear();
      statsPushes = 0;
      const busySamples: number[] = [];
      const t0 = performance.now();
      while (performance.now() - t0 < measureMs) {
        await sleep(1000);
        busySamples.push(busy());
      }
      const seconds = (performance.now() - t0) / 1000;
      const desktopBytes = desktop.bytes;
      const desktopMessages = desktop.messages;
      const wallBytes = wall.counters.bytes;
      const wallMessages = wall.counters.messages;
      const desktopByKind = perSecond(desktopKinds, seconds);
      const wallByKind = perSecond(wallKinds, seconds);
      const windowPushes = statsPushes;
      const desktopUp = desktopSent.bytes;
      const wallUp = wallSent.bytes;

      const wsBytesPerS = wallBytes / seconds;
      const desktopBytesPerS = desktopBytes / seconds;
      return {
        agents: wall.room.state.agents.size,
        measuredS: seconds,
        busyAgents: { mean: mean(busySamples), min: Math.min(...busySamples) },
        desktop: { bytesPerS: desktopBytesPerS, messagesPerS: desktopMessages / seconds, upBytesPerS: desktopUp / seconds, byKind: desktopByKind },
        spectator: {
          wsBytesPerS,
          messagesPerS: wallMessages / seconds,
          byKind: wallByKind,
          statsPushBytesPerS: wallByKind[STATS_PUSH_MESSAGE] ?? 0,
          statsPushes: windowPushes,
          statsInitialBytes,
          totalBytesPerS: wsBytesPerS,
          sentMessages: wall.counters.sent,
          upBytesPerS: wallUp / seconds,
        },
        ratio: wsBytesPerS / desktopBytesPerS,
        trafficRatio: (wsBytesPerS + wallUp / seconds) / (desktopBytesPerS + desktopUp / seconds),
        errors: errors + desktop.errors,
      };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`${message}\nserver output:\n${s.output().slice(-FAILURE_OUTPUT_CHARS).trim()}`);
    }
  } finally {
    await desktop?.leave();
    for (const room of rooms) await room.leave(true).catch(() => undefined);
    await server?.stop();
    removeFiles();
    unregister();
  }
}

const SCENARIO = `Spectator dashboard, ${SPECTATOR_BENCH_AGENTS} agents working`;
const kbps = (b: number) => `${(b / 1000).toFixed(2)} KB/s`;
const KIND_NAMES: Record<string, string> = { patch: "state patches", p: "poses" };
/** "activity 7.86 KB/s, state patches 1.65 KB/s, …": a byte breakdown, biggest first. */
const kinds = (byKind: Record<string, number>) =>
  Object.entries(byKind)
    .map(([k, v]) => `${KIND_NAMES[k] ?? k} ${v >= 100 ? kbps(v) : `${v} B/s`}`)
    .join(", ");
/** Broadcasts the spectator is spared (server/src/rooms/spectator-stream.ts SPECTATOR_SKIPS): what they cost the desktop client. */
const sparedBytes = (byKind: Record<string, number>) => ["question", "question-closed", "hand-off"].reduce((n, k) => n + (byKind[k] ?? 0), 0);

/** The report's rows (none when the scenario was not run). */
export function spectatorRows(outcome: Outcome<SpectatorBenchResult> | undefined): Row[] {
  if (!outcome) return [];
  const metric = "what a spectator costs vs a desktop client: traffic both ways per second";
  const goal = "≤ the desktop client's";
  if (!outcome.ok) return [{ scenario: SCENARIO, metric, goal, measured: "—", value: null, unit: "", status: "error", note: outcome.error.split("\n")[0] ?? "" }];
  const r = outcome.result;
  const scenario = `Spectator dashboard, ${r.agents} agents working`;
  const worked = r.busyAgents.mean >= r.agents * 0.3 && r.errors === 0 && r.spectator.sentMessages === 0;
  const spectatorTraffic = r.spectator.totalBytesPerS + r.spectator.upBytesPerS;
  const desktopTraffic = r.desktop.bytesPerS + r.desktop.upBytesPerS;
  const caveat = worked ? "" : "; the run did not keep the agents working or had errors, so it does not test the goal";
  return [
    {
      scenario,
      metric,
      goal,
      measured: `${kbps(spectatorTraffic)} vs ${kbps(desktopTraffic)} (×${r.trafficRatio.toFixed(3)})`,
      value: spectatorTraffic,
      unit: "bytes/s",
      status: worked && r.trafficRatio <= 1 ? "pass" : "fail",
      note: `the spectator sends no poses (${r.spectator.sentMessages} messages); the desktop client sends ${kbps(r.desktop.upBytesPerS)} of them${caveat}`,
    },
    {
      scenario,
      metric: "downstream per spectator (WebSocket, the charts' figures pushed) vs a desktop client",
      goal: "≤ the desktop client's (coarse poses only, plus the charts)",
      measured: `${kbps(r.spectator.totalBytesPerS)} vs ${kbps(r.desktop.bytesPerS)} (×${r.ratio.toFixed(3)})`,
      value: r.spectator.totalBytesPerS,
      unit: "bytes/s",
      status: worked && r.ratio <= 1 ? "pass" : "fail",
      note:
        `spectator: ${kinds(r.spectator.byKind)}; desktop client: ${kinds(r.desktop.byKind)}; ` +
        `the charts' figures came in ${r.spectator.statsPushes} pushes (${r.spectator.statsPushBytesPerS} B/s); ${r.busyAgents.mean.toFixed(0)} agents busy on average`,
    },
    {
      scenario,
      metric: "stats download when the dashboard opens (15 min of charts, once)",
      goal: "— (reported)",
      measured: `${(r.spectator.statsInitialBytes / 1000).toFixed(1)} KB`,
      value: r.spectator.statsInitialBytes,
      unit: "bytes",
      status: "info",
    },
  ];
}

/** The details section of docs/BENCHMARKS.md. */
export function spectatorDetails(outcome: Outcome<SpectatorBenchResult> | undefined): string[] {
  if (!outcome) return [];
  const out = ["\n### Spectator dashboard\n"];
  if (!outcome.ok) {
    out.push(`Could not run:\n\n\`\`\`text\n${outcome.error.trim()}\n\`\`\``);
    return out;
  }
  const r = outcome.result;
  out.push(
    `${r.agents} offline-planner agents, each given a task by one of ${ASSIGNERS} people who approve what the agents ask; ` +
      `a desktop client walks, and a spectator (role spectator, no avatar) watches as the dashboard does: the charts' history once over GET /api/stats, then their figures pushed over its WebSocket. ` +
      `Over ${r.measuredS.toFixed(1)} s with ${r.busyAgents.mean.toFixed(0)} agents busy on average: the desktop client received ${kbps(r.desktop.bytesPerS)} ` +
      `(${r.desktop.messagesPerS.toFixed(0)} messages/s: ${kinds(r.desktop.byKind)}); the spectator ${kbps(r.spectator.totalBytesPerS)} ` +
      `(${r.spectator.messagesPerS.toFixed(0)} messages/s: ${kinds(r.spectator.byKind)}), ×${r.ratio.toFixed(3)} the desktop client's. ` +
      `Both get the same state patches, activity items and speech. The spectator is spared the questions, their closing and the hand-off messages (${kbps(sparedBytes(r.desktop.byKind))} on the desktop client): ` +
      `it answers nothing, and its feed and hand-off arcs come from the activity items. In the pose stream the desktop client gets the full pose of what is near it at every patch, ` +
      `the spectator only everyone's coarse pose every two seconds (its map and tour interpolate them). The charts cost ${r.spectator.statsPushBytesPerS} B/s: ` +
      `tasks by status and agents by state are counted on the dashboard from the room state; each closed 10 s bucket's LLM figures and done count are pushed once (${r.spectator.statsPushes} pushes), nothing for a quiet bucket. ` +
      `It sends nothing over its WebSocket (${r.spectator.sentMessages} messages) where the desktop client sends its pose (${kbps(r.desktop.upBytesPerS)}), ` +
      `so both ways together it costs ×${r.trafficRatio.toFixed(3)} a desktop client. Opening the dashboard downloads ${(r.spectator.statsInitialBytes / 1000).toFixed(1)} KB of chart history once.`,
  );
  return out;
}
