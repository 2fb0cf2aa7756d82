import { spawn } from "node:child_process";
import { Client, type Room } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreatedAgentToken } from "../shared/agent-tokens";
import { WORKSPACE_ROOM } from "../shared/constants";
import type { WorkspaceState } from "../shared/state";
import { ROOT, startServer, type RunningServer } from "./server";

// The runnable example, end to end: the server runs as its own process, as a user starts it; the
// owner issues an agent token over REST; a person puts a task for the agent on a board; then
// `npm run agent:example -- --once` runs as a separate process with the MCP client SDK. It badges
// in, takes the task from the board, writes an artifact and hands off to a built-in agent, who
// picks the task up. When the example leaves, its avatar shows offline and its work stays.

let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

async function until<T>(what: string, check: () => T | null | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("npm run agent:example", () => {
  it("badges in over MCP, takes a task from the board, writes an artifact and hands off", async () => {
    // The owner link the server printed at start.
    const ownerToken = await until("the owner link", () => /[?&]token=([\w-]+\.[\w-]+\.[\w-]+)/.exec(server.output())?.[1]);
    const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
      const res = await fetch(`${server.url}${path}`, {
        method: init.method ?? "GET",
        headers: { authorization: `Bearer ${ownerToken}`, "content-type": "application/json" },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const issued = await api("/api/agent-tokens", { method: "POST", body: { agentId: "scout", name: "Scout", title: "Researcher", home: "research-lab" } });
    expect(issued.status).toBe(201);
    const { token, mcpUrl } = issued.body as unknown as CreatedAgentToken;
    expect(mcpUrl).toBe(`${server.url}/mcp`);

    const client = new Client(`ws://127.0.0.1:${server.port}`);
    const ada: Room<unknown, WorkspaceState> = await client.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace: "main", name: "Ada", token: ownerToken });
    ada.onMessage("*", () => undefined);
    await until("the first state", () => ada.state?.workspace === "main");
    const scout = await until("Scout in the world", () => ada.state.agents.get("scout"));
    expect(scout.brain).toBe("external");
    expect(scout.state).toBe("offline");
    ada.send("task-create", { title: "Compare three note apps", description: "Features, price, sync.", district: "research-lab", assignee: { kind: "agent", id: "scout" } });
    const card = await until("the card on the board", () => [...ada.state.tasks.values()].find((c) => c.title === "Compare three note apps"));
    const taskId = card.id;

    const seen = new Set<string>();
    const watch = setInterval(() => {
      const s = ada.state.agents.get("scout")?.state;
      if (s) seen.add(s);
    }, 20);
    const run = spawn("npm", ["run", "--silent", "agent:example", "--", "--once", "--wait", "60"], {
      cwd: ROOT,
      env: { ...process.env, ATRIUM_URL: server.url, ATRIUM_AGENT_TOKEN: token },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    run.stdout.on("data", (d: Buffer) => (out += d.toString()));
    run.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => run.kill("SIGKILL"), 90_000);
      run.on("exit", (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    clearInterval(watch);
    expect(code, out).toBe(0);
    expect(out).toContain("[agent] badged in as Scout (scout) in workspace main");
    expect(out).toContain(`[agent] took task ${taskId} "Compare three note apps"`);
    const handedTo = /\[agent\] task (T-\w+) handed to (\w+)/.exec(out);
    expect(handedTo?.[1]).toBe(taskId);
    // While it worked, its avatar showed it.
    expect(seen.has("working")).toBe(true);

    // The task's history: taken, worked on, an artifact, handed off, all by the outside agent.
    const detail = (await api(`/api/tasks/${taskId}`)).body as { events: Array<{ actor: string; kind: string; data: Record<string, unknown> }>; artifacts: Array<{ id: string; createdBy: string }> };
    const byScout = detail.events.filter((e) => e.actor === "scout").map((e) => e.kind);
    expect(byScout).toEqual(expect.arrayContaining(["status", "artifact", "handoff"]));
    const handoff = detail.events.find((e) => e.kind === "handoff" && e.actor === "scout")!;
    const receiver = (handoff.data.to as { id: string }).id;
    expect(ada.state.agents.get(receiver)?.brain).toBe("offline"); // a built-in agent
    const artifact = detail.artifacts.find((a) => a.createdBy === "scout")!;
    const body = await (await fetch(`${server.url}/api/artifacts/${artifact.id}`, { headers: { authorization: `Bearer ${ownerToken}` } })).text();
    expect(body).toContain("*Notes by Scout (Researcher), an outside agent connected over MCP.*");

    // It left: offline at once (it ended its session); the work stays; the built-in agent takes the task up.
    await until("Scout offline", () => ada.state.agents.get("scout")?.state === "offline");
    await until(`${receiver} working on the task`, () => ada.state.agents.get(receiver)?.taskId === taskId, 20_000);
    const audited = (await api("/api/audit?workspace=main&limit=500")).body as { audit: Array<{ actor: string; kind: string }> };
    const kinds = audited.audit.filter((a) => a.actor === "scout").map((a) => a.kind);
    expect(kinds).toEqual(expect.arrayContaining(["mcp-connect", "tool", "mcp-disconnect"]));
    await ada.leave(true);
  });
});
