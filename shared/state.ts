import { schema, t, type SchemaType } from "@colyseus/schema";
import { COARSE_YAW_RANGE, HAND_XZ_RANGE, HAND_Y_RANGE, HEAD_Y_RANGE, PITCH_RANGE, POSITION_RANGE, quantisedField, YAW_RANGE } from "./quantise";

/**
 * A person in the workspace. Positions are metres on the ground plane; angles are radians.
 *
 * Poses are fixed-point integers on the wire (shared/quantise.ts: 1 cm, 1/65536 of a turn) and
 * come in two rates (server/src/rooms/interest.ts). The full pose (x … rightZ, `.view()`) reaches
 * a client only while the person is among what is near it, at every patch; elsewhere those
 * fields are undefined on the client. The coarse pose (coarseX, coarseZ, coarseYaw) goes to
 * everyone, refreshed every COARSE_POSE_INTERVAL_MS. On the server every field is always set.
 * Read a person's or an agent's best known pose with `poseOf` below.
 */
export const Person = schema(
  {
    id: t.string(),
    name: t.string(),
    /** desktop | vr | ar */
    mode: t.string(),
    /** Avatar colour, derived from the id on the server. */
    colour: t.string(),
    x: quantisedField(POSITION_RANGE).view(),
    z: quantisedField(POSITION_RANGE).view(),
    /** Body and head yaw: where the person faces, in [0, 2π). */
    yaw: quantisedField(YAW_RANGE).view(),
    /** Head pitch: up/down look. */
    pitch: quantisedField(PITCH_RANGE).view(),
    /** False while the client is dropped and may still reconnect. */
    connected: t.boolean(),
    /**
     * XR body (mode "vr"; absent for desktop): eye height above the floor (m), which hands are
     * tracked (HAND_LEFT | HAND_RIGHT, plus HAND_ARTICULATED when they are hands, not
     * controllers), and each hand's position relative to (x, 0, z) in world axes (m).
     */
    headY: quantisedField(HEAD_Y_RANGE).view(),
    hands: t.uint8().view(),
    leftX: quantisedField(HAND_XZ_RANGE).view(),
    leftY: quantisedField(HAND_Y_RANGE).view(),
    leftZ: quantisedField(HAND_XZ_RANGE).view(),
    rightX: quantisedField(HAND_XZ_RANGE).view(),
    rightY: quantisedField(HAND_Y_RANGE).view(),
    rightZ: quantisedField(HAND_XZ_RANGE).view(),
    /** The coarse pose, for everyone: where the person was at the last coarse refresh. */
    coarseX: quantisedField(POSITION_RANGE),
    coarseZ: quantisedField(POSITION_RANGE),
    coarseYaw: quantisedField(COARSE_YAW_RANGE),
  },
  "Person",
);
export type Person = SchemaType<typeof Person>;

/** The pose fields `poseOf` reads: a Person's or an Agent's, as the client holds them. */
export interface PosedEntity {
  x?: number | undefined;
  z?: number | undefined;
  yaw?: number | undefined;
  coarseX?: number | undefined;
  coarseZ?: number | undefined;
  coarseYaw?: number | undefined;
}

/**
 * The best pose a side holds for a person or an agent: the full pose where it has one (always
 * on the server; on a client, for what is near it), else the coarse one. Writes into `out` and
 * returns "full", "coarse", or null when neither has arrived yet.
 */
export function poseOf(e: PosedEntity, out: { x: number; z: number; yaw: number }): "full" | "coarse" | null {
  if (e.x !== undefined && e.z !== undefined) {
    out.x = e.x;
    out.z = e.z;
    out.yaw = e.yaw ?? 0;
    return "full";
  }
  if (e.coarseX !== undefined && e.coarseZ !== undefined) {
    out.x = e.coarseX;
    out.z = e.coarseZ;
    out.yaw = e.coarseYaw ?? 0;
    return "coarse";
  }
  return null;
}

/** Person.hands bits. */
export const HAND_LEFT = 1;
export const HAND_RIGHT = 2;
/** Set when the tracked hands are articulated hands rather than controllers. */
export const HAND_ARTICULATED = 4;

/**
 * An AI agent in the workspace. Static facts (persona, tools, budget) stay on the server; this
 * is what everyone needs to draw it and know what it is doing.
 */
export const Agent = schema(
  {
    id: t.string(),
    name: t.string(),
    role: t.string(),
    colour: t.string(),
    /** capsule | cube | cone | sphere | octahedron */
    shape: t.string(),
    /** The full pose, near clients only (see Person). */
    x: quantisedField(POSITION_RANGE).view(),
    z: quantisedField(POSITION_RANGE).view(),
    yaw: quantisedField(YAW_RANGE).view(),
    /** The coarse pose, for everyone (see Person). */
    coarseX: quantisedField(POSITION_RANGE),
    coarseZ: quantisedField(POSITION_RANGE),
    coarseYaw: quantisedField(COARSE_YAW_RANGE),
    /** idle | walking | thinking | speaking | working | waiting-for-human | paused | offline */
    state: t.string(),
    /** Why it is in that state, e.g. "paused: budget reached". Empty when there is nothing to say. */
    reason: t.string(),
    /** The task it is working on, or empty. */
    taskId: t.string(),
    /** "llm" when a model drives it, "offline" for the built-in offline planner, "external" for an outside agent over MCP (server/src/mcp). */
    brain: t.string(),
  },
  "Agent",
);
export type Agent = SchemaType<typeof Agent>;

/**
 * A card on a district's task board. The description and the event history stay on the server:
 * the card's detail fetches them from GET /api/tasks/:id.
 */
export const TaskCard = schema(
  {
    id: t.string(),
    title: t.string(),
    /** todo | doing | review | done | blocked */
    status: t.string(),
    /** The board it hangs on (a district id). */
    district: t.string(),
    /** "agent" | "person" | "" when unassigned. */
    assigneeKind: t.string(),
    /** An agent id or a person's name; "" when unassigned. */
    assignee: t.string(),
    /** Epoch ms, for the card's age. */
    createdAt: t.float64(),
    updatedAt: t.float64(),
    /** An agent escalated it and nobody has moved it since: shown in red. */
    escalated: t.boolean(),
    /** Artifacts attached to it. */
    artifacts: t.uint16(),
  },
  "TaskCard",
);
export type TaskCard = SchemaType<typeof TaskCard>;

/** An artifact on a district's wall. The body is fetched from GET /api/artifacts/:id. */
export const ArtifactCard = schema(
  {
    id: t.string(),
    title: t.string(),
    /** markdown | chart */
    kind: t.string(),
    /** The task it belongs to, or "". */
    taskId: t.string(),
    /** The wall it hangs on (a district id). */
    district: t.string(),
    createdBy: t.string(),
    /** Epoch ms. */
    createdAt: t.float64(),
  },
  "ArtifactCard",
);
export type ArtifactCard = SchemaType<typeof ArtifactCard>;

/** The patched state of one workspace room. The campus layout is not here: it goes once. */
export const WorkspaceState = schema(
  {
    workspace: t.string(),
    people: t.map(Person),
    agents: t.map(Agent),
    /** Every open task plus the most recent done ones per board (BOARD_DONE_CARDS). */
    tasks: t.map(TaskCard),
    /** The most recent artifacts per wall (WALL_ARTIFACTS). */
    artifacts: t.map(ArtifactCard),
  },
  "WorkspaceState",
);
export type WorkspaceState = SchemaType<typeof WorkspaceState>;
