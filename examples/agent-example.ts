/**
 * A small outside agent for Atrium, over MCP: a separate process with the MCP client SDK, the
 * loop docs/MCP.md describes. It badges in with an agent token, takes a task from the board (or
 * its mailbox), works on it, writes an artifact, hands it off to a built-in agent, and waits for
 * the next one. A task that comes back to it for review, it closes. It thinks with templates, not a model: put your own model or framework where
 * `work()` writes the document.
 *
 *   ATRIUM_AGENT_TOKEN=atrium-agent.… npm run agent:example                 # loop until Ctrl-C
 *   ATRIUM_AGENT_TOKEN=atrium-agent.… npm run agent:example -- --once       # one task, then leave
 *
 * Options (or environment): --url (ATRIUM_URL, default http://localhost:3000), --token
 * (ATRIUM_AGENT_TOKEN), --once, --hand-to <agent id> (ATRIUM_HAND_TO; default the first built-in
 * agent of the workspace), --wait <s> (with --once: how long to wait for a task, default 120).
 */
import { parseArgs } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

interface Me {
  agentId: string;
  name: string;
  title: string;
  workspace: string;
  home: string;
}
interface WorldAgent {
  id: string;
  name: string;
  brain: string;
}
interface BoardTask {
  id: string;
  title: string;
  description: string;
  status: string;
  assignee: { kind: string; id: string } | null;
}
interface Mail {
  kind: "message" | "task";
  from: { id: string; name: string; kind: string };
  text?: string;
  taskId?: string;
  note?: string;
  task?: { title: string; status: string } | null;
}

const { values } = parseArgs({
  options: {
    url: { type: "string", default: process.env.ATRIUM_URL ?? "http://localhost:3000" },
    token: { type: "string", default: process.env.ATRIUM_AGENT_TOKEN ?? "" },
    once: { type: "boolean", default: false },
    "hand-to": { type: "string", default: process.env.ATRIUM_HAND_TO ?? "" },
    wait: { type: "string", default: "120" },
  },
});

const log = (line: string) => process.stdout.write(`[agent] ${line}\n`);

