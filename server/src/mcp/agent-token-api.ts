import express, { type Application, type Request, type Response } from "express";
import { z } from "zod";
import { AGENT_SHAPES, TOOL_NAMES, type Roster } from "../../../shared/agents";
import {
  AGENT_TOKEN_DEFAULT_BUDGET_CALLS,
  AGENT_TOKEN_MAX_BUDGET_CALLS,
  AGENT_TOKEN_ROLES,
  AGENT_TOKEN_TTL_DEFAULT_S,
  AGENT_TOKEN_TTL_MAX_S,
  type CreatedAgentToken,
} from "../../../shared/agent-tokens";
import { DEFAULT_WORKSPACE } from "../../../shared/constants";
import { workspaceIdSchema } from "../../../shared/protocol/schemas";
import type { World } from "../../../shared/world";
import type { Identity } from "../auth/auth";
import { API_BODY_LIMIT_BYTES } from "../auth/http-auth";
import { isLive, type AgentToken } from "./agent-tokens";
import type { ExternalAgents } from "./external-agents";
import { MCP_PATH } from "./mcp-http";
import type { AgentTokenRelay } from "./token-relay";
import { colourFor } from "../rooms/people";

/**
 * The owner's agent tokens (owner only: server/src/auth/policy.ts REST_POLICY):
 *   GET    /api/agent-tokens?workspace=      tokens, newest first, with whether each agent is connected
 *   POST   /api/agent-tokens                  issue one; the token is in this answer only
 *   DELETE /api/agent-tokens/:id              revoke: the agent's session ends, its avatar leaves
 *   POST   /api/agent-tokens/:id/pause        stop what it does; its tool calls are refused until…
 *   POST   /api/agent-tokens/:id/resume       …it is resumed
 *   PUT    /api/agent-tokens/:id/budget       set its budget of tool calls
 */

const slug = /^[a-z][a-z0-9-]*$/;
const DEFAULT_SHAPE = "octahedron";
const EXTERNAL_COLOURS = ["#22d3ee", "#f472b6", "#a3e635", "#fb923c", "#818cf8", "#facc15"];

const noControl = (s: string) => !/[\u0000-\u001f\u007f]/.test(s);

export const createAgentTokenBody = z.strictObject({
  workspace: workspaceIdSchema.default(DEFAULT_WORKSPACE),
  agentId: z.string().max(32, "at most 32 characters").regex(slug, "must be lower-case letters, digits and dashes, starting with a letter"),
  name: z.string().trim().min(1, "must not be empty").max(32, "at most 32 characters").refine(noControl, "must not contain control characters"),
  title: z.string().trim().min(1).max(60, "at most 60 characters").refine(noControl, "must not contain control characters").default("Outside agent"),
  role: z.enum(AGENT_TOKEN_ROLES, { message: "must be member or spectator" }).default("member"),
  tools: z
    .array(z.enum(TOOL_NAMES, { message: `must be one of ${TOOL_NAMES.join(", ")}` }))
    .min(1, "must allow at least one tool")
    .refine((t) => new Set(t).size === t.length, "must not name a tool twice")
    .default([...TOOL_NAMES]),
  home: z.string().max(64).regex(slug, "must be a district id").optional(),
  colour: z.string().regex(/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, "must be a hex colour like #4f8cff").optional(),
  shape: z.enum(AGENT_SHAPES, { message: `must be one of ${AGENT_SHAPES.join(", ")}` }).default(DEFAULT_SHAPE),
  budgetCalls: z.number().int("must be a whole number").min(1, "must be at least 1").max(AGENT_TOKEN_MAX_BUDGET_CALLS, `must be at most ${AGENT_TOKEN_MAX_BUDGET_CALLS}`).default(AGENT_TOKEN_DEFAULT_BUDGET_CALLS),
  ttlS: z.number().int("must be a whole number of seconds").min(60, "must be at least 60 seconds").max(AGENT_TOKEN_TTL_MAX_S, `must be at most ${AGENT_TOKEN_TTL_MAX_S} seconds`).default(AGENT_TOKEN_TTL_DEFAULT_S),
});

const budgetBody = z.strictObject({
  budgetCalls: z.number().int("must be a whole number").min(1, "must be at least 1").max(AGENT_TOKEN_MAX_BUDGET_CALLS, `must be at most ${AGENT_TOKEN_MAX_BUDGET_CALLS}`),
});

const listQuery = z.strictObject({ workspace: workspaceIdSchema.optional() });

function issues(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
}

export interface AgentTokenApiDeps {
  hub: ExternalAgents;
  /** Acts on the live room wherever it is hosted (./token-relay.ts). */
  relay: AgentTokenRelay;
  world: World;
  roster: Roster;
}

