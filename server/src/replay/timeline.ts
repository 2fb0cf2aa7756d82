import type { Roster } from "../../../shared/agents";
import { reduceTasks, REPLAY_SPEECH_LINGER_MS, type ReplayAgentInfo, type ReplayTimeline, type ReplayWorld } from "../../../shared/replay";
import type { World } from "../../../shared/world";
import type { Store } from "../store/store";
import { replayStoreOf } from "./replay-store";

/** Most rows of one kind (poses, messages, tool calls, LLM calls) one timeline carries; past it, `to` moves back. */
export const REPLAY_ROW_LIMIT = 50_000;

export interface TimelineQuery {
  workspace: string;
  /** Epoch ms; the workspace's first record when absent. */
  from?: number;
  /** Epoch ms; now when absent. */
  to?: number;
  /** REPLAY_ROW_LIMIT when absent. */
  limit?: number;
  /** Agents beside the roster's: outside agents over MCP (server/src/mcp). */
  extraAgents?: readonly ReplayAgentInfo[];
}

/** The campus as the 2D map needs it (no boards, no purpose texts). */
export function replayWorld(world: World): ReplayWorld {
  return {
    name: world.name,
    campusRadius: world.campusRadius,
    plaza: { radius: world.plaza.radius, colour: world.plaza.colour },
    districts: world.districts.map((d) => ({ id: d.id, name: d.name, colour: d.colour, position: [d.position[0], d.position[1]], radius: d.radius })),
  };
}

/**
 * Everything needed to rebuild a workspace at any moment of (from, to]: the world at `from`
 * (each agent's last sample, the board rebuilt from task events) and every change after it,
 * oldest first. Null when nothing at all was ever recorded for the workspace.
 */
export async function buildTimeline(store: Store, world: World, roster: Roster, q: TimelineQuery): Promise<ReplayTimeline | null> {
  const replay = replayStoreOf(store);
  const first = await replay.firstRecord(q.workspace);
  if (first === null) return null;
  const from = q.from ?? first;
  let to = q.to ?? Date.now();
  const limit = q.limit ?? REPLAY_ROW_LIMIT;
  const w = { workspace: q.workspace, from, to, limit };

  const [poses, messages, toolCalls, llmCalls, initialPoses] = await Promise.all([
    replay.poses(w),
    replay.messages({ ...w, from: from - REPLAY_SPEECH_LINGER_MS }),
    replay.toolCalls(w),
    replay.llmCalls(w),
    replay.posesAt(q.workspace, from),
  ]);
  // A list that hit the cap ends early: the whole timeline ends where the first of them does.
  let truncated = false;
  for (const list of [poses, messages, toolCalls, llmCalls]) {
    if (list.length >= limit) {
      truncated = true;
      to = Math.min(to, list[list.length - 1]!.at);
    }
  }
  const upTo = <T extends { at: number }>(list: T[]) => (truncated ? list.filter((x) => x.at <= to) : list);

  const events = await replay.taskEventsUpTo(q.workspace, to);
  const split = events.findIndex((e) => e.at > from);
  const before = split === -1 ? events : events.slice(0, split);
  const after = split === -1 ? [] : events.slice(split);

  return {
    workspace: q.workspace,
    from,
    to,
    truncated,
    world: replayWorld(world),
    agents: [
      ...roster.agents.map((a) => ({ id: a.id, name: a.name, role: a.role, colour: a.appearance.colour, home: a.home })),
      ...(q.extraAgents ?? []).filter((x) => !roster.agents.some((a) => a.id === x.id)),
    ],
    initial: { poses: initialPoses, tasks: [...reduceTasks([], before).values()] },
    poses: upTo(poses),
    taskEvents: after,
    messages: upTo(messages),
    toolCalls: upTo(toolCalls),
    llmCalls: upTo(llmCalls),
  };
}
