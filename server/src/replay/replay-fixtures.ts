import { expect } from "vitest";
import { indexTimeline, worldAt, type ReplayLlmCall, type ReplayTimeline } from "../../../shared/replay";
import type { Atrium } from "../app";
import type { WorkspaceRoom } from "../rooms/workspace-room";

/** Test helpers for the replay tests: read the API, and compare a replay with the live room. */

/** How far (m) a replayed agent may stand from where the live room has it. */
export const POSITION_TOLERANCE_M = 0.05;

export async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

export async function fetchTimeline(base: string, workspace: string): Promise<ReplayTimeline> {
  const { status, body } = await getJson<ReplayTimeline>(`${base}/api/replay?workspace=${workspace}`);
  expect(status).toBe(200);
  return body;
}

export function liveRoom(atrium: Atrium, workspace: string): WorkspaceRoom {
  const room = [...atrium.rooms].find((r) => r.workspace === workspace);
  if (!room) throw new Error(`no live room for workspace ${workspace}`);
  return room;
}

/**
 * The replay's world at its last moment equals the live room: every task's status and
 * assignee (the store holds the truth), every agent's state, reason and task, and every
 * agent's position within POSITION_TOLERANCE_M.
 */
export async function expectSameEndState(atrium: Atrium, workspace: string, timeline: ReplayTimeline): Promise<void> {
  const end = worldAt(indexTimeline(timeline), timeline.to);

  const live = await atrium.store.work.listTasks(workspace);
  expect(live.length).toBeGreaterThan(0);
  const replayed = end.tasks.map((t) => ({ id: t.id, title: t.title, status: t.status, assignee: t.assignee }));
  expect(replayed).toEqual(live.map((t) => ({ id: t.id, title: t.title, status: t.status, assignee: t.assignee })));

  const agents = liveRoom(atrium, workspace).state.agents;
  expect(end.agents.map((a) => a.agentId).sort()).toEqual([...agents.keys()].sort());
  for (const a of end.agents) {
    const l = agents.get(a.agentId)!;
    expect({ id: a.agentId, state: a.state, reason: a.reason, taskId: a.taskId ?? "" }).toEqual({ id: a.agentId, state: l.state, reason: l.reason, taskId: l.taskId });
    expect(Math.hypot(a.x - l.x, a.z - l.z), `${a.agentId} stands where the live room has it`).toBeLessThan(POSITION_TOLERANCE_M);
  }
}

/**
 * Every agent utterance and every tool run of the window names the LLM call (or offline
 * decision) behind it, and that call's recorded response really holds it: the words it
 * streamed or the `say` that spoke them, and the tool call with the same name and arguments.
 * Returns the calls, fetched once each.
 */
export async function expectProvenance(base: string, timeline: ReplayTimeline, speaks: (call: ReplayLlmCall, text: string) => boolean): Promise<Map<number, ReplayLlmCall>> {
  const calls = new Map<number, ReplayLlmCall>();
  const call = async (id: number) => {
    let c = calls.get(id);
    if (!c) {
      const res = await getJson<ReplayLlmCall>(`${base}/api/llm-calls/${id}`);
      expect(res.status).toBe(200);
      calls.set(id, (c = res.body));
    }
    return c;
  };
  const utterances = timeline.messages.filter((m) => m.fromKind === "agent");
  expect(utterances.length).toBeGreaterThan(0);
  for (const m of utterances) {
    expect(m.llmCallId, `"${m.text}" names its call`).toEqual(expect.any(Number));
    const c = await call(m.llmCallId!);
    expect(c.agentId).toBe(m.fromId);
    expect(c.workspace).toBe(timeline.workspace);
    expect(speaks(c, m.text), `call ${c.id} holds "${m.text}"`).toBe(true);
    expect(c.produced.messages.map((p) => p.id)).toContain(m.id);
  }
  expect(timeline.toolCalls.length).toBeGreaterThan(0);
  for (const t of timeline.toolCalls) {
    expect(t.llmCallId, `${t.tool} names its call`).toEqual(expect.any(Number));
    const c = await call(t.llmCallId!);
    expect(c.agentId).toBe(t.agentId);
    const asked = (c.response as { toolCalls: Array<{ name: string; arguments: string }> }).toolCalls;
    const match = asked.find((a) => a.name === t.tool && sameArguments(a.arguments, t.arguments));
    expect(match, `call ${c.id} asked for ${t.tool} ${JSON.stringify(t.arguments)}`).toBeDefined();
    expect(c.produced.toolCalls.map((p) => p.id)).toContain(t.id);
  }
  return calls;
}

/** The audit keeps parsed arguments (or the raw text of a refused call); the response the raw JSON. */
function sameArguments(raw: string, audited: unknown): boolean {
  if (typeof audited === "string") return raw === audited;
  try {
    return JSON.stringify(sortKeys(JSON.parse(raw))) === JSON.stringify(sortKeys(audited));
  } catch {
    return false;
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sortKeys(x)]));
  return v;
}
