import type { AgentConfig, Roster } from "../../../shared/agents";
import type { World } from "../../../shared/world";
import type { LlmMessage } from "../llm";
import type { Store } from "../store/store";
import type { AgentEvent } from "./types";

/** Recent messages involving the agent that go into each prompt. */
export const CONTEXT_MESSAGES = 12;
/** Longest single message or description kept in a prompt (characters); longer ones are cut. */
export const CONTEXT_CHARS = 1500;
/** Task history entries shown for the current task. */
export const CONTEXT_TASK_EVENTS = 8;

function cut(text: string, max = CONTEXT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export interface PromptContext {
  world: World;
  roster: Roster;
  store: Store;
  workspace: string;
  /** The task the agent is on, if any (its id). */
  taskId: string | null;
}

/** The campus part of each agent's system prompt (its districts and the other agents), made once per world and roster. */
const campusCache = new WeakMap<World, WeakMap<Roster, { districts: string; others: Map<string, string> }>>();

function campusLines(agent: AgentConfig, ctx: PromptContext): { districts: string; others: string } {
  let byRoster = campusCache.get(ctx.world);
  if (!byRoster) campusCache.set(ctx.world, (byRoster = new WeakMap()));
  let campus = byRoster.get(ctx.roster);
  if (!campus) {
    campus = { districts: ctx.world.districts.map((d) => `- ${d.id}: ${d.name} — ${d.purpose}`).join("\n"), others: new Map() };
    byRoster.set(ctx.roster, campus);
  }
  let others = campus.others.get(agent.id);
  if (others === undefined) {
    others = ctx.roster.agents
      .filter((a) => a.id !== agent.id)
      .map((a) => `- ${a.id}: ${a.name}, ${a.role} (home ${a.home})`)
      .join("\n");
    campus.others.set(agent.id, others);
  }
  return { districts: campus.districts, others };
}

/**
 * The messages for one model turn: who the agent is (persona), where it is (the campus, the
 * other agents), what it is doing (its task and that task's recent history), the recent talk
 * it took part in, and finally the event it must act on. Bounded, so prompts stay small.
 */
export async function buildPrompt(agent: AgentConfig, event: AgentEvent, ctx: PromptContext): Promise<LlmMessage[]> {
  const { districts, others } = campusLines(agent, ctx);
  const taskId = event.kind === "task" ? event.taskId : ctx.taskId;
  const [task, recent] = await Promise.all([taskId ? ctx.store.work.getTask(taskId) : null, ctx.store.messages.recentMessages(ctx.workspace, CONTEXT_MESSAGES, agent.id)]);
  const events = task ? await ctx.store.work.taskEvents(task.id) : [];
  const taskBlock = task
    ? [
        `Your current task ${task.id}: "${task.title}" (status ${task.status}).`,
        task.description ? `Description: ${cut(task.description)}` : "",
        "Recent history:",
        ...events
          .slice(-CONTEXT_TASK_EVENTS)
          .map((e) => `- ${e.at} ${e.actor} ${e.kind} ${cut(JSON.stringify(e.data), 300)}`),
      ]
        .filter(Boolean)
        .join("\n")
    : "You have no task right now.";

  const system = [
    agent.persona,
    "",
    `You are ${agent.name}, the ${agent.role}, an avatar in Atrium, a shared 3D workspace ("${ctx.workspace}") where people and AI agents work together. Your home district is ${agent.home}.`,
    `Districts:\n${districts}`,
    `Other agents:\n${others}`,
    taskBlock,
    "Act only through your tools. Speak briefly and plainly: your words appear in a speech bubble over your head. Hand work to the agent whose role fits, ask a person with ask_human when a decision is theirs, and escalate when you are stuck.",
  ].join("\n\n");

  const history: LlmMessage[] = recent.map((m) => (m.fromId === agent.id ? { role: "assistant", content: cut(m.text) } : { role: "user", content: cut(`${m.fromId}: ${m.text}`) }));

  const now =
    event.kind === "message"
      ? `${event.from.name} (${event.from.kind}) says to you: ${cut(event.text)}`
      : `Task ${event.taskId} was given to you by ${event.from.name}.${event.note ? ` Their note: ${cut(event.note)}` : ""} Work on it now.`;
  return [{ role: "system", content: system }, ...history, { role: "user", content: now }];
}
