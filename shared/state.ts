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

/** The patched state of one workspace room. The campus layout is not here: it goes once. */
export const WorkspaceState = schema(
  {
    workspace: t.string(),
    people: t.map(Person),
  },
  "WorkspaceState",
);
export type WorkspaceState = SchemaType<typeof WorkspaceState>;
