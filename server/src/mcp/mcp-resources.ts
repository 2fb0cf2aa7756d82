import type { TaskStatus } from "../../../shared/agents";
import type { World } from "../../../shared/world";
import type { LiveAgent } from "../agents/runtime";
import type { AgentEvent } from "../agents/types";
import type { WorkspaceRoom } from "../rooms/workspace-room";
import type { Store } from "../store/store";
import type { AgentToken } from "./agent-tokens";

/**
 * What an outside agent can read over MCP: its identity, the world (districts, agents, people),
 * the board, its mailbox and the artifacts. Every read is a plain JSON (or markdown) document
 * built from the store and the live room; nothing here changes anything.
 */

export const RESOURCE_URIS = {
  me: "atrium://me",
  world: "atrium://world",
  board: "atrium://board",
  mailbox: "atrium://mailbox",
  artifacts: "atrium://artifacts",
} as const;
/** Templates: one task with its history, one artifact's body. */
export const TASK_URI = /^atrium:\/\/tasks\/([A-Za-z0-9-]{1,64})$/;
export const ARTIFACT_URI = /^atrium:\/\/artifacts\/([A-Za-z0-9-]{1,64})$/;

/** Done tasks the board resource shows besides every open one. Default 20. */
export const BOARD_DONE_SHOWN = 20;
/** Artifacts the artifact list shows, newest first. Default 50. */
export const ARTIFACTS_SHOWN = 50;

export const RESOURCE_LIST = [
  { uri: RESOURCE_URIS.me, name: "me", title: "Who I am here", description: "Your agent id, name, role, allowed tools, budget and state.", mimeType: "application/json" },
  { uri: RESOURCE_URIS.world, name: "world", title: "The campus", description: "Districts (ids for move_to and create_task), the agents (ids for hand_off) and the people here.", mimeType: "application/json" },
  { uri: RESOURCE_URIS.board, name: "board", title: "Task boards", description: "Every open task of the workspace and the newest done ones, with assignee and district.", mimeType: "application/json" },
  { uri: RESOURCE_URIS.mailbox, name: "mailbox", title: "My mailbox", description: "Messages and tasks waiting for you (read without taking them; read_mailbox takes them). Subscribe to be told when mail arrives.", mimeType: "application/json" },
  { uri: RESOURCE_URIS.artifacts, name: "artifacts", title: "Artifacts", description: "The newest artifacts (documents and charts) of the workspace; read atrium://artifacts/{id} for one.", mimeType: "application/json" },
] as const;

export const RESOURCE_TEMPLATES = [
  { uriTemplate: "atrium://tasks/{id}", name: "task", title: "A task", description: "One task with its whole history and its artifacts.", mimeType: "application/json" },
  { uriTemplate: "atrium://artifacts/{id}", name: "artifact", title: "An artifact", description: "One artifact's body: markdown text, or the chart data as JSON.", mimeType: "text/markdown" },
] as const;

/** A mailbox event as an outside agent reads it (tasks carry their title and status). */
export async function mailItem(event: AgentEvent, store: Store): Promise<Record<string, unknown>> {
  if (event.kind === "message") return { kind: "message", from: event.from, text: event.text };
  const task = await store.work.getTask(event.taskId);
  return {
    kind: "task",
    taskId: event.taskId,
    from: event.from,
    note: event.note,
    task: task ? { title: task.title, description: task.description, status: task.status, district: task.district, assignee: task.assignee } : null,
  };
}

const OPEN: TaskStatus[] = ["todo", "doing", "review", "blocked"];

export interface ResourceContext {
  token: AgentToken;
  store: Store;
  world: World;
  room: WorkspaceRoom;
  agent: LiveAgent | null;
}

/** The contents of a resource, or null when there is no such resource (or no such task or artifact). */
export async function readResource(uri: string, c: ResourceContext): Promise<{ mimeType: string; text: string } | null> {
  const json = (v: unknown) => ({ mimeType: "application/json", text: JSON.stringify(v, null, 2) });
  const { token, store, room } = c;
  const ws = token.workspace;
  switch (uri) {
    case RESOURCE_URIS.me:
      return json({
        agentId: token.agentId,
        name: token.name,
        title: token.title,
        workspace: ws,
        role: token.role,
        tools: token.role === "member" ? token.tools : [],
        home: token.home,
        budget: { toolCalls: token.budgetCalls, used: token.usedCalls },
        expiresAt: token.expiresAt,
        state: c.agent?.view.state ?? null,
        reason: c.agent?.view.reason ?? null,
        taskId: c.agent?.view.taskId || null,
      });
    case RESOURCE_URIS.world: {
      const agents: unknown[] = [];
      room.runtime.agents.forEach((a) => agents.push({ id: a.config.id, name: a.config.name, role: a.config.role, home: a.config.home, state: a.view.state, brain: a.view.brain }));
      const people: unknown[] = [];
      room.state.people.forEach((p) => people.push({ id: p.id, name: p.name, connected: p.connected }));
      return json({
        workspace: ws,
        districts: c.world.districts.map((d) => ({ id: d.id, name: d.name, purpose: d.purpose })),
        agents,
        people,
      });
    }
    case RESOURCE_URIS.board: {
      const [open, allDone] = await Promise.all([store.work.listTasks(ws, { status: OPEN }), store.work.listTasks(ws, { status: "done" })]);
      const done = allDone.slice(-BOARD_DONE_SHOWN);
      return json({ workspace: ws, tasks: [...open, ...done].map(({ workspace: _w, ...t }) => t) });
    }
    case RESOURCE_URIS.mailbox:
      return json({ waiting: await Promise.all((c.agent?.mailbox ?? []).map((e) => mailItem(e, store))) });
    case RESOURCE_URIS.artifacts:
      return json({
        workspace: ws,
        artifacts: (await store.work.listArtifacts({ workspace: ws }, ARTIFACTS_SHOWN)).map((a) => ({ id: a.id, title: a.title, kind: a.kind, taskId: a.taskId, createdBy: a.createdBy, createdAt: a.createdAt, uri: `atrium://artifacts/${a.id}` })),
      });
  }
  const task = TASK_URI.exec(uri);
  if (task) {
    const t = await store.work.getTask(task[1]!);
    if (!t || t.workspace !== ws) return null;
    const [events, artifacts] = await Promise.all([store.work.taskEvents(t.id), store.queries.artifactsOfTask(t.id)]);
    return json({ task: t, events, artifacts });
  }
  const artifact = ARTIFACT_URI.exec(uri);
  if (artifact) {
    const a = await store.queries.artifact(artifact[1]!);
    if (!a || a.workspace !== ws) return null;
    return { mimeType: a.kind === "markdown" ? "text/markdown" : "application/json", text: a.body };
  }
  return null;
}
