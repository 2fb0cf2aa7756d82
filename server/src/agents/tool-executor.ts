import type { AgentState } from "../../../shared/agents";
import { ServerMessage, type QuestionClosedPayload, type QuestionPayload } from "../../../shared/protocol/messages";
import type { WorkspaceState } from "../../../shared/state";
import type { World } from "../../../shared/world";
import type { Logger } from "../logger";
import { llmCallBehind } from "../replay/provenance";
import type { AuditEntry, Store } from "../store/store";
import { auditLater } from "../audit-later";
import type { LiveAgent } from "./runtime";
import { parseToolCall, type ParsedToolCall, type ToolArgs } from "./tools";
import type { AgentEvent, ToolOutcome } from "./types";

/** What the executor needs from the runtime that owns it. */
export interface ToolHost {
  workspace: string;
  world: World;
  store: Store;
  log: Logger;
  state: WorkspaceState;
  agents: ReadonlyMap<string, LiveAgent>;
  walkTo(agent: LiveAgent, x: number, z: number): Promise<void>;
  speak(agent: LiveAgent, text: string): void;
  setState(agent: LiveAgent, state: AgentState, reason?: string): void;
  deliver(agentId: string, event: AgentEvent): boolean;
  broadcast(type: string, payload: unknown): void;
  /** Lets a waiting agent take its next event. */
  resume(agent: LiveAgent): void;
}

interface OpenQuestion {
  payload: QuestionPayload;
  resolve: (answer: { choice: string; comment: string; by: string } | null) => void;
}

/** Walkers stop this far short of a person they walk to (m). */
const PERSON_STANDOFF = 1.6;

/**
 * Runs agents' tool calls. Every call is checked against the tool's zod schema and the agent's
 * allow-list first; a refused call is never run, the model gets the reason, and the attempt is
 * audited like every run.
 */
export class ToolExecutor {
  private readonly questions = new Map<string, OpenQuestion>();
  private questionSeq = 0;

  constructor(private readonly host: ToolHost) {}

  async run(agent: LiveAgent, name: string, rawArguments: string): Promise<ToolOutcome> {
    const h = this.host;
    const parsed = parseToolCall(name, rawArguments, agent.config.tools, {
      districtIds: h.world.districts.map((d) => d.id),
      agentIds: [...h.agents.keys()],
    });
    if (!parsed.ok) {
      await this.audit({
        workspace: h.workspace,
        actor: agent.config.id,
        kind: "tool",
        data: { tool: name, arguments: rawArguments.slice(0, 4000), allowed: parsed.code !== "not_allowed" && parsed.code !== "unknown_tool", ok: false, error: parsed.error, llmCallId: llmCallBehind(agent.config.id) },
      });
      return { ok: false, content: `error: ${parsed.error}` };
    }
    let outcome: ToolOutcome;
    try {
      outcome = await this.execute(agent, parsed);
    } catch (err) {
      // A freed agent stops here; the watchdog has audited why.
      if (err instanceof Error && err.name === "AgentFreedError") throw err;
      // Bad references (an unknown task id, say) come back as errors the model can act on.
      outcome = { ok: false, content: `error: ${err instanceof Error ? err.message : String(err)}` };
    }
    await this.audit({
      workspace: h.workspace,
      actor: agent.config.id,
      kind: "tool",
      data: { tool: parsed.name, arguments: parsed.args, allowed: true, ok: outcome.ok, result: outcome.content, llmCallId: llmCallBehind(agent.config.id) },
    });
    return outcome;
  }

  /** A tool run's audit row: waited for, so it is in before the model hears back; a failed write is logged, the run stands. */
  private async audit(entry: AuditEntry): Promise<void> {
    try {
      await this.host.store.audit(entry);
    } catch (err) {
      this.host.log.error({ err, workspace: entry.workspace, actor: entry.actor, kind: entry.kind }, "could not audit a tool run");
    }
  }

