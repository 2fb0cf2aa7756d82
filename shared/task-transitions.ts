/**
 * Task statuses and the changes allowed between them. No zod here, so the client can import it
 * (a board offers only the columns a card may move to) without pulling zod into its bundle.
 */

export const TASK_STATUSES = ["todo", "doing", "review", "done", "blocked"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * The status changes people and agents may make, the one place they are defined (the store
 * enforces it; a board can use it to offer only the columns a card may move to). Review comes
 * after work (a todo task is started first, or marked done outright when it turns out done);
 * review goes back to doing, not to todo; a done task is reopened to todo or doing; anything
 * can be blocked, and a blocked task is unblocked to todo or doing. Staying put is always
 * allowed and changes nothing.
 */
export const TASK_TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  todo: ["doing", "done", "blocked"],
  doing: ["todo", "review", "done", "blocked"],
  review: ["doing", "done", "blocked"],
  done: ["todo", "doing", "blocked"],
  blocked: ["todo", "doing"],
};

/** Why a task may not go from `from` to `to` (a sentence), or null when it may. */
export function transitionRefusal(from: TaskStatus, to: TaskStatus): string | null {
  if (from === to || TASK_TRANSITIONS[from].includes(to)) return null;
  const allowed = TASK_TRANSITIONS[from];
  return `a ${from} task cannot move to ${to}; from ${from} it can go to ${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}`;
}