export function mountAgentTokenApi(app: Application, deps: AgentTokenApiDeps): void {
  const { hub, relay, world, roster } = deps;
  const by = (res: Response) => (res.locals.identity as Identity | undefined)?.inviteId ?? "owner";

  /** The token named by :id, or null after answering 400/404. */
  const tokenParam = async (req: Request, res: Response): Promise<AgentToken | null> => {
    const id = String(req.params.id);
    if (!/^[0-9a-f-]{36}$/.test(id)) {
      res.status(400).json({ error: "bad agent token id: must be a UUID" });
      return null;
    }
    const t = await hub.tokens.get(id);
    if (!t) res.status(404).json({ error: `there is no agent token "${id}"` });
    return t;
  };

  app.get("/api/agent-tokens", async (req, res) => {
    const query: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(req.query)) query[k] = v;
    const parsed = listQuery.safeParse(query);
    if (!parsed.success) {
      res.status(400).json({ error: `bad query: ${parsed.error.issues.map((i) => (i.code === "unrecognized_keys" ? `unknown query parameter ${i.keys.map((k) => `"${k}"`).join(", ")}` : `${i.path.join(".")}: ${i.message}`)).join("; ")}` });
      return;
    }
    res.setHeader("Cache-Control", "no-store");
    // `tools`: every tool a token may allow, for the owner panel's form.
    res.json({ agentTokens: await relay.infos(await hub.tokens.list(parsed.data.workspace)), tools: TOOL_NAMES });
  });

  app.post("/api/agent-tokens", express.json({ limit: API_BODY_LIMIT_BYTES }), async (req, res) => {
    const parsed = createAgentTokenBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ error: `bad agent token: ${issues(parsed.error)}` });
      return;
    }
    const b = parsed.data;
    const home = b.home ?? world.districts[0]!.id;
    if (!world.districts.some((d) => d.id === home)) {
      res.status(400).json({ error: `bad agent token: home: there is no district "${home}"; districts: ${world.districts.map((d) => d.id).join(", ")}` });
      return;
    }
    if (roster.agents.some((a) => a.id === b.agentId)) {
      res.status(409).json({ error: `the agent id "${b.agentId}" belongs to a built-in agent; pick another` });
      return;
    }
    if (roster.agents.some((a) => a.name.toLowerCase() === b.name.toLowerCase())) {
      res.status(409).json({ error: `the name "${b.name}" belongs to a built-in agent; people address agents by name, so pick another` });
      return;
    }
    const live = (await hub.tokens.list(b.workspace)).filter((t) => isLive(t));
    const same = live.find((t) => t.agentId === b.agentId || t.name.toLowerCase() === b.name.toLowerCase());
    if (same) {
      res.status(409).json({ error: `${same.name} (${same.agentId}) already has a live token in workspace ${b.workspace}; revoke it first` });
      return;
    }
    const { agentToken, token } = await hub.tokens.issue({ ...b, home, colour: b.colour ?? colourFor(b.agentId, EXTERNAL_COLOURS), createdBy: by(res) });
    // Its agent appears in the live room at once, on whichever process hosts it.
    const done = await relay.act("issued", agentToken, by(res));
    const body: CreatedAgentToken = { agentToken: done.info ?? hub.info(agentToken), token, mcpUrl: `${req.protocol}://${req.get("host") ?? "localhost"}${MCP_PATH}` };
    res.status(201).json(body);
  });

  app.delete("/api/agent-tokens/:id", async (req, res) => {
    const t = await tokenParam(req, res);
    if (!t) return;
    const revoked = (await hub.tokens.revoke(t.id, by(res)))!;
    const done = await relay.act("revoked", revoked, by(res));
    res.json({ agentToken: done.info ?? hub.info(revoked) });
  });

  for (const action of ["pause", "resume"] as const) {
    app.post(`/api/agent-tokens/:id/${action}`, async (req, res) => {
      const t = await tokenParam(req, res);
      if (!t) return;
      const done = await relay.act(action, t, by(res));
      if (done.refusal) {
        res.status(409).json({ error: done.refusal });
        return;
      }
      res.json({ agentToken: done.info ?? hub.info(t) });
    });
  }

  app.put("/api/agent-tokens/:id/budget", express.json({ limit: API_BODY_LIMIT_BYTES }), async (req, res) => {
    const t = await tokenParam(req, res);
    if (!t) return;
    const parsed = budgetBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ error: `bad budget: ${issues(parsed.error)}` });
      return;
    }
    const now = (await hub.tokens.setBudget(t.id, parsed.data.budgetCalls, by(res)))!;
    // An agent stopped by its budget works again once the new budget allows (./token-relay.ts).
    const done = await relay.act("budget", now, by(res));
    res.json({ agentToken: done.info ?? hub.info(now) });
  });
}
