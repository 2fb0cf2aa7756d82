import { schema, t, type SchemaType } from "@colyseus/schema";

/**
 * A person in the workspace. Positions are metres on the ground plane; angles are radians.
 *
 * The pose (x … rightZ) is server-side only (`noSync`): it reaches clients through the pose
 * stream (shared/pose-wire.ts, server/src/rooms/interest.ts), as fixed-point integers, at every
 * patch for what is near a client and as a coarse pose once a second for everything else.
 * `slot` names the person in that stream.
 */
export const Person = schema(
  {
    id: t.string(),
    name: t.string(),
    /** desktop | vr | ar */
    mode: t.string(),
    /** Avatar colour, picked on the server from the id, one no one else in the room wears while any is left. */
    colour: t.string(),
    /** The person's number in the pose stream (unique in the room among people and agents). */
    slot: t.uint16(),
    x: t.number().noSync(),
    z: t.number().noSync(),
    /** Body and head yaw: where the person faces. */
    yaw: t.number().noSync(),
    /** Head pitch: up/down look. */
    pitch: t.number().noSync(),
    /** False while the client is dropped and may still reconnect. */
    connected: t.boolean(),
    /**
     * XR body (mode "vr"; absent for desktop): eye height above the floor (m), which hands are
     * tracked (HAND_LEFT | HAND_RIGHT, plus HAND_ARTICULATED when they are hands, not
     * controllers), and each hand's position relative to (x, 0, z) in world axes (m).
     */
    headY: t.number().noSync(),
    hands: t.uint8().noSync(),
    leftX: t.number().noSync(),
    leftY: t.number().noSync(),
    leftZ: t.number().noSync(),
    rightX: t.number().noSync(),
    rightY: t.number().noSync(),
    rightZ: t.number().noSync(),
  },
  "Person",
);
export type Person = SchemaType<typeof Person>;

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
    /** Its number in the pose stream; the pose is server-side only, as for Person. */
    slot: t.uint16(),
    x: t.number().noSync(),
    z: t.number().noSync(),
    yaw: t.number().noSync(),
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
