/**
 * Replay: the wire format of GET /api/replay and the pure "world at time t" logic, shared by the
 * server (which builds the snapshot at `from` with it) and the /replay view (which scrubs with
 * it). Plain types and functions, no zod and no imports from client/ or server/, so the client
 * can import it without pulling a validator into its bundle.
 */

import type { TaskStatus } from "./agents";

/** Times on the wire are epoch milliseconds. */
export type EpochMs = number;

/** A speech bubble stays up this long after the utterance was stored (ms). */
export const REPLAY_SPEECH_LINGER_MS = 6000;
/**
 * Two pose samples further apart than this are not blended unless the agent was walking:
 * it stood still in between, then the next sample found it somewhere else (ms).
 */
export const REPLAY_MAX_BLEND_GAP_MS = 1200;
/** Playback speeds the view offers, in order; the keys 1–5 pick them. */
export const REPLAY_SPEEDS = [1, 2, 4, 8, 16] as const;

export interface ReplayDistrict {
  id: string;
  name: string;
  colour: string;
  position: [number, number];
  radius: number;
}

export interface ReplayWorld {
  name: string;
  campusRadius: number;
  plaza: { radius: number; colour: string };
  districts: ReplayDistrict[];
}

export interface ReplayAgentInfo {
  id: string;
  name: string;
  role: string;
  colour: string;
  home: string | null;
}

/** One recorded sample of an agent: where it stood and what it was doing. */
export interface ReplayPose {
  at: EpochMs;
  agentId: string;
  x: number;
  z: number;
  yaw: number;
  state: string;
  reason: string;
  taskId: string | null;
}

export interface ReplayAssignee {
  kind: "agent" | "person";
  id: string;
}

/** A task card as it was at some moment, rebuilt from its events. */
export interface ReplayTask {
  id: string;
  title: string;
  district: string | null;
  status: TaskStatus;
  assignee: ReplayAssignee | null;
  createdBy: string;
  createdAt: EpochMs;
  updatedAt: EpochMs;
  /** An agent escalated it and nobody has changed its status since. */
  escalated: boolean;
  artifacts: number;
}

/** One row of a task's history (task_events), with its time in epoch ms. */
export interface ReplayTaskEvent {
  id: number;
  at: EpochMs;
  taskId: string;
  actor: string;
  kind: string;
  data: Record<string, unknown>;
}

export interface ReplayMessage {
  id: number;
  at: EpochMs;
  fromId: string;
  fromKind: "agent" | "person" | "system";
  toId: string | null;
  text: string;
  /** The LLM call (or offline planner decision) that produced it; null for people. */
  llmCallId: number | null;
}

export interface ReplayToolCall {
  /** The audit row's id. */
  id: number;
  /** When the run finished and was audited. */
  at: EpochMs;
  agentId: string;
  tool: string;
  arguments: unknown;
  allowed: boolean;
  ok: boolean;
  /** What the tool answered (what the model saw), or the refusal. */
  result: string;
  llmCallId: number | null;
}

export interface ReplayLlmCallSummary {
  id: number;
  at: EpochMs;
  agentId: string;
  model: string;
  /** ok, error, pending (no answer was recorded: still running, or cut off). */
  outcome: string;
  latencyMs: number | null;
  /** True for the offline planner's decisions (no language model). */
  offline: boolean;
}

/** GET /api/replay: everything needed to rebuild the world at any moment of [from, to]. */
export interface ReplayTimeline {
  workspace: string;
  from: EpochMs;
  to: EpochMs;
  /** True when the window held more than the server sends at once; `to` was moved back to the last event sent. */
  truncated: boolean;
  world: ReplayWorld;
  agents: ReplayAgentInfo[];
  /** The world at `from`: each agent's last sample, every task that existed, as it was. */
  initial: { poses: ReplayPose[]; tasks: ReplayTask[] };
  /** Everything after `from` up to `to`, each list oldest first. */
  poses: ReplayPose[];
  taskEvents: ReplayTaskEvent[];
  /** Also holds the messages of the last REPLAY_SPEECH_LINGER_MS before `from`, for bubbles still up. */
  messages: ReplayMessage[];
  toolCalls: ReplayToolCall[];
  llmCalls: ReplayLlmCallSummary[];
}

