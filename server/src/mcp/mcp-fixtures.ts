import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { CreatedAgentToken } from "../../../shared/agent-tokens";
import { OWNER_LINK_TTL_S } from "../auth/auth";
import { startTestAtrium, type StartTestAtriumOptions, type TestAtrium } from "../testing/harness";

/** Test helpers for the MCP side: a real Atrium, the owner's token, agent tokens, and real MCP clients. */

export interface McpTestAtrium extends TestAtrium {
  ownerToken: string;
  /** Fetches the REST API as the owner. */
  owner(path: string, init?: { method?: string; body?: unknown }): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Issues an agent token through POST /api/agent-tokens; throws unless 201. */
  issue(body: Record<string, unknown>): Promise<CreatedAgentToken>;
}

export async function startMcpAtrium(options: StartTestAtriumOptions): Promise<McpTestAtrium> {
  const t = await startTestAtrium(options);
  const { token: ownerToken } = await t.atrium.auth.issue({ role: "owner", ttlS: OWNER_LINK_TTL_S, createdBy: "test" });
  const owner: McpTestAtrium["owner"] = async (path, init = {}) => {
    const res = await fetch(`${t.url}${path}`, {
      method: init.method ?? "GET",
      headers: { authorization: `Bearer ${ownerToken}`, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return {
    ...t,
    ownerToken,
    owner,
    async issue(body) {
      const r = await owner("/api/agent-tokens", { method: "POST", body });
      if (r.status !== 201) throw new Error(`issue failed ${r.status}: ${JSON.stringify(r.body)}`);
      return r.body as unknown as CreatedAgentToken;
    },
  };
}

/** A real MCP client over streamable HTTP, with the agent token as a bearer. */
export async function connectAgent(url: string, token: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  const client = new Client({ name: "atrium-test-agent", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport };
}

/** Calls a tool; the result with its text. */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult & { text: string }> {
  const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = r.content.map((c) => (c.type === "text" ? c.text : "")).join("");
  return { ...r, text };
}

/** The JSON of a resource. */
export async function readJson<T = Record<string, unknown>>(client: Client, uri: string): Promise<T> {
  const r = await client.readResource({ uri });
  const first = r.contents[0];
  if (!first || !("text" in first)) throw new Error(`no text in ${uri}`);
  return JSON.parse(first.text) as T;
}