async function main(): Promise<void> {
  if (!values.token) {
    process.stderr.write("No agent token: set ATRIUM_AGENT_TOKEN (the owner issues one in the owner panel, or POST /api/agent-tokens).\n");
    process.exit(2);
  }
  const transport = new StreamableHTTPClientTransport(new URL("/mcp", values.url), {
    requestInit: { headers: { authorization: `Bearer ${values.token}` } },
  });
  const client = new Client({ name: "atrium-example-agent", version: "1.0.0" });
  await client.connect(transport);

  let leaving = false;
  const leave = async (code: number) => {
    if (leaving) return;
    leaving = true;
    // Ending the session lets the avatar show offline at once (else after the idle timeout).
    await transport.terminateSession().catch(() => undefined);
    await client.close().catch(() => undefined);
    process.exit(code);
  };
  process.on("SIGINT", () => void leave(0));
  process.on("SIGTERM", () => void leave(0));

  /** Calls a tool; a tool error ("error: …", nothing changed) stops the example with its reason. */
  const tool = async (name: string, args: Record<string, unknown> = {}): Promise<CallToolResult & { text: string; data?: unknown }> => {
    const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
    const text = r.content.map((c) => (c.type === "text" ? c.text : "")).join("");
    if (r.isError) throw new Error(`${name} failed: ${text}`);
    return { ...r, text, data: (r.structuredContent as { data?: unknown } | undefined)?.data };
  };
  const read = async <T>(uri: string): Promise<T> => {
    const r = await client.readResource({ uri });
    const first = r.contents[0];
    return JSON.parse(first && "text" in first ? first.text : "null") as T;
  };

  const me = await read<Me>("atrium://me");
  log(`badged in as ${me.name} (${me.agentId}) in workspace ${me.workspace}`);
  await tool("say", { text: `Hello, I'm ${me.name}, an outside agent connected over MCP. Hand me a task!` });

  /** The next task for me: from the mailbox first, else one assigned to me on the board. */
  const nextTask = async (waitS: number): Promise<{ task: BoardTask; from: Mail["from"] | null } | null> => {
    const mail = ((await tool(waitS > 0 ? "wait_for_mail" : "read_mailbox", waitS > 0 ? { timeout_s: waitS } : {})).data as { mail: Mail[] }).mail;
    for (const m of mail) {
      if (m.kind === "message") {
        log(`message from ${m.from.name}: ${m.text}`);
        await tool("say", { text: `Thanks ${m.from.name}, I got your message: "${(m.text ?? "").slice(0, 80)}".` });
      }
    }
    const board = await read<{ tasks: BoardTask[] }>("atrium://board");
    const mine = board.tasks.filter((t) => t.assignee?.kind === "agent" && t.assignee.id === me.agentId && t.status !== "done" && t.status !== "blocked");
    const fromMail = mail.find((m) => m.kind === "task" && mine.some((t) => t.id === m.taskId));
    const task = mine.find((t) => t.id === fromMail?.taskId) ?? mine[0];
    return task ? { task, from: fromMail?.from ?? null } : null;
  };

  const handTarget = async (from: Mail["from"] | null): Promise<WorldAgent> => {
    const world = await read<{ agents: WorldAgent[] }>("atrium://world");
    const builtIn = world.agents.filter((a) => a.brain !== "external" && a.id !== me.agentId);
    const wanted = values["hand-to"] || (from?.kind === "agent" ? from.id : "");
    const target = builtIn.find((a) => a.id === wanted) ?? builtIn[0];
    if (!target) throw new Error("there is no built-in agent to hand the task to");
    return target;
  };

  const work = async (task: BoardTask, from: Mail["from"] | null) => {
    if (task.status === "review") {
      // Back from another agent for review: look it over and close it.
      log(`reviewing task ${task.id} "${task.title}"`);
      await tool("update_task", { task_id: task.id, status: "done", notes: `${me.name} reviewed the work and closed the task.` });
      await tool("say", { text: `"${task.title}" is done. Thanks${from ? `, ${from.name}` : ""}!` });
      log(`closed task ${task.id}`);
      return;
    }
    log(`took task ${task.id} "${task.title}"`);
    await tool("update_task", { task_id: task.id, status: "doing", notes: `${me.name} picked this up over MCP.` });
    await tool("set_status", { state: "working", reason: task.title.slice(0, 80) });
    const detail = await read<{ events: Array<{ kind: string; actor: string }> }>(`atrium://tasks/${task.id}`);
    const markdown = [
      `# ${task.title}`,
      "",
      `*Notes by ${me.name} (${me.title}), an outside agent connected over MCP.*`,
      "",
      "## Brief",
      "",
      task.description.trim() || "_No description was given._",
      "",
      "## What I did",
      "",
      `- Read the task and its history (${detail.events.length} events).`,
      "- Wrote these notes for the next agent.",
    ].join("\n");
    const artifact = await tool("write_artifact", { task_id: task.id, title: `${me.title}: ${task.title}`.slice(0, 120), kind: "markdown", markdown });
    log(artifact.text);
    await tool("update_task", { task_id: task.id, status: "review", notes: `${me.name} finished a first pass.` });
    const target = await handTarget(from);
    const handed = await tool("hand_off", { task_id: task.id, to_agent: target.id, note: `Over to you, ${target.name}: my notes are on the artifact wall.` });
    log(handed.text);
    await tool("set_status", { state: "idle", reason: "" });
  };

  if (values.once) {
    const deadline = Date.now() + Number(values.wait) * 1000;
    let next = await nextTask(0);
    while (!next && Date.now() < deadline) next = await nextTask(Math.min(25, Math.max(1, Math.ceil((deadline - Date.now()) / 1000))));
    if (!next) {
      log("no task came; leaving");
      return leave(1);
    }
    await work(next.task, next.from);
    log("done; leaving");
    return leave(0);
  }
  log("waiting for tasks (Ctrl-C to leave)");
  for (;;) {
    const next = await nextTask(25);
    if (next) await work(next.task, next.from);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[agent] ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
