import type { ActivityItem } from "../../../shared/protocol/work-messages";
import type { ArtifactMeta, Assignee, AuditRecord, Task, TaskEvent } from "../store/store";

/**
 * Turns stored work rows (task events, artifacts without a task, audit rows of questions,
 * answers and escalations without a task) into activity feed items. Pure: the live feed and
 * the feed rebuilt from the database after a restart give the same items with the same ids.
 */

/** Names and places the sentences need. */
export interface ActivityNames {
  /** An agent's display name, or null when `id` is not an agent of the roster. */
  agentName(id: string): string | null;
  /** The agent's home district, or null. */
  agentHome(id: string): string | null;
  districtName(id: string): string;
  /** The board a task hangs on. */
  boardOf(task: Task): string;
  /** The wall an artifact without a task hangs on. */
  wallOf(artifact: ArtifactMeta): string;
}

/**
 * Ids sort like the time they stand for: epoch ms (15 digits), then the source (e: task event,
 * a: artifact, q: audit row) and its key, so the feed orders and de-duplicates by id alone.
 */
export function activityId(at: string, source: "e" | "a" | "q", key: string | number): string {
  const ms = String(Date.parse(at)).padStart(15, "0");
  return `${ms}-${source}${typeof key === "number" ? String(key).padStart(12, "0") : key}`;
}

const quote = (s: string) => `“${s}”`;
const str = (v: unknown): string => (typeof v === "string" ? v : "");

function who(id: string, names: ActivityNames): string {
  if (id === "system") return "Atrium";
  return names.agentName(id) ?? id;
}

function assigneeName(a: Assignee | null, names: ActivityNames): string {
  if (!a) return "nobody";
  return a.kind === "agent" ? (names.agentName(a.id) ?? a.id) : a.id;
}

function asAssignee(v: unknown): Assignee | null {
  if (!v || typeof v !== "object") return null;
  const o = v as Record<string, unknown>;
  return (o.kind === "agent" || o.kind === "person") && typeof o.id === "string" ? { kind: o.kind, id: o.id } : null;
}

/** A choice that is not the first option offered (or reads like a refusal) is a rejection: shown in red. */
export function isRejection(choice: string, options: unknown): boolean {
  if (Array.isArray(options) && typeof options[0] === "string") return choice.toLowerCase() !== options[0].toLowerCase();
  return /\b(no|reject|rejected|deny|denied|decline|needs? changes|block|stop)\b/i.test(choice);
}

/** The feed item for a task event, or null for kinds the feed does not show (notes). */
export function activityFromEvent(event: TaskEvent, task: Task, names: ActivityNames): ActivityItem | null {
  const actorName = who(event.actor, names);
  const d = event.data;
  const base = {
    id: activityId(event.at, "e", event.id),
    at: event.at,
    actor: event.actor,
    actorName,
    taskId: task.id,
    artifactId: null as string | null,
    district: names.boardOf(task),
    severity: "info" as ActivityItem["severity"],
  };
  const title = quote(task.title);
  switch (event.kind) {
    case "created": {
      const assignee = asAssignee(d.assignee);
      const board = names.districtName(names.boardOf(task));
      return { ...base, kind: "task-created", text: `${actorName} put ${title} on the ${board} board${assignee ? ` for ${assigneeName(assignee, names)}` : ""}` };
    }
    case "status": {
      const to = str(d.to);
      const text = to === "done" || to === "blocked" ? `${actorName} marked ${title} ${to}` : `${actorName} moved ${title} from ${str(d.from)} to ${to}`;
      return { ...base, kind: "status", text };
    }
    case "assigned": {
      const to = asAssignee(d.to);
      return { ...base, kind: "assigned", text: to ? `${actorName} assigned ${title} to ${assigneeName(to, names)}` : `${actorName} unassigned ${title}` };
    }
    case "handoff": {
      const to = asAssignee(d.to);
      const toId = to?.id ?? "";
      return { ...base, kind: "hand-off", from: event.actor, to: toId, text: `${actorName} handed ${title} to ${assigneeName(to, names)}` };
    }
    case "artifact": {
      const verb = d.kind === "chart" ? "charted" : "wrote";
      return { ...base, kind: "artifact", artifactId: str(d.artifactId) || null, text: `${actorName} ${verb} ${quote(str(d.title))} for ${title}` };
    }
    case "approval-asked":
      return { ...base, kind: "approval-asked", text: `${actorName} asks: ${str(d.question)}` };
    case "approval": {
      const choice = str(d.choice);
      const comment = str(d.comment);
      return {
        ...base,
        kind: "approval",
        severity: isRejection(choice, d.options) ? "warning" : "info",
        text: `${actorName} answered ${quote(choice)} on ${title}${comment ? `: ${comment}` : ""}`,
      };
    }
    case "escalated":
      return { ...base, kind: "escalation", severity: "warning", text: `${actorName} escalated ${title}: ${str(d.reason)}` };
    default:
      return null;
  }
}

/** The feed item for an artifact that belongs to no task (one on a task comes from its event). */
export function activityFromArtifact(a: ArtifactMeta, names: ActivityNames): ActivityItem {
  const actorName = who(a.createdBy, names);
  return {
    id: activityId(a.createdAt, "a", a.id),
    at: a.createdAt,
    kind: "artifact",
    actor: a.createdBy,
    actorName,
    text: `${actorName} ${a.kind === "chart" ? "charted" : "wrote"} ${quote(a.title)}`,
    taskId: null,
    artifactId: a.id,
    district: names.wallOf(a),
    severity: "info",
  };
}

/** The feed item for a question, answer or escalation that concerns no task; null otherwise. */
export function activityFromAudit(row: AuditRecord, names: ActivityNames): ActivityItem | null {
  const d = row.data;
  if (d.taskId !== null) return null; // with a task (or from before the field existed) its events tell it
  const actorName = who(row.actor, names);
  const base = { id: activityId(row.at, "q", row.id), at: row.at, actor: row.actor, actorName, taskId: null, artifactId: null };
  switch (row.kind) {
    case "ask-human":
      return { ...base, kind: "approval-asked", district: names.agentHome(row.actor), severity: "info", text: `${actorName} asks: ${str(d.question)}` };
    case "answer": {
      const agent = str(d.agent);
      const choice = str(d.choice);
      const comment = str(d.comment);
      return {
        ...base,
        kind: "approval",
        district: names.agentHome(agent),
        severity: isRejection(choice, d.options) ? "warning" : "info",
        text: `${actorName} answered ${names.agentName(agent) ?? agent} ${quote(choice)}${comment ? `: ${comment}` : ""}`,
      };
    }
    case "escalation":
      return { ...base, kind: "escalation", district: names.agentHome(row.actor), severity: "warning", text: `${actorName} escalated: ${str(d.reason)}` };
    default:
      return null;
  }
}