/** GET /api/llm-calls/:id: the exact prompt and response. */
export interface ReplayLlmCall {
  id: number;
  at: EpochMs;
  workspace: string;
  agentId: string;
  model: string;
  offline: boolean;
  request: unknown;
  response: unknown;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  latencyMs: number | null;
  ttftMs: number | null;
  outcome: string;
  error: string | null;
  /** What the call led to: the agent's utterances and tool runs that name it. */
  produced: { messages: ReplayMessage[]; toolCalls: ReplayToolCall[] };
}

/** The model name the offline planner's decisions are recorded under. */
export const OFFLINE_PLANNER_MODEL = "offline-planner";

// ── tasks ──────────────────────────────────────────────────────────────────────────────────

const STATUSES: readonly string[] = ["todo", "doing", "review", "done", "blocked"];

function asAssignee(v: unknown): ReplayAssignee | null {
  if (!v || typeof v !== "object") return null;
  const { kind, id } = v as { kind?: unknown; id?: unknown };
  return (kind === "agent" || kind === "person") && typeof id === "string" ? { kind, id } : null;
}

/**
 * Applies one task event to the board (a map by task id), in place. Events of tasks the map
 * does not hold (created before the window and unknown) are ignored, as are kinds that change
 * nothing a card shows (notes, approval…).
 */
export function applyTaskEvent(tasks: Map<string, ReplayTask>, e: ReplayTaskEvent): void {
  if (e.kind === "created") {
    const d = e.data;
    tasks.set(e.taskId, {
      id: e.taskId,
      title: typeof d.title === "string" ? d.title : e.taskId,
      district: typeof d.district === "string" ? d.district : null,
      status: typeof d.status === "string" && STATUSES.includes(d.status) ? (d.status as TaskStatus) : "todo",
      assignee: asAssignee(d.assignee),
      createdBy: e.actor,
      createdAt: e.at,
      updatedAt: e.at,
      escalated: false,
      artifacts: 0,
    });
    return;
  }
  const t = tasks.get(e.taskId);
  if (!t) return;
  t.updatedAt = e.at;
  switch (e.kind) {
    case "status":
      if (typeof e.data.to === "string" && STATUSES.includes(e.data.to)) t.status = e.data.to as TaskStatus;
      t.escalated = false;
      break;
    case "assigned":
    case "handoff":
      t.assignee = asAssignee(e.data.to);
      break;
    case "artifact":
      t.artifacts++;
      break;
    case "escalated":
      t.escalated = true;
      break;
  }
}

/** The board after `events` (in order), starting from `initial` (copied, never changed). */
export function reduceTasks(initial: readonly ReplayTask[], events: readonly ReplayTaskEvent[]): Map<string, ReplayTask> {
  const tasks = new Map<string, ReplayTask>();
  for (const t of initial) tasks.set(t.id, { ...t, assignee: t.assignee ? { ...t.assignee } : null });
  for (const e of events) applyTaskEvent(tasks, e);
  return tasks;
}

// ── the timeline index ─────────────────────────────────────────────────────────────────────

