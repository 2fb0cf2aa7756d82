export type AssigneeChoice = { kind: "agent" | "person"; id: string };

/** The option value of an assignee: "agent:<id>", "person:<name>", or "" for nobody. */
export function assigneeValue(a: { kind: string; id: string } | null | undefined): string {
  return a && a.id ? `${a.kind}:${a.id}` : "";
}

/** The assignee an option value names, or null for nobody (or a value that names no one). */
export function parseAssignee(v: string): AssigneeChoice | null {
  const i = v.indexOf(":");
  if (i < 0) return null;
  const kind = v.slice(0, i);
  const id = v.slice(i + 1);
  return (kind === "agent" || kind === "person") && id ? { kind, id } : null;
}
