import { z } from "zod";
import { ARTIFACT_KINDS, TASK_STATUSES, TOOL_NAMES, chartSchema, type ToolName } from "../../../shared/agents";
import { describeIssues } from "../world/load-world";

/**
 * The agent tools: one zod schema per tool validates what the model sends, and the same schema,
 * turned into JSON Schema, tells the model what it may send. Server code runs the tools; this
 * module only defines and checks them.
 */

/** Longest thing an agent may say in one go (characters). */
export const MAX_SAY_LENGTH = 2000;
export const MAX_TASK_TITLE_LENGTH = 120;
export const MAX_TASK_DESCRIPTION_LENGTH = 4000;
export const MAX_TASK_NOTES_LENGTH = 4000;
export const MAX_HANDOFF_NOTE_LENGTH = 2000;
export const MAX_ARTIFACT_TITLE_LENGTH = 120;
export const MAX_MARKDOWN_LENGTH = 20_000;
export const MAX_QUESTION_LENGTH = 500;
/** ask_human offers this many choices: at least two, at most six, each a short label. */
export const MIN_ASK_OPTIONS = 2;
export const MAX_ASK_OPTIONS = 6;
export const MAX_ASK_OPTION_LENGTH = 80;
export const MAX_ESCALATION_REASON_LENGTH = 1000;
/** Longest id or name an agent may refer to (task ids, agent ids, person names). */
export const MAX_REF_LENGTH = 64;

const slug = /^[a-z][a-z0-9-]*$/;
const taskId = z.string().trim().min(1).max(MAX_REF_LENGTH).describe("id of an existing task, e.g. T-7k2m9q");
const districtId = z
  .string()
  .max(MAX_REF_LENGTH)
  .regex(slug, "must be a district id such as research-lab")
  .describe("district id, e.g. research-lab");
const text = (max: number) => z.string().trim().min(1).max(max);

