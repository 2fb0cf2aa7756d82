import { transitionRefusal } from "../../../shared/agents";
import type { Roster } from "../../../shared/agents";
import type { ErrorCode } from "../../../shared/protocol/messages";
import type { TaskCreatePayload, TaskUpdatePayload } from "../../../shared/protocol/schemas";
import type { World } from "../../../shared/world";
import type { AgentRuntime } from "../agents/runtime";
import { StoreInputError, TransitionError, type Store } from "../store/store";

/** Who sends a task message: the person's session id and display name. */
export interface Sender {
  sessionId: string;
  name: string;
}

/** Why a task message was refused: nothing changed. */
export interface Refusal {
  code: ErrorCode;
  message: string;
}

export interface TaskIntentDeps {
  workspace: string;
  world: World;
  store: Store;
  runtime: AgentRuntime;
}

/** The note an agent gets with a task it is given again after a restart. */
export const RESUME_NOTE = "Atrium restarted while this was under way: pick it up where it stands.";

/**
 * People's task messages (task-create, task-update), checked before anything is written: an
 * unknown district, task or agent, or a status change TASK_TRANSITIONS refuses, is answered
 * with a Refusal and changes nothing. Accepted changes are written by the store (which tells
 * the room's mirror), audited, and a task given to an agent goes into its mailbox.
 */
export class TaskIntents {
  constructor(private readonly deps: TaskIntentDeps) {}

  async create(by: Sender, p: TaskCreatePayload): Promise<Refusal | null> {
    const { workspace, world, store, runtime } = this.deps;
    if (!world.districts.some((d) => d.id === p.district)) {
      return { code: "unknown_district", message: `there is no district "${p.district}"; boards stand in ${world.districts.map((d) => d.id).join(", ")}` };
    }
    const assignee = p.assignee ?? null;
    if (assignee?.kind === "agent" && !runtime.agents.has(assignee.id)) {
      return { code: "unknown_agent", message: `there is no agent "${assignee.id}" here to give the task to` };
    }
    const task = await store.work.createTask({ workspace, title: p.title, description: p.description, district: p.district, assignee, createdBy: by.name });
    await store.audit({ workspace, actor: by.sessionId, kind: "task-create", data: { name: by.name, taskId: task.id, title: task.title, district: task.district, assignee } });
    if (assignee?.kind === "agent") {
      runtime.deliver(assignee.id, { kind: "task", taskId: task.id, from: { id: by.sessionId, name: by.name, kind: "person" }, note: task.description });
    }
    return null;
  }

  async update(by: Sender, p: TaskUpdatePayload): Promise<Refusal | null> {
    const { workspace, store, runtime } = this.deps;
    const task = await store.work.getTask(p.taskId);
    if (!task || task.workspace !== workspace) return { code: "unknown_task", message: `there is no task "${p.taskId}" in this workspace` };
    if (p.status !== undefined) {
      const refusal = transitionRefusal(task.status, p.status);
      if (refusal) return { code: "not_allowed", message: `“${task.title}” stays ${task.status}: ${refusal}` };
    }
    if (p.assignee?.kind === "agent" && !runtime.agents.has(p.assignee.id)) {
      return { code: "unknown_agent", message: `there is no agent "${p.assignee.id}" here to give the task to` };
    }
    let result;
    try {
      result = await store.work.changeTask(task.id, { status: p.status, assignee: p.assignee, notes: p.note || undefined }, by.name);
    } catch (err) {
      // Checked above; only a change that raced in between gets here.
      if (err instanceof TransitionError) return { code: "not_allowed", message: err.message };
      if (err instanceof StoreInputError) return { code: "invalid_message", message: err.message };
      throw err;
    }
    const changed = result.events.map((e) => e.kind);
    await store.audit({
      workspace,
      actor: by.sessionId,
      kind: "task-update",
      data: { name: by.name, taskId: task.id, status: p.status ?? null, assignee: p.assignee, note: p.note ?? null, changed },
    });
    const now = result.task.assignee;
    if (changed.includes("assigned") && now?.kind === "agent") {
      runtime.deliver(now.id, { kind: "task", taskId: task.id, from: { id: by.sessionId, name: by.name, kind: "person" }, note: p.note || task.description });
    }
    return null;
  }
}

/**
 * After a restart (a new room), gives agents back the tasks they had under way, once: todo or
 * doing tasks assigned to them, and review tasks handed to them that they had not started.
 * Returns the ids of the tasks delivered.
 */
export async function resumeAgentTasks({ workspace, store, runtime }: Pick<TaskIntentDeps, "workspace" | "store" | "runtime">): Promise<string[]> {
  const resumed: string[] = [];
  for (const task of await store.queries.resumableTasks(workspace)) {
    const agent = task.assignee?.kind === "agent" ? task.assignee.id : null;
    if (agent === null || !runtime.agents.has(agent)) continue;
    if (runtime.deliver(agent, { kind: "task", taskId: task.id, from: { id: "system", name: "Atrium", kind: "system" }, note: RESUME_NOTE })) resumed.push(task.id);
  }
  if (resumed.length > 0) await store.audit({ workspace, actor: "system", kind: "resume", data: { taskIds: resumed } });
  return resumed;
}

/** What the coordinator is asked to do when a workspace with no open work gets its first visitor (offline planner). */
export const DEMO_BRIEF = "Prepare this week's team brief. Gather what each district did and what is next.";

/**
 * With the offline planner, the first arrival in a workspace with no open work asks the
 * coordinator (the agent that may create tasks) for a starter task, so the campus is alive with
 * zero configuration. True when the request went into the coordinator's mailbox.
 */
export async function startDemoWork({ workspace, store, runtime, roster }: Pick<TaskIntentDeps, "workspace" | "store" | "runtime"> & { roster: Roster }): Promise<boolean> {
  const open = await store.work.listTasks(workspace, { status: ["todo", "doing", "review"] });
  if (open.length > 0) return false;
  const coordinator = roster.agents.find((a) => a.tools.includes("create_task"));
  if (!coordinator) return false;
  return runtime.deliver(coordinator.id, { kind: "message", from: { id: "system", name: "Atrium", kind: "system" }, text: DEMO_BRIEF });
}
