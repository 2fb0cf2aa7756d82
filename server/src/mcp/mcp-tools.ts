import { z } from "zod";
import type { ToolName } from "../../../shared/agents";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { MAILBOX_LIMIT } from "../agents/runtime";
import { toolsForLlm, type ToolContext } from "../agents/tools";
import { describeIssues } from "../world/load-world";

/**
 * The tools an outside agent sees over MCP: the world tools are the built-in agents' own zod
 * definitions (agents/tools.ts: the same JSON Schema the model gets, the same validation, run by
 * the same ToolExecutor), narrowed to the token's allow-list; plus three tools of the MCP side
 * itself to take mail and show what it is doing.
 */

/** wait_for_mail waits this long by default (s)… */
export const WAIT_FOR_MAIL_DEFAULT_S = 25;
/** …and at most this long, under the 60 s a client usually allows one request (s). */
export const WAIT_FOR_MAIL_MAX_S = 55;
/** Longest status reason (characters), like the avatar's label shows. */
export const MAX_STATUS_REASON_LENGTH = 80;

export const MCP_ONLY_TOOLS = {
  read_mailbox: {
    description:
      "Take the messages and tasks waiting in your mailbox (oldest first). People and agents send them: a task handed or assigned to you, or someone talking to you. Each is given to you once.",
    schema: z.strictObject({
      limit: z.number().int().min(1).max(MAILBOX_LIMIT).optional().describe(`take at most this many (1 to ${MAILBOX_LIMIT}); all when omitted`),
    }),
  },
  wait_for_mail: {
    description: `Wait until something arrives in your mailbox, then take it like read_mailbox. Returns an empty list after timeout_s (default ${WAIT_FOR_MAIL_DEFAULT_S}, at most ${WAIT_FOR_MAIL_MAX_S}) if nothing came.`,
    schema: z.strictObject({
      timeout_s: z.number().min(0).max(WAIT_FOR_MAIL_MAX_S).default(WAIT_FOR_MAIL_DEFAULT_S).describe(`seconds to wait at most (0 to ${WAIT_FOR_MAIL_MAX_S})`),
    }),
  },
  set_status: {
    description: "Show people what you are doing: your avatar takes the state's colour and the reason as its label. Call it again at least every 90 s while you think or work.",
    schema: z.strictObject({
      state: z.enum(["idle", "thinking", "working"]).describe("idle, thinking or working"),
      reason: z.string().trim().max(MAX_STATUS_REASON_LENGTH).default("").describe("a few words, e.g. 'drafting the pricing notes'"),
    }),
  },
} as const;
export type McpOnlyTool = keyof typeof MCP_ONLY_TOOLS;

export function isMcpOnlyTool(name: string): name is McpOnlyTool {
  return Object.hasOwn(MCP_ONLY_TOOLS, name);
}

/** Parses an MCP-only tool's arguments: the data, or a sentence naming the field. */
export function parseMcpOnly<K extends McpOnlyTool>(name: K, args: unknown): { ok: true; args: z.output<(typeof MCP_ONLY_TOOLS)[K]["schema"]> } | { ok: false; error: string } {
  const r = MCP_ONLY_TOOLS[name].schema.safeParse(args ?? {});
  if (!r.success) return { ok: false, error: `invalid arguments for ${name}: ${describeIssues(r.error).join("; ")}` };
  return { ok: true, args: r.data as z.output<(typeof MCP_ONLY_TOOLS)[K]["schema"]> };
}

const onlySchemas = new Map<McpOnlyTool, Tool["inputSchema"]>();
function mcpOnlyInputSchema(name: McpOnlyTool): Tool["inputSchema"] {
  let s = onlySchemas.get(name);
  if (!s) {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(MCP_ONLY_TOOLS[name].schema, { target: "draft-07", io: "input" }) as Record<string, unknown>;
    s = rest as Tool["inputSchema"];
    onlySchemas.set(name, s);
  }
  return structuredClone(s);
}

/**
 * The tool list of one agent: its allowed world tools (none for a spectator token), then the
 * mailbox tools (and set_status for a member).
 */
export function listTools(allowed: readonly ToolName[], member: boolean, context: ToolContext): Tool[] {
  const world = member ? toolsForLlm(allowed, context).map((t) => ({ name: t.function.name, description: t.function.description, inputSchema: t.function.parameters as Tool["inputSchema"] })) : [];
  const own = (Object.keys(MCP_ONLY_TOOLS) as McpOnlyTool[]).filter((n) => member || n !== "set_status");
  return [...world, ...own.map((name) => ({ name, description: MCP_ONLY_TOOLS[name].description, inputSchema: mcpOnlyInputSchema(name) }))];
}

/**
 * Why a call was refused, in `structuredContent.code`: the executor's own codes (unknown_tool,
 * not_allowed, bad_json, invalid_arguments), an execution error (failed), and the MCP side's
 * refusals before anything runs.
 */
export type McpToolErrorCode =
  | "unknown_tool"
  | "not_allowed"
  | "bad_json"
  | "invalid_arguments"
  | "failed"
  | "forbidden"
  | "paused"
  | "rate_limited"
  | "budget_exhausted"
  | "interrupted";

/** A tool's answer: the text the built-in agents' model would get, plus a machine-readable verdict. */
export function toolResult(ok: boolean, text: string, extra: { code?: McpToolErrorCode; data?: unknown } = {}): CallToolResult {
  const structured: Record<string, unknown> = { ok };
  if (extra.code) structured.code = extra.code;
  if (extra.data !== undefined) structured.data = extra.data;
  return ok ? { content: [{ type: "text", text }], structuredContent: structured } : { content: [{ type: "text", text }], structuredContent: structured, isError: true };
}