  private async execute(agent: LiveAgent, call: ParsedToolCall): Promise<ToolOutcome> {
    switch (call.name) {
      case "say":
        this.host.speak(agent, call.args.text);
        return { ok: true, content: "said" };
      case "move_to":
        return this.moveTo(agent, call.args);
      case "create_task":
        return this.createTask(agent, call.args);
      case "update_task": {
        await this.ownTask(call.args.task_id);
        const task = await this.host.store.work.updateTask(call.args.task_id, { status: call.args.status, notes: call.args.notes }, agent.config.id);
        if (task.status === "done" || task.status === "blocked") {
          if (agent.view.taskId === task.id) agent.view.taskId = "";
        } else {
          agent.view.taskId = task.id;
        }
        return { ok: true, content: `task ${task.id} is now ${task.status}` };
      }
      case "hand_off":
        return this.handOff(agent, call.args);
      case "write_artifact": {
        const a = call.args;
        const base = { workspace: this.host.workspace, taskId: a.task_id ?? null, title: a.title, createdBy: agent.config.id };
        const artifact =
          a.kind === "chart" ? await this.host.store.work.writeArtifact({ ...base, kind: "chart", body: a.chart! }) : await this.host.store.work.writeArtifact({ ...base, kind: "markdown", body: a.markdown! });
        return { ok: true, content: `artifact ${artifact.id} "${artifact.title}" written${artifact.taskId ? ` for task ${artifact.taskId}` : ""}` };
      }
      case "ask_human":
        return this.askHuman(agent, call.args);
      case "escalate": {
        const { reason, task_id } = call.args;
        if (task_id) await this.ownTask(task_id);
        if (task_id) await this.host.store.work.addTaskEvent(task_id, agent.config.id, "escalated", { reason });
        await this.host.store.audit({ workspace: this.host.workspace, actor: agent.config.id, kind: "escalation", data: { reason, taskId: task_id ?? null } });
        this.host.speak(agent, `I need help: ${reason}`);
        return { ok: true, content: "escalated to the people in the workspace" };
      }
    }
  }

  private async moveTo(agent: LiveAgent, args: ToolArgs["move_to"]): Promise<ToolOutcome> {
    const h = this.host;
    if (args.district) {
      const d = h.world.districts.find((x) => x.id === args.district)!;
      const a = agent.index * 2.399;
      await h.walkTo(agent, d.position[0] + Math.cos(a) * 3, d.position[1] + Math.sin(a) * 3);
      return { ok: true, content: `arrived at ${d.name}` };
    }
    const wanted = args.person!.toLowerCase();
    let found: { name: string; x: number; z: number } | null = null;
    h.state.people.forEach((p, id) => {
      if (!found && (id === args.person || p.name.toLowerCase() === wanted)) found = { name: p.name, x: p.x, z: p.z };
    });
    const person = found as { name: string; x: number; z: number } | null;
    if (!person) return { ok: false, content: `error: nobody called "${args.person}" is in the workspace` };
    const dx = agent.view.x - person.x;
    const dz = agent.view.z - person.z;
    const d = Math.hypot(dx, dz) || 1;
    await h.walkTo(agent, person.x + (dx / d) * PERSON_STANDOFF, person.z + (dz / d) * PERSON_STANDOFF);
    return { ok: true, content: `arrived next to ${person.name}` };
  }

  private async createTask(agent: LiveAgent, args: ToolArgs["create_task"]): Promise<ToolOutcome> {
    const h = this.host;
    const assigneeAgent = args.assignee ? h.agents.get(args.assignee) : undefined;
    const task = await h.store.work.createTask({
      workspace: h.workspace,
      title: args.title,
      description: args.description,
      district: args.district ?? agent.config.home,
      assignee: args.assignee ? { kind: assigneeAgent ? "agent" : "person", id: args.assignee } : null,
      createdBy: agent.config.id,
    });
    if (assigneeAgent && assigneeAgent !== agent) {
      h.deliver(assigneeAgent.config.id, { kind: "task", taskId: task.id, from: { id: agent.config.id, name: agent.config.name, kind: "agent" }, note: args.description });
    }
    return { ok: true, content: `task ${task.id} created${task.assignee ? ` and assigned to ${task.assignee.id}` : ""}` };
  }