/** How many items of a list sorted by `at` have `at <= t` (binary search). */
export function countUpTo<T extends { at: number }>(list: readonly T[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.at <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A timeline prepared for fast lookups: each agent's samples in one sorted list. */
export interface ReplayIndex {
  timeline: ReplayTimeline;
  /** Per agent: the initial sample (if any) then its samples in the window, by time. */
  poses: Map<string, ReplayPose[]>;
  /** Agents in display order: the roster first, then any other agent that was sampled. */
  agentIds: string[];
}

export function indexTimeline(timeline: ReplayTimeline): ReplayIndex {
  const poses = new Map<string, ReplayPose[]>();
  const add = (p: ReplayPose) => {
    let list = poses.get(p.agentId);
    if (!list) poses.set(p.agentId, (list = []));
    list.push(p);
  };
  timeline.initial.poses.forEach(add);
  timeline.poses.forEach(add);
  for (const list of poses.values()) list.sort((a, b) => a.at - b.at);
  const agentIds = timeline.agents.map((a) => a.id).filter((id) => poses.has(id));
  for (const id of poses.keys()) if (!agentIds.includes(id)) agentIds.push(id);
  return { timeline, poses, agentIds };
}

/** An agent as it was at some moment. `moving` is true while it walks between two samples. */
export interface AgentAt {
  agentId: string;
  x: number;
  z: number;
  yaw: number;
  state: string;
  reason: string;
  taskId: string | null;
  moving: boolean;
}

function lerpAngle(a: number, b: number, f: number): number {
  let d = (b - a) % (Math.PI * 2);
  if (d > Math.PI) d -= Math.PI * 2;
  if (d < -Math.PI) d += Math.PI * 2;
  return a + d * f;
}

/**
 * Where the agent was at `t` and what it was doing, written into `out` (so a caller can reuse
 * one object per agent and allocate nothing per frame). State, reason and task are the last
 * sample's; the position is blended between the samples around `t` while the agent walked.
 * False when the agent had no sample yet at `t`.
 */
export function agentAt(index: ReplayIndex, agentId: string, t: number, out: AgentAt): boolean {
  const list = index.poses.get(agentId);
  if (!list) return false;
  const n = countUpTo(list, t);
  if (n === 0) return false;
  const a = list[n - 1]!;
  const b = list[n];
  out.agentId = agentId;
  out.state = a.state;
  out.reason = a.reason;
  out.taskId = a.taskId;
  out.moving = false;
  out.x = a.x;
  out.z = a.z;
  out.yaw = a.yaw;
  if (b && b.at > a.at && (a.state === "walking" || b.at - a.at <= REPLAY_MAX_BLEND_GAP_MS)) {
    const f = (t - a.at) / (b.at - a.at);
    out.x = a.x + (b.x - a.x) * f;
    out.z = a.z + (b.z - a.z) * f;
    out.yaw = lerpAngle(a.yaw, b.yaw, f);
    out.moving = a.x !== b.x || a.z !== b.z;
  }
  return true;
}

/** Every agent that had been sampled by `t`, in display order (allocates; not for per-frame use). */
export function agentsAt(index: ReplayIndex, t: number): AgentAt[] {
  const out: AgentAt[] = [];
  for (const id of index.agentIds) {
    const a: AgentAt = { agentId: id, x: 0, z: 0, yaw: 0, state: "idle", reason: "", taskId: null, moving: false };
    if (agentAt(index, id, t, a)) out.push(a);
  }
  return out;
}

/** The board at `t`: every task that existed, as it was. Oldest first. */
export function tasksAt(index: ReplayIndex, t: number): ReplayTask[] {
  const { initial, taskEvents } = index.timeline;
  const board = reduceTasks(initial.tasks, taskEvents.slice(0, countUpTo(taskEvents, t)));
  return [...board.values()].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

/** What each agent was saying at `t`: its latest utterance of the last REPLAY_SPEECH_LINGER_MS. */
export function speechAt(index: ReplayIndex, t: number, lingerMs = REPLAY_SPEECH_LINGER_MS): Map<string, ReplayMessage> {
  const { messages } = index.timeline;
  const out = new Map<string, ReplayMessage>();
  for (let i = countUpTo(messages, t) - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.at <= t - lingerMs) break;
    if (m.fromKind === "agent" && !out.has(m.fromId)) out.set(m.fromId, m);
  }
  return out;
}

/** The world at `t`, all at once. */
export interface WorldAt {
  t: number;
  agents: AgentAt[];
  tasks: ReplayTask[];
  speech: Map<string, ReplayMessage>;
}

export function worldAt(index: ReplayIndex, t: number): WorldAt {
  return { t, agents: agentsAt(index, t), tasks: tasksAt(index, t), speech: speechAt(index, t) };
}

/** ISO-8601 → epoch ms. */
export function isoToMs(iso: string): number {
  return Date.parse(iso);
}
