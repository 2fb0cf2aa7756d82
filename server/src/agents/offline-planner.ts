import type { AgentConfig, Roster } from "../../../shared/agents";
import { OFFLINE_PLANNER_MODEL } from "../../../shared/replay";
import { withLlmCall } from "../replay/provenance";
import { replayStoreOf } from "../replay/replay-store";
import type { Store } from "../store/store";
import type { AgentBody, AgentEvent, Brain } from "./types";

export interface OfflinePlannerOptions {
  /** How long the agent "thinks" before answering (ms). */
  thinkMs?: number;
  /** How long it works on a task before writing its artifact (ms). */
  workMs?: number;
  /** After this many hand-offs a task goes to a person for approval instead. */
  maxHops?: number;
}

export const OFFLINE_DEFAULTS: Required<OfflinePlannerOptions> = { thinkMs: 1200, workMs: 4000, maxHops: 2 };

/** The label people see on agents the planner drives. */
export const OFFLINE_LABEL = "offline planner";

/**
 * Drives agents with no language model: deterministic, template output, through exactly the
 * same validated tool pipeline an LLM would use. On a task it walks home to work, works for a
 * while, writes an artifact, then hands off to the next agent in the roster (or back to the
 * external agent that gave it the task) — or, after
 * `maxHops` hand-offs, asks a person to approve and finishes the task on their answer.
 */
export class OfflinePlanner implements Brain {
  readonly kind = "offline" as const;
  private readonly opts: Required<OfflinePlannerOptions>;
  /** The decision each event's body is making, for its provenance record. */
  private readonly decisions = new WeakMap<AgentBody, Decision>();

  constructor(
    private readonly roster: Roster,
    private readonly store: Store,
    options: OfflinePlannerOptions = {},
  ) {
    this.opts = { ...OFFLINE_DEFAULTS, ...options };
  }

  async handle(body: AgentBody, event: AgentEvent): Promise<void> {
    // Provenance: each decision is recorded like a model call (model "offline-planner", cost 0):
    // the event it handled as the request, the tool calls it made as the response, and every
    // word and tool run of it links to that row (replay/provenance.ts).
    const replay = replayStoreOf(this.store);
    const started = performance.now();
    // Thinking from the moment it takes the message, while its decision's row is written.
    if (event.kind === "message") body.setState("thinking");
    const request = { messages: offlinePrompt(body.config, event, this.opts.maxHops) };
    const decision: Decision = { id: await replay.startLlmCall({ workspace: body.workspace, agentId: body.config.id, model: OFFLINE_PLANNER_MODEL, request }), toolCalls: [] };
    this.decisions.set(body, decision);
    const finish = (outcome: string, error: string | null) =>
      replay.finishLlmCall(decision.id, {
        model: OFFLINE_PLANNER_MODEL,
        request,
        response: { text: "", toolCalls: decision.toolCalls, finishReason: outcome === "ok" ? "stop" : null },
        latencyMs: Math.round(performance.now() - started),
        outcome,
        error,
      });
    try {
      await withLlmCall(body.config.id, decision.id, () => (event.kind === "message" ? this.onMessage(body, event) : this.onTask(body, event.taskId, event.from)));
    } catch (err) {
      // The decision's failure is what the caller hears about, even when recording it fails too.
      await finish("error", err instanceof Error ? err.message : String(err)).catch(() => undefined);
      throw err;
    }
    await finish("ok", null);
  }

  /** The agent after `id` in roster order that can take work (wraps around), or null. */
  nextAgent(id: string): AgentConfig | null {
    const agents = this.roster.agents;
    const i = agents.findIndex((a) => a.id === id);
    for (let k = 1; k < agents.length; k++) {
      const a = agents[(i + k) % agents.length]!;
      if (a.tools.includes("update_task")) return a;
    }
    return null;
  }

  private async call(body: AgentBody, tool: string, args: Record<string, unknown>): Promise<string> {
    const decision = this.decisions.get(body);
    if (decision) {
      decision.toolCalls.push({ id: `offline-${decision.toolCalls.length + 1}`, name: tool, arguments: JSON.stringify(args) });
      await replayStoreOf(this.store).setLlmCallResponse(decision.id, { text: "", toolCalls: decision.toolCalls, finishReason: null });
    }
    const out = await body.runTool(tool, JSON.stringify(args));
    if (!out.ok) throw new Error(`${tool} failed: ${out.content}`);
    return out.content;
  }

  private async onMessage(body: AgentBody, event: Extract<AgentEvent, { kind: "message" }>): Promise<void> {
    const me = body.config;
    body.setState("thinking");
    await body.pause(this.opts.thinkMs);
    const canPlan = me.tools.includes("create_task");
    const title = summarise(event.text);
    const worker = canPlan ? this.nextAgent(me.id) : null;
    const greeting = event.from.kind === "system" ? "" : `Hi ${event.from.name}! `;
    if (canPlan && worker) {
      await this.call(body, "say", {
        text: `${greeting}I'm ${me.name}, the ${me.role}. No language model is set up, so I'm following the offline plan: I'm putting "${title}" on the board for ${worker.name}.`,
      });
      await this.call(body, "create_task", { title, description: event.text, assignee: worker.id });
    } else {
      await this.call(body, "say", {
        text: `${greeting}I'm ${me.name}, the ${me.role}. No language model is set up, so I follow a fixed offline plan and can't take requests of my own. Ask the coordinator to put it on a board and I'll pick it up.`,
      });
    }
  }

