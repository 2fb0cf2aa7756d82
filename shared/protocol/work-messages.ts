/**
 * Wire payloads for the work in space: the activity feed. Plain types and names, no zod, so the
 * client can import them. Client → server work messages (task-create, task-update) are in
 * ./messages.ts with their zod schemas in ./schemas.ts; boards and walls are in the patched
 * state (TaskCard, ArtifactCard in ../state.ts).
 */

export const WorkServerMessage = {
  /** One new item for the activity feed, newest. */
  Activity: "activity",
  /** The recent feed, newest first, sent once on join (and on reconnect). */
  ActivityBacklog: "activity-backlog",
} as const;

export const ACTIVITY_KINDS = [
  "task-created",
  "status",
  "assigned",
  "hand-off",
  "artifact",
  "approval-asked",
  "approval",
  "escalation",
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export interface ActivityItem {
  /**
   * Unique and increasing within a workspace (the feed orders and de-duplicates by it): the
   * epoch ms zero-padded, then where it comes from, e.g. "000001735689600000-e000000000042".
   * The same change has the same id live and in a backlog rebuilt after a restart.
   */
  id: string;
  /** ISO-8601 time. */
  at: string;
  kind: ActivityKind;
  /**
   * Who did it: an agent id, a person's display name (as the task history records people, so
   * the feed reads the same after a restart), or "system".
   */
  actor: string;
  /** Display name of the actor. */
  actorName: string;
  /** One readable sentence, e.g. "Iris handed “Weekly brief” to Bram". Plain text, never HTML. */
  text: string;
  taskId: string | null;
  artifactId: string | null;
  /** Where it happened, for "fly the camera there": the district's id, or null. */
  district: string | null;
  /** For hand-offs: the giver and receiver agent ids (the arc's ends). */
  from?: string;
  to?: string;
  /** Escalations and rejected approvals are shown in red. */
  severity: "info" | "warning";
}
