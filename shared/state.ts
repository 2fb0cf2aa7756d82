import { schema, t, type SchemaType } from "@colyseus/schema";

/** A person in the workspace. Positions are metres on the ground plane; angles are radians. */
export const Person = schema(
  {
    id: t.string(),
    name: t.string(),
    /** desktop | vr | ar */
    mode: t.string(),
    /** Avatar colour, derived from the id on the server. */
    colour: t.string(),
    x: t.float32(),
    z: t.float32(),
    /** Body and head yaw: where the person faces. */
    yaw: t.float32(),
    /** Head pitch: up/down look. */
    pitch: t.float32(),
    /** False while the client is dropped and may still reconnect. */
    connected: t.boolean(),
  },
  "Person",
);
export type Person = SchemaType<typeof Person>;

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
    x: t.float32(),
    z: t.float32(),
    yaw: t.float32(),
    /** idle | walking | thinking | speaking | working | waiting-for-human | paused | offline */
    state: t.string(),
    /** Why it is in that state, e.g. "paused: budget reached". Empty when there is nothing to say. */
    reason: t.string(),
    /** The task it is working on, or empty. */
    taskId: t.string(),
    /** "llm" when a model drives it, "offline" for the built-in offline planner. */
    brain: t.string(),
  },
  "Agent",
);
export type Agent = SchemaType<typeof Agent>;

/** The patched state of one workspace room. The campus layout is not here: it goes once. */
export const WorkspaceState = schema(
  {
    workspace: t.string(),
    people: t.map(Person),
    agents: t.map(Agent),
  },
  "WorkspaceState",
);
export type WorkspaceState = SchemaType<typeof WorkspaceState>;
