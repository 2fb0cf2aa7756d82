import type { World } from "../../../shared/world";
import type { AgentMeta, ArtifactMeta, PersonMeta, TaskMeta } from "./store";

/** Board columns, left to right: the task statuses (shared/agents.ts TASK_STATUSES). */
export const BOARD_COLUMNS = [
  { status: "todo", label: "To do" },
  { status: "doing", label: "Doing" },
  { status: "review", label: "Review" },
  { status: "done", label: "Done" },
  { status: "blocked", label: "Blocked" },
] as const;
export type ColumnStatus = (typeof BOARD_COLUMNS)[number]["status"];

/** Cards one column shows; the rest are counted in a "+N more" line. */
export const CARDS_PER_COLUMN = 6; // default 6

/** Colour of a card with nobody on it. */
export const UNASSIGNED_COLOUR = "#cbd5e1";
/** Colour of a person we cannot find in the room (they left). */
export const ABSENT_PERSON_COLOUR = "#94a3b8";

export interface Column {
  status: ColumnStatus;
  label: string;
  /** Cards shown, most recently changed first. */
  cards: TaskMeta[];
  /** Cards that did not fit. */
  more: number;
}

/** One district's board: every column, in order, with its shown cards and the overflow count. */
export function boardColumns(tasks: Record<string, TaskMeta>, district: string, perColumn = CARDS_PER_COLUMN): Column[] {
  const columns: Column[] = BOARD_COLUMNS.map((c) => ({ status: c.status, label: c.label, cards: [], more: 0 }));
  const index = new Map<string, number>(BOARD_COLUMNS.map((c, i) => [c.status, i]));
  for (const id in tasks) {
    const t = tasks[id]!;
    if (t.district !== district) continue;
    const col = columns[index.get(t.status) ?? 0]!;
    col.cards.push(t);
  }
  for (const col of columns) {
    col.cards.sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
    col.more = Math.max(0, col.cards.length - perColumn);
    col.cards.length = Math.min(col.cards.length, perColumn);
  }
  return columns;
}

/** The person with this name (a person assignee is kept by name), or undefined. */
export function personByName(people: Record<string, PersonMeta>, name: string): PersonMeta | undefined {
  for (const id in people) if (people[id]!.name === name) return people[id];
  return undefined;
}

/** Who a card is for, as people read it: the agent's or person's name, or "unassigned". */
export function assigneeName(task: Pick<TaskMeta, "assigneeKind" | "assignee">, agents: Record<string, AgentMeta>): string {
  if (!task.assignee) return "unassigned";
  if (task.assigneeKind === "agent") return agents[task.assignee]?.name ?? task.assignee;
  return task.assignee;
}

/** The assignee's colour: the agent's roster colour, the person's avatar colour, or grey. */
export function assigneeColour(
  task: Pick<TaskMeta, "assigneeKind" | "assignee">,
  agents: Record<string, AgentMeta>,
  people: Record<string, PersonMeta>,
): string {
  if (!task.assignee) return UNASSIGNED_COLOUR;
  if (task.assigneeKind === "agent") return agents[task.assignee]?.colour ?? UNASSIGNED_COLOUR;
  return personByName(people, task.assignee)?.colour ?? ABSENT_PERSON_COLOUR;
}

/** A district's wall, newest first, at most `max`. */
export function wallArtifacts(artifacts: Record<string, ArtifactMeta>, district: string, max: number): ArtifactMeta[] {
  const out: ArtifactMeta[] = [];
  for (const id in artifacts) if (artifacts[id]!.district === district) out.push(artifacts[id]!);
  out.sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
  return out.slice(0, max);
}

/** Cuts text to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length <= max ? t : `${t.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** The district whose centre is nearest to (x, z): where "New task" puts a card by default. */
export function nearestDistrict(world: World, x: number, z: number): string {
  let best = world.districts[0]?.id ?? "";
  let bestD = Infinity;
  for (const d of world.districts) {
    const dist = Math.hypot(d.position[0] - x, d.position[1] - z);
    if (dist < bestD) {
      bestD = dist;
      best = d.id;
    }
  }
  return best;
}
