import { z } from "zod";

/**
 * The agent roster (config/agents.yaml) and the names shared by everything that deals with
 * agents: their states, their tools, task statuses and artifact kinds. Imports nothing from
 * client/ or server/.
 */

/** What an agent is doing; the avatar always shows it. */
export const AGENT_STATES = ["idle", "walking", "thinking", "speaking", "working", "waiting-for-human", "paused", "offline"] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** Every tool the server can run for an agent. The roster picks a subset per agent. */
export const TOOL_NAMES = ["say", "move_to", "create_task", "update_task", "hand_off", "write_artifact", "ask_human", "escalate"] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export { TASK_STATUSES, TASK_TRANSITIONS, transitionRefusal, type TaskStatus } from "./task-transitions";

export const ARTIFACT_KINDS = ["markdown", "chart"] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

export const CHART_TYPES = ["bar", "line", "scatter"] as const;
export type ChartType = (typeof CHART_TYPES)[number];

export const AGENT_SHAPES = ["capsule", "cube", "cone", "sphere", "octahedron"] as const;
export type AgentShape = (typeof AGENT_SHAPES)[number];

/** Most agents one roster may hold: the budget's busiest room (bench: 200), leaving room for outside agents (MCP) within what the client draws (MAX_DRAWN_AGENTS). */
export const MAX_AGENTS = 200;
/** Highest spending limit one agent may be given (USD); a guard against a typo like 500 for 5.00. */
export const MAX_AGENT_BUDGET_USD = 100;
/** Longest persona prompt (characters). */
export const MAX_PERSONA_LENGTH = 4000;
/** Most series in one chart, and most points in one series. */
export const MAX_CHART_SERIES = 8;
export const MAX_CHART_POINTS = 500;

const slug = /^[a-z][a-z0-9-]*$/;
const hexColour = z.string().regex(/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, "must be a hex colour like #4f8cff");

/**
 * Chart data as an agent writes it and an artifact wall draws it. The artifact store keeps it
 * as JSON; the client parses it back with this schema.
 */
export const chartSchema = z.strictObject({
  type: z.enum(CHART_TYPES).describe("bar for categories, line for values over time or order, scatter for x/y pairs"),
  series: z
    .array(
      z.strictObject({
        name: z.string().trim().min(1).max(60).describe("legend label of this series"),
        points: z
          .array(
            z.strictObject({
              x: z.union([z.number(), z.string().max(40)]).describe("category label or numeric x value"),
              y: z.number().describe("numeric value"),
            }),
          )
          .min(1)
          .max(MAX_CHART_POINTS)
          .describe(`1 to ${MAX_CHART_POINTS} points`),
      }),
    )
    .min(1)
    .max(MAX_CHART_SERIES)
    .describe(`1 to ${MAX_CHART_SERIES} data series`),
});
export type ChartData = z.infer<typeof chartSchema>;

export const agentSchema = z.strictObject({
  id: z.string().max(32).regex(slug, "must be lower-case letters, digits and dashes, starting with a letter"),
  name: z.string().trim().min(1).max(32),
  role: z.string().trim().min(1).max(60),
  /** The persona prompt: who the agent is and how it works. Several sentences. */
  persona: z.string().trim().min(40, "must be at least 40 characters: say who the agent is and how it works").max(MAX_PERSONA_LENGTH),
  /** Id of the district the agent lives and works in. Checked against the world at load. */
  home: z.string().regex(slug, "must be a district id"),
  /** Model override for this agent; the server's default model when absent. */
  model: z.string().trim().min(1).max(120).optional(),
  /** The voice its replies are spoken in (a voice name of the speech endpoint, e.g. "alloy"); ATRIUM_TTS_VOICE when absent. */
  voice: z.string().trim().min(1).max(64).regex(/^[\w.:-]+$/, "must be a voice name: letters, digits, _ . : -").optional(),
  tools: z
    .array(z.enum(TOOL_NAMES))
    .min(1, "must allow at least one tool")
    .superRefine((tools, ctx) => {
      tools.forEach((t, i) => {
        if (tools.indexOf(t) !== i) ctx.addIssue({ code: "custom", path: [i], message: `duplicate tool "${t}"` });
      });
    }),
  appearance: z.strictObject({
    colour: hexColour,
    shape: z.enum(AGENT_SHAPES),
  }),
  /** The most this agent may spend on LLM calls (USD); it pauses when it gets there. */
  budget: z.strictObject({ usd: z.number().positive().max(MAX_AGENT_BUDGET_USD) }),
});

export const rosterSchema = z
  .strictObject({
    /** The most all agents of one workspace may spend together (USD); no shared limit when absent. */
    workspaceBudgetUsd: z.number().positive().optional(),
    agents: z.array(agentSchema).min(1).max(MAX_AGENTS),
  })
  .superRefine((roster, ctx) => {
    const ids = new Set<string>();
    const names = new Set<string>();
    roster.agents.forEach((a, i) => {
      if (ids.has(a.id)) ctx.addIssue({ code: "custom", path: ["agents", i, "id"], message: `duplicate agent id "${a.id}"` });
      ids.add(a.id);
      // People address agents by name ("Iris, can you…"), so names must not collide either.
      const key = a.name.toLowerCase();
      if (names.has(key)) ctx.addIssue({ code: "custom", path: ["agents", i, "name"], message: `duplicate agent name "${a.name}"` });
      names.add(key);
    });
  });

export type AgentConfig = z.infer<typeof agentSchema>;
export type Roster = z.infer<typeof rosterSchema>;
