import { z } from "zod";
import { MAX_NAME_LENGTH, MAX_TALK_LENGTH, MAX_TASK_DESCRIPTION_LENGTH, MAX_TASK_TITLE_LENGTH } from "../constants";
import { TASK_STATUSES } from "../agents";
import { ClientMessage, personModes } from "./messages";
import { voiceMessageSchemas } from "./voice-schemas";
import { moderationMessageSchemas } from "./moderation-schemas";
import { ROLES } from "../roles";

const finite = z.number().finite();
/** Radians, kept in a sane range so nobody can send 1e300. */
const ANGLE_LIMIT = 100;
const angle = finite.min(-ANGLE_LIMIT).max(ANGLE_LIMIT);

export const nameSchema = z
  .string()
  .trim()
  .min(1, "name must not be empty")
  .max(MAX_NAME_LENGTH, `name must be at most ${MAX_NAME_LENGTH} characters`)
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "name must not contain control characters");

/** A hand's offset from the person's (x, 0, z), metres in world axes: within arm's reach. */
const handOffset = z.tuple([finite.min(-2).max(2), finite.min(-0.5).max(3), finite.min(-2).max(2)]);

const PITCH_LIMIT = Math.PI / 2;

export const moveSchema = z.strictObject({
  x: finite,
  z: finite,
  yaw: angle,
  pitch: finite.min(-PITCH_LIMIT).max(PITCH_LIMIT),
  /** XR only (all optional, additive): eye height above the floor (m). */
  headY: finite.min(0).max(3).optional(),
  /** Person.hands bits: which hands are tracked, and whether they are articulated hands. */
  hands: z.number().int().min(0).max(7).optional(),
  left: handOffset.optional(),
  right: handOffset.optional(),
  /** The person entered or left an XR session (desktop ↔ vr/ar). */
  mode: z.enum(personModes).optional(),
  /** An XR teleport: the server checks bounds and rate, not walking speed (see movement.ts). */
  teleport: z.boolean().optional(),
});

/**
 * The common move, x, z, yaw and pitch and nothing else, checked without zod: a room reads up to twenty
 * of them a second from every person, and zod takes several microseconds over each. True only
 * where moveSchema accepts `raw` as it is (every other move, an XR one or a bad one, goes
 * through moveSchema, which also words the refusal); schemas.test.ts holds the two to the same
 * verdicts.
 */
export function isPlainMove(raw: unknown): raw is MovePayload {
  if (typeof raw !== "object" || raw === null || Object.getPrototypeOf(raw) !== Object.prototype) return false;
  let keys = 0;
  for (const key in raw) if (Object.hasOwn(raw, key)) keys++;
  if (keys !== 4) return false;
  const { x, z, yaw, pitch } = raw as Record<string, unknown>;
  return (
    typeof x === "number" &&
    Number.isFinite(x) &&
    typeof z === "number" &&
    Number.isFinite(z) &&
    typeof yaw === "number" &&
    yaw >= -ANGLE_LIMIT &&
    yaw <= ANGLE_LIMIT &&
    typeof pitch === "number" &&
    pitch >= -PITCH_LIMIT &&
    pitch <= PITCH_LIMIT
  );
}

/** Checks that stand in for a schema where they can (each true only where the schema would pass the payload unchanged). */
export const clientMessageQuickChecks: Partial<Record<string, (raw: unknown) => boolean>> = {
  [ClientMessage.Move]: isPlainMove,
};

export const renameSchema = z.strictObject({ name: nameSchema });

export const workspaceIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "workspace must be lower-case letters, digits and dashes (at most 40)");

/** Options a client passes to joinOrCreate / reconnect. */
export const joinOptionsSchema = z.object({
  workspace: workspaceIdSchema.optional(),
  name: nameSchema,
  mode: z.enum(personModes).default("desktop"),
  /** Where to resume after a full reload; checked against the campus bounds. */
  resume: z.object({ x: finite, z: finite }).optional(),
  /** Join as a spectator (no avatar, read-only) or member; owner needs the owner link's token. */
  role: z.enum(ROLES).optional(),
  /** The invite or owner link's token (?token= in the URL). Required when ATRIUM_AUTH=token. */
  token: z.string().max(2048, "token: at most 2048 characters").optional(),
});

export const talkSchema = z.strictObject({
  agentId: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "must be an agent id"),
  text: z.string().trim().min(1, "say something").max(MAX_TALK_LENGTH, `at most ${MAX_TALK_LENGTH} characters`),
});

export const answerSchema = z.strictObject({
  requestId: z.string().min(1).max(64),
  choice: z.string().trim().min(1).max(80),
  comment: z.string().trim().max(500).optional(),
});

const slugId = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/);

/** Who a task is for: an agent (by id) or a person (by name). */
export const assigneeSchema = z.strictObject({
  kind: z.enum(["agent", "person"]),
  id: z.string().trim().min(1).max(MAX_NAME_LENGTH),
});

export const taskCreateSchema = z.strictObject({
  title: z.string().trim().min(1, "a task needs a title").max(MAX_TASK_TITLE_LENGTH, `title: at most ${MAX_TASK_TITLE_LENGTH} characters`),
  description: z.string().trim().max(MAX_TASK_DESCRIPTION_LENGTH, `description: at most ${MAX_TASK_DESCRIPTION_LENGTH} characters`).optional(),
  district: slugId.describe("the board's district id"),
  assignee: assigneeSchema.nullable().optional(),
});

export const taskIdSchema = z.string().min(1).max(64);

export const taskUpdateSchema = z
  .strictObject({
    taskId: taskIdSchema,
    status: z.enum(TASK_STATUSES).optional(),
    /** null unassigns. */
    assignee: assigneeSchema.nullable().optional(),
    note: z.string().trim().max(500).optional(),
  })
  .refine((u) => u.status !== undefined || u.assignee !== undefined, "say what changes: a status or an assignee");

/** One schema per client message type, keyed by the wire name. */
export const clientMessageSchemas = {
  [ClientMessage.Move]: moveSchema,
  [ClientMessage.Rename]: renameSchema,
  [ClientMessage.Talk]: talkSchema,
  [ClientMessage.Answer]: answerSchema,
  [ClientMessage.TaskCreate]: taskCreateSchema,
  [ClientMessage.TaskUpdate]: taskUpdateSchema,
  ...voiceMessageSchemas,
  ...moderationMessageSchemas,
} as const;

export type MovePayload = z.infer<typeof moveSchema>;
export type RenamePayload = z.infer<typeof renameSchema>;
export type TalkPayload = z.infer<typeof talkSchema>;
export type AnswerPayload = z.infer<typeof answerSchema>;
export type TaskCreatePayload = z.infer<typeof taskCreateSchema>;
export type TaskUpdatePayload = z.infer<typeof taskUpdateSchema>;
export type JoinOptions = z.input<typeof joinOptionsSchema>;