  private async handOff(agent: LiveAgent, args: ToolArgs["hand_off"]): Promise<ToolOutcome> {
    const h = this.host;
    const to = h.agents.get(args.to_agent);
    if (!to) return { ok: false, content: `error: there is no agent "${args.to_agent}"` };
    if (to === agent) return { ok: false, content: "error: you cannot hand a task to yourself" };
    await this.ownTask(args.task_id);
    const task = await h.store.work.handOffTask(args.task_id, args.to_agent, args.note, agent.config.id);
    if (agent.view.taskId === task.id) agent.view.taskId = "";
    h.broadcast(ServerMessage.HandOff, { taskId: task.id, from: agent.config.id, to: args.to_agent, title: task.title });
    h.deliver(args.to_agent, { kind: "task", taskId: task.id, from: { id: agent.config.id, name: agent.config.name, kind: "agent" }, note: args.note });
    return { ok: true, content: `task ${task.id} handed to ${to.config.name}` };
  }

  private async askHuman(agent: LiveAgent, args: ToolArgs["ask_human"]): Promise<ToolOutcome> {
    const h = this.host;
    const requestId = `Q-${++this.questionSeq}-${agent.config.id}`;
    const payload: QuestionPayload = {
      requestId,
      agentId: agent.config.id,
      agentName: agent.config.name,
      question: args.question,
      options: args.options,
      taskId: agent.view.taskId || null,
    };
    h.setState(agent, "waiting-for-human", args.question.slice(0, 80));
    const answered = new Promise<{ choice: string; comment: string; by: string } | null>((resolve) => this.questions.set(requestId, { payload, resolve }));
    h.broadcast(ServerMessage.Question, payload);
    await h.store.audit({ workspace: h.workspace, actor: agent.config.id, kind: "ask-human", data: { requestId, question: args.question, options: args.options, taskId: payload.taskId } });
    // On the task's history (and so in the activity feed) too; a question about no task is in the audit only.
    if (payload.taskId) await h.store.work.addTaskEvent(payload.taskId, agent.config.id, "approval-asked", { requestId, question: args.question, options: args.options });
    // An answer that came while those were written is taken now; its own event follows them.
    const answer = await answered;
    if (!answer) return { ok: false, content: "error: the question was withdrawn" };
    h.setState(agent, "thinking");
    if (payload.taskId) await h.store.work.addTaskEvent(payload.taskId, answer.by, "approval", { question: args.question, choice: answer.choice, comment: answer.comment, options: args.options, agent: agent.config.id });
    return { ok: true, content: `${answer.by} answered: ${answer.choice}${answer.comment ? ` (comment: ${answer.comment})` : ""}` };
  }

  /** The task, when it belongs to this workspace; otherwise an error the model can act on. */
  private async ownTask(id: string): Promise<void> {
    const task = await this.host.store.work.getTask(id);
    if (!task || task.workspace !== this.host.workspace) throw new Error(`unknown task id "${id}"`);
  }

  /** Questions still waiting for an answer, for people who join later. */
  openQuestions(): QuestionPayload[] {
    return [...this.questions.values()].map((q) => q.payload);
  }

  /** A person answers. Returns an error sentence, or null when it was accepted. */
  answer(requestId: string, choice: string, comment: string, by: string): string | null {
    const q = this.questions.get(requestId);
    if (!q) return `there is no open question ${requestId}; it may have been answered already`;
    const option = q.payload.options.find((o) => o.toLowerCase() === choice.toLowerCase());
    if (!option) return `"${choice}" is not one of the options: ${q.payload.options.join(", ")}`;
    this.close(requestId, { choice: option, comment, by });
    auditLater(this.host.store, { workspace: this.host.workspace, actor: by, kind: "answer", data: { requestId, agent: q.payload.agentId, choice: option, comment, question: q.payload.question, options: q.payload.options, taskId: q.payload.taskId } }, this.host.log);
    return null;
  }

  cancelQuestionsOf(agentId: string, reason: string): void {
    for (const [id, q] of this.questions) if (q.payload.agentId === agentId) this.close(id, null, reason);
  }

  cancelAll(reason: string): void {
    for (const id of [...this.questions.keys()]) this.close(id, null, reason);
  }

  private close(requestId: string, answer: { choice: string; comment: string; by: string } | null, _reason?: string): void {
    const q = this.questions.get(requestId);
    if (!q) return;
    this.questions.delete(requestId);
    const closed: QuestionClosedPayload = { requestId, choice: answer?.choice ?? null, by: answer?.by ?? null };
    this.host.broadcast(ServerMessage.QuestionClosed, closed);
    q.resolve(answer);
  }
}
