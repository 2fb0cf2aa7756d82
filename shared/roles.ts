/**
 * Who someone is in a workspace. Plain constants with no runtime dependencies, so the client can
 * import them. What each role may do is decided in one place on the server:
 * server/src/auth/policy.ts.
 *
 * - owner: everything a member can, plus invites and moderation (mute, kick, pause agents, budgets).
 * - member: walks, talks to agents, answers questions, creates and moves tasks.
 * - spectator: watches. No avatar (no Person in the state), but the same state, world, activity
 *   backlog and questions as everyone; may send nothing that changes anything.
 */
export const ROLES = ["owner", "member", "spectator"] as const;
export type Role = (typeof ROLES)[number];

/** Higher ranks may do everything lower ones may; a token for a role can join as any lower one. */
export const ROLE_RANK: Record<Role, number> = { spectator: 0, member: 1, owner: 2 };

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