/** A strict object whose unknown-field error lists the fields that are allowed. */
function strict<S extends z.core.$ZodLooseShape>(shape: S) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}; allowed: ${allowed}`
        : undefined,
  });
}

const say = strict({
  text: text(MAX_SAY_LENGTH).describe("what to say out loud, in plain sentences; keep it short"),
});

const moveTo = strict({
  district: districtId.optional().describe("walk to this district (its id, e.g. build-yard)"),
  person: text(MAX_REF_LENGTH).optional().describe("walk over to this person (display name or id)"),
})
  .superRefine((a, ctx) => {
    if ((a.district === undefined) === (a.person === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [a.district === undefined ? "district" : "person"],
        message: "give exactly one of district or person",
      });
    }
  });

const createTask = strict({
  title: text(MAX_TASK_TITLE_LENGTH).describe("short imperative title, e.g. 'Compare three pricing models'"),
  description: z
    .string()
    .trim()
    .max(MAX_TASK_DESCRIPTION_LENGTH)
    .default("")
    .describe("what needs doing and what 'done' looks like"),
  district: districtId.optional().describe("district whose task board shows the task; your home district when omitted"),
  assignee: text(MAX_REF_LENGTH).optional().describe("who should do it: an agent id (e.g. bram) or a person's name; unassigned when omitted"),
});

const updateTask = strict({
  task_id: taskId,
  status: z.enum(TASK_STATUSES).optional().describe("new status: todo, doing, review, done or blocked"),
  notes: text(MAX_TASK_NOTES_LENGTH).optional().describe("progress notes added to the task's history"),
})
  .superRefine((a, ctx) => {
    if (a.status === undefined && a.notes === undefined) {
      ctx.addIssue({ code: "custom", path: ["status"], message: "give status, notes or both" });
    }
  });

const handOff = strict({
  task_id: taskId,
  to_agent: z.string().max(MAX_REF_LENGTH).regex(slug, "must be an agent id such as bram").describe("id of the agent who takes the task over"),
  note: z.string().trim().max(MAX_HANDOFF_NOTE_LENGTH).describe("what the next agent needs to know: state of the work, what to do next"),
});

const writeArtifact = strict({
  task_id: taskId.optional().describe("the task this artifact belongs to, if any"),
  title: text(MAX_ARTIFACT_TITLE_LENGTH).describe("title shown on the artifact wall"),
  kind: z.enum(ARTIFACT_KINDS).describe("markdown for a document, chart for data to plot"),
  markdown: z
    .string()
    .trim()
    .min(1)
    .max(MAX_MARKDOWN_LENGTH)
    .optional()
    .describe("the document in GitHub-flavoured markdown; required when kind is markdown"),
  chart: chartSchema.optional().describe("the chart data; required when kind is chart"),
})
  .superRefine((a, ctx) => {
    if (a.kind === "markdown") {
      if (a.markdown === undefined) ctx.addIssue({ code: "custom", path: ["markdown"], message: 'required when kind is "markdown"' });
      if (a.chart !== undefined) ctx.addIssue({ code: "custom", path: ["chart"], message: 'only for kind "chart"; leave it out' });
    } else {
      if (a.chart === undefined) ctx.addIssue({ code: "custom", path: ["chart"], message: 'required when kind is "chart"' });
      if (a.markdown !== undefined) ctx.addIssue({ code: "custom", path: ["markdown"], message: 'only for kind "markdown"; leave it out' });
    }
  });

const askHuman = strict({
  question: text(MAX_QUESTION_LENGTH).describe("the question for the people in the workspace, one or two sentences"),
  options: z
    .array(text(MAX_ASK_OPTION_LENGTH))
    .min(MIN_ASK_OPTIONS)
    .max(MAX_ASK_OPTIONS)
    .superRefine((options, ctx) => {
      const seen = new Set<string>();
      options.forEach((o, i) => {
        if (seen.has(o.toLowerCase())) ctx.addIssue({ code: "custom", path: [i], message: `duplicate option "${o}"` });
        seen.add(o.toLowerCase());
      });
    })
    .describe(`${MIN_ASK_OPTIONS} to ${MAX_ASK_OPTIONS} short answers to choose from, e.g. ["Approve", "Reject"]`),
});

const escalate = strict({
  reason: text(MAX_ESCALATION_REASON_LENGTH).describe("why you are stuck and what you need from a person"),
  task_id: taskId.optional().describe("the task that is stuck, if any"),
});

/** Every tool: what the model reads about it and the schema its arguments must pass. */
export const TOOL_DEFINITIONS = {
  say: {
    description: "Say something out loud in the workspace. It appears in your speech bubble and the transcript.",
    schema: say,
  },
  move_to: {
    description: "Walk to a district or to a person. Give exactly one of district or person.",
    schema: moveTo,
  },
  create_task: {
    description: "Create a task on a district's task board, optionally assigned to an agent or a person. New tasks start as todo.",
    schema: createTask,
  },
  update_task: {
    description: "Change a task's status and/or add progress notes to its history. Give status, notes or both.",
    schema: updateTask,
  },
  hand_off: {
    description: "Hand a task over to another agent, with a note on where the work stands. The task is reassigned to them.",
    schema: handOff,
  },
  write_artifact: {
    description:
      "Publish a markdown document or a chart on the artifact wall, optionally attached to a task. Give markdown when kind is markdown, chart when kind is chart.",
    schema: writeArtifact,
  },
  ask_human: {
    description:
      "Ask the people in the workspace a question with a few answers to choose from, e.g. for an approval. You wait until someone answers.",
    schema: askHuman,
  },
  escalate: {
    description: "Tell the people in charge that you are stuck or that something needs a human decision now.",
    schema: escalate,
  },
} as const satisfies Record<ToolName, { description: string; schema: z.ZodType }>;

export type ToolSchemas = { [K in ToolName]: (typeof TOOL_DEFINITIONS)[K]["schema"] };
/** Validated arguments of each tool, after defaults are filled in. */
export type ToolArgs = { [K in ToolName]: z.output<ToolSchemas[K]> };

/** What the world knows, used to narrow the tools to real district and agent ids. */
export interface ToolContext {
  districtIds?: readonly string[];
  agentIds?: readonly string[];
}

export type JsonSchema = Record<string, unknown>;

/** A tool in the OpenAI chat-completions `tools` format. */
export interface LlmTool {
  type: "function";
  function: { name: ToolName; description: string; parameters: JsonSchema };
}

/** JSON Schema (draft 7) of each tool's arguments, as the model should send them; built once. */
const baseParameters = new Map<ToolName, JsonSchema>();

/** Plain JSON Schema of one tool's arguments, without `$schema` or `$ref`s. */
export function toolJsonSchema(name: ToolName): JsonSchema {
  let schema = baseParameters.get(name);
  if (schema === undefined) {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(TOOL_DEFINITIONS[name].schema, {
      target: "draft-07",
      // The model writes the input: fields with defaults are optional to it.
      io: "input",
      // Inline repeated parts (task_id) instead of $defs/$ref, which some providers reject.
      reused: "inline",
      unrepresentable: "throw",
    }) as JsonSchema;
    schema = rest;
    baseParameters.set(name, schema);
  }
  return structuredClone(schema);
}

/**
 * The allowed tools in the OpenAI `tools` format, in the order given. With a context, district
 * and agent fields list the real ids as an enum, so the model does not have to guess them.
 */
export function toolsForLlm(allowed: readonly ToolName[], context: ToolContext = {}): LlmTool[] {
  return [...new Set(allowed)].map((name) => {
    const parameters = toolJsonSchema(name);
    const props = parameters.properties as Record<string, JsonSchema> | undefined;
    if (props) {
      if (context.districtIds && props.district) narrowToEnum(props.district, context.districtIds);
      if (context.agentIds && props.to_agent) narrowToEnum(props.to_agent, context.agentIds);
    }
    return { type: "function", function: { name, description: TOOL_DEFINITIONS[name].description, parameters } };
  });
}

function narrowToEnum(prop: JsonSchema, values: readonly string[]): void {
  delete prop.pattern;
  prop.enum = [...values];
}

export type ToolCallErrorCode = "unknown_tool" | "not_allowed" | "bad_json" | "invalid_arguments";

export type ParsedToolCall = { [K in ToolName]: { ok: true; name: K; args: ToolArgs[K] } }[ToolName];
export type ToolCallResult = ParsedToolCall | { ok: false; code: ToolCallErrorCode; error: string };

export function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}

/**
 * Checks one tool call from the model: is it a tool, is this agent allowed it, are the arguments
 * JSON, and do they pass the schema (and the context, when given). The error is a sentence the
 * model can act on, naming the field.
 */
export function parseToolCall(name: string, rawArguments: string, allowed: readonly ToolName[], context: ToolContext = {}): ToolCallResult {
  const available = `available tools: ${allowed.length ? allowed.join(", ") : "none"}`;
  if (!isToolName(name)) return { ok: false, code: "unknown_tool", error: `unknown tool "${name}"; ${available}` };
  if (!allowed.includes(name)) {
    return { ok: false, code: "not_allowed", error: `tool "${name}" is not allowed for you; ${available}` };
  }
  let data: unknown;
  try {
    // Some models send "" for a call without arguments.
    data = rawArguments.trim() === "" ? {} : JSON.parse(rawArguments);
  } catch (err) {
    return { ok: false, code: "bad_json", error: `arguments for ${name} are not valid JSON (${(err as Error).message}); send one JSON object` };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { ok: false, code: "invalid_arguments", error: `arguments for ${name} must be a JSON object, not ${Array.isArray(data) ? "an array" : String(data === null ? "null" : typeof data)}` };
  }
  const result = TOOL_DEFINITIONS[name].schema.safeParse(data);
  if (!result.success) {
    return { ok: false, code: "invalid_arguments", error: `invalid arguments for ${name}: ${describeIssues(result.error).join("; ")}` };
  }
  const problems = contextProblems(result.data as Record<string, unknown>, context);
  if (problems.length) return { ok: false, code: "invalid_arguments", error: `invalid arguments for ${name}: ${problems.join("; ")}` };
  return { ok: true, name, args: result.data } as ParsedToolCall;
}

function contextProblems(args: Record<string, unknown>, context: ToolContext): string[] {
  const problems: string[] = [];
  const check = (field: string, known: readonly string[] | undefined, what: string) => {
    const value = args[field];
    if (known && typeof value === "string" && !known.includes(value)) {
      problems.push(`${field}: unknown ${what} "${value}"; known: ${known.join(", ")}`);
    }
  };
  check("district", context.districtIds, "district");
  check("to_agent", context.agentIds, "agent");
  return problems;
}
