import { describeHttpError } from "./artifact-bodies";

/**
 * A task's detail from GET /api/tasks/:id (docs/API.md): the task with its description, its
 * event history and its artifacts. The board card in the patched state carries only what the
 * board draws; this is fetched when a card is opened.
 */

export interface AssigneeRef {
  kind: string;
  id: string;
}

export interface TaskDetailData {
  task: {
    id: string;
    title: string;
    description: string;
    status: string;
    assignee: AssigneeRef | null;
    district: string | null;
    createdBy: string;
    createdAt: string;
    updatedAt: string;
  };
  events: { id: number; at: string; actor: string; kind: string; data: Record<string, unknown> }[];
  artifacts: { id: string; title: string; kind: string; createdBy: string; createdAt: string }[];
}

export async function fetchTaskDetail(id: string, signal?: AbortSignal): Promise<TaskDetailData> {
  const res = await fetch(`/api/tasks/${encodeURIComponent(id)}`, { signal });
  const text = await res.text();
  if (!res.ok) throw new Error(describeHttpError(res.status, text));
  const data = JSON.parse(text) as Partial<TaskDetailData>;
  if (!data.task) throw new Error("the server sent no task");
  return { task: data.task, events: Array.isArray(data.events) ? data.events : [], artifacts: Array.isArray(data.artifacts) ? data.artifacts : [] };
}

/** Turns an id (agent id, session id) into a display name; unknown ids come back as they are. */
export type NameOf = (id: string) => string;

function who(a: unknown, nameOf: NameOf): string {
  if (a && typeof a === "object" && "id" in a) return nameOf(String((a as AssigneeRef).id));
  if (typeof a === "string" && a) return nameOf(a);
  return "nobody";
}

function str(v: unknown): string {
  return typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v);
}

/** One readable line for a task event, e.g. "Iris handed it to Bram: “read the brief”". */
export function describeEvent(e: { actor: string; kind: string; data: Record<string, unknown> }, nameOf: NameOf): string {
  const actor = nameOf(e.actor);
  const d = e.data ?? {};
  const note = (k: string) => (str(d[k]) ? `: “${str(d[k])}”` : "");
  switch (e.kind) {
    case "created":
      return `${actor} created it${d.assignee ? ` for ${who(d.assignee, nameOf)}` : ""}`;
    case "status":
      return `${actor} moved it from ${str(d.from) || "?"} to ${str(d.to) || "?"}`;
    case "assigned":
      return d.to ? `${actor} assigned it to ${who(d.to, nameOf)}` : `${actor} unassigned it`;
    case "handoff":
      return `${actor} handed it to ${who(d.to, nameOf)}${note("note")}`;
    case "notes":
      return `${actor}${note("notes") || " added a note"}`;
    case "artifact":
      return `${actor} wrote ${str(d.kind) === "chart" ? "a chart" : "a document"}${str(d.title) ? ` “${str(d.title)}”` : ""}`;
    case "approval": {
      const choice = str(d.choice);
      return `${d.by ? nameOf(str(d.by)) : actor} answered ${choice ? `“${choice}”` : ""}${str(d.comment) ? ` — ${str(d.comment)}` : ""}`.trim();
    }
    case "approval-asked":
      return `${actor} asked for approval${note("question")}`;
    case "escalated":
    case "escalation":
      return `${actor} escalated it${note("reason")}`;
    default: {
      const bits = Object.entries(d)
        .filter(([, v]) => typeof v === "string" || typeof v === "number")
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(", ");
      return `${actor}: ${e.kind}${bits ? ` (${bits})` : ""}`;
    }
  }
}