  private async onTask(body: AgentBody, taskId: string, from: AgentEvent["from"]): Promise<void> {
    const me = body.config;
    const task = await this.store.work.getTask(taskId);
    if (!task) throw new Error(`task ${taskId} no longer exists`);
    await this.call(body, "update_task", { task_id: taskId, status: "doing", notes: `${me.name} (${me.role}) picked this up.` });
    await this.call(body, "move_to", { district: me.home });

    body.setState("working", task.title.slice(0, 60));
    await body.pause(this.opts.workMs);
    if (me.tools.includes("write_artifact")) {
      await this.call(body, "write_artifact", {
        task_id: taskId,
        title: `${me.role}: ${task.title}`.slice(0, 120),
        kind: "markdown",
        markdown: artifactTemplate(me, task.title, task.description),
      });
    }

    const hops = (await this.store.work.taskEvents(taskId)).filter((e) => e.kind === "handoff").length;
    // A task from an agent outside the roster (an external agent over MCP) goes back to it; else on round the roster.
    const giver = from.kind === "agent" && from.id !== me.id && !this.roster.agents.some((a) => a.id === from.id) ? { id: from.id, name: from.name } : null;
    const next = giver ?? this.nextAgent(me.id);
    if (hops < this.opts.maxHops && next && me.tools.includes("hand_off")) {
      await this.call(body, "update_task", { task_id: taskId, status: "review", notes: `${me.name} finished the ${me.role.toLowerCase()} pass.` });
      await this.call(body, "hand_off", { task_id: taskId, to_agent: next.id, note: `Over to you, ${next.name}: my notes are on the artifact wall.` });
      return;
    }
    if (!me.tools.includes("ask_human")) {
      await this.call(body, "update_task", { task_id: taskId, status: "review", notes: `${me.name} finished; waiting for a person to review.` });
      return;
    }
    const answer = await this.call(body, "ask_human", { question: `Approve "${task.title}"?`, options: ["Approve", "Needs changes"] });
    // "<who> answered: <choice>[ (comment: <text>)]": read the choice itself, not words in the comment.
    const choice = / answered: (.*?)(?: \(comment: [\s\S]*\))?$/.exec(answer)?.[1];
    if (choice === "Approve") {
      await this.call(body, "update_task", { task_id: taskId, status: "done", notes: "Approved by a person." });
      await this.call(body, "say", { text: `Thanks! "${task.title}" is done.` });
    } else {
      await this.call(body, "update_task", { task_id: taskId, status: "blocked", notes: `Changes requested: ${answer}` });
      await this.call(body, "say", { text: `Understood, I've marked "${task.title}" as blocked until we know what to change.` });
    }
  }
}

/** One event's decision as recorded in llm_calls: its row id and the tool calls made so far. */
interface Decision {
  id: number;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
}

/**
 * What the offline planner "sees", written as the prompt a model would get, so the replay's
 * provenance panel reads the same for both brains and says plainly that no model was involved.
 */
export function offlinePrompt(me: AgentConfig, event: AgentEvent, maxHops: number): Array<{ role: "system" | "user"; content: string }> {
  const plan =
    event.kind === "message"
      ? me.tools.includes("create_task")
        ? "On a message: say hello, then put the request on the board as a task for the next agent in the roster."
        : "On a message: explain that it follows a fixed offline plan and cannot take requests of its own."
      : `On a task: set it to doing, walk home, work for a while, write an artifact, then mark it review and hand it to the next agent; after ${maxHops} hand-offs, ask a person to approve and finish it on their answer.`;
  const system = `Offline planner: no language model is configured, so ${me.name} (${me.role}, home ${me.home}) follows a fixed, deterministic plan through the same tools a model would call. ${plan}`;
  const from = `${event.from.name} (${event.from.kind})`;
  const user = event.kind === "message" ? `${from} says: ${event.text}` : `Task ${event.taskId} was given to you by ${from}: ${event.note}`;
  return [
    { role: "system", content: system },
    { role: "user", content: user },
  ];
}

/** A task title from what a person said: the first sentence, trimmed to fit. */
export function summarise(text: string): string {
  const first = text.trim().split(/(?<=[.!?])\s/)[0] ?? text;
  const clean = first.replace(/\s+/g, " ").trim();
  return clean.length <= 80 ? clean : `${clean.slice(0, 77)}…`;
}

function artifactTemplate(me: AgentConfig, title: string, description: string): string {
  return [
    `# ${title}`,
    "",
    `*${me.role} notes by ${me.name} — written by the offline planner (no language model configured).*`,
    "",
    "## Brief",
    "",
    description.trim() || "_No description was given._",
    "",
    "## What I did",
    "",
    `- Took the task to my desk in ${me.home} and worked through it.`,
    "- Listed open questions for the next person.",
    "",
    "## Next steps",
    "",
    "- [ ] Review these notes",
    "- [ ] Decide whether to approve",
  ].join("\n");
}
