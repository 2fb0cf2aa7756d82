import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client, type Room } from "@colyseus/sdk";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKSPACE_ROOM } from "../shared/constants";
import type { WorkspaceState } from "../shared/state";
import { enterAs, launchBrowser, visit, type Visitor } from "./browser";
import { startFakeOpenAI, textReply, toolCallReply, type FakeOpenAI } from "./fake-openai";
import { ROOT, startServer, type RunningServer } from "./server";

/**
 * Security, end to end, on the built client and the real server with a fake LLM upstream:
 *
 * 1. Inert text: script and HTML payloads go in through every path a person or an agent has —
 *    a display name, a rename, talk, a task title and description, an agent's speech, an
 *    artifact's title and markdown — and are shown in the DOM HUD (feed, task detail, artifact
 *    reader, notices) and in-world text. No script runs, no element is injected, the payload is
 *    shown as text.
 * 2. The API key never reaches a client: not in a bundle built with the key in its environment,
 *    not in dist/, not in the room state, not in any WebSocket frame a browser or an SDK client
 *    receives, not in the REST answers.
 */

const KEY = "sk-e2e-security-9f8e7d6c5b4a3210ZYXW";
const MARK = "__xssFired";
/** Every payload bumps window.__xssFired (or opens a dialog) if it ever runs. */
const PAYLOADS = [
  `<img src=x onerror="window.${MARK}=(window.${MARK}||0)+1">`,
  `<script>window.${MARK}=(window.${MARK}||0)+1</script>`,
  `<svg onload="window.${MARK}=(window.${MARK}||0)+1"></svg>`,
  `"><iframe srcdoc="<script>parent.${MARK}=1</script>"></iframe>`,
  `<a href="javascript:window.${MARK}=1">click</a>`,
  `{{constructor.constructor('window.${MARK}=1')()}}`,
];
const ALL = PAYLOADS.join(" ");
const MARKDOWN = [
  "# Report <img src=x onerror=\"window.__xssFired=1\">",
  "",
  "Plain <script>window.__xssFired=1</script> text and [a link](javascript:window.__xssFired=1) and [ok](https://example.com).",
  "",
  "<iframe src=\"javascript:window.__xssFired=1\"></iframe>",
  "",
  "- item <b onmouseover=\"window.__xssFired=1\">bold?</b>",
  "",
  "```html",
  "<script>window.__xssFired=1</script>",
  "```",
].join("\n");

let fake: FakeOpenAI;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  // Whoever the agent is asked, it speaks a payload, then publishes an artifact full of them.
  fake.setDefault((req) => {
    const turn = (req.body?.messages ?? []).filter((m) => m.role === "tool").length;
    if (turn === 0) {
      return toolCallReply([{ id: "call-art", name: "write_artifact", arguments: JSON.stringify({ title: `Art ${PAYLOADS[0]}`, kind: "markdown", markdown: MARKDOWN }) }], { content: `Said: ${PAYLOADS[1]} ${PAYLOADS[2]}` });
    }
    return textReply(`Done ${PAYLOADS[3]}`);
  });
  server = await startServer({ OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: KEY, ATRIUM_AUTH: "open" });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await fake?.close();
});

/** Everything a page received over WebSockets, as text (binary frames read as latin1). */
function recordFrames(v: Visitor): string[] {
  const frames: string[] = [];
  v.page.on("websocket", (ws) => {
    ws.on("framereceived", (f) => frames.push(typeof f.payload === "string" ? f.payload : Buffer.from(f.payload).toString("latin1")));
  });
  return frames;
}

describe("security end to end", () => {
  let page: Visitor;
  let frames: string[];
  let sdk: Room<unknown, WorkspaceState>;
  const sdkReceived: string[] = [];

  it("shows script and HTML payloads from every path as text: nothing runs, nothing is injected", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    await context.addInitScript((mark) => {
      (window as unknown as Record<string, number>)[mark] = 0;
    }, MARK);
    const p = await context.newPage();
    page = { context, page: p, errors: [] };
    frames = recordFrames(page);
    let dialogs = 0;
    p.on("dialog", (d) => {
      dialogs++;
      void d.dismiss();
    });
    await p.goto(server.url);
    // The name prompt accepts only 32 characters: the shortest payload goes in as a name.
    await enterAs(p, `<svg onload=alert(1)>`.slice(0, 32));

    // A second person (SDK) sends payloads through every room message that carries text.
    const client = new Client(`ws://127.0.0.1:${server.port}`);
    sdk = await client.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { name: "<b>Mallory</b>", workspace: "main" });
    sdk.onMessage("*", (type, payload) => sdkReceived.push(`${String(type)} ${JSON.stringify(payload)}`));
    await expect.poll(() => sdk.state.agents?.size ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    sdk.send("rename", { name: `<img src=x onerror=alert(1)>`.slice(0, 32) });
    const district = (await p.evaluate(() => window.__atrium.store.getState().world?.districts[0]?.id)) ?? "plaza";
    sdk.send("task-create", { title: `T ${PAYLOADS[0]}`.slice(0, 120), description: ALL, district });
    const agentId = [...sdk.state.agents.keys()][0]!;
    sdk.send("talk", { agentId, text: `hello ${ALL}` });

    // Wait for the task, the agent's speech and its artifact to reach the page.
    const taskId = await expect
      .poll(() => p.evaluate(() => Object.values(window.__atrium.store.getState().tasks).find((t) => t.title.startsWith("T <img"))?.id ?? null), { timeout: 30_000 })
      .not.toBeNull()
      .then(() => p.evaluate(() => Object.values(window.__atrium.store.getState().tasks).find((t) => t.title.startsWith("T <img"))!.id));
    const artifactId = await expect
      .poll(() => p.evaluate(() => Object.values(window.__atrium.store.getState().artifacts).find((a) => a.title.startsWith("Art "))?.id ?? null), { timeout: 30_000 })
      .not.toBeNull()
      .then(() => p.evaluate(() => Object.values(window.__atrium.store.getState().artifacts).find((a) => a.title.startsWith("Art "))!.id));

    // Open the DOM views that show people's and agents' text: task detail, artifact reader.
    await p.evaluate((id) => window.__atrium.store.setState({ selectedTask: id }), taskId);
    await p.waitForFunction(() => document.body.innerText.includes("T <img src=x"), undefined, { timeout: 15_000 });
    await p.evaluate((id) => window.__atrium.store.setState({ selectedTask: null, openArtifact: id }), artifactId);
    await p.waitForSelector("[data-testid=artifact-reader] .markdown", { timeout: 15_000 });
    await p.waitForTimeout(1500); // let every panel, bubble and label draw

    const report = await p.evaluate((mark) => {
      const injected = document.querySelectorAll("iframe, object, embed, svg[onload], img[onerror], [onerror], [onload], [onmouseover], a[href^='javascript:' i]").length;
      const scripts = [...document.querySelectorAll("script")].filter((s) => !s.src).length;
      const reader = document.querySelector("[data-testid=artifact-reader]")?.textContent ?? "";
      return { fired: (window as unknown as Record<string, number>)[mark] ?? 0, injected, scripts, reader, body: document.body.innerText };
    }, MARK);
    console.log(
      `XSS: ${PAYLOADS.length} payloads + a hostile markdown document through name, rename, talk, task title/description, agent speech and artifact: ` +
        `${report.fired} ran, ${dialogs} dialogs, ${report.injected} injected elements, ${report.scripts} inline scripts`,
    );
    expect(report.fired).toBe(0);
    expect(dialogs).toBe(0);
    expect(report.injected).toBe(0);
    expect(report.scripts).toBe(0);
    // Shown, as text: the markdown's tags are literal text, its javascript: link is not a link.
    expect(report.reader).toContain("<script>window.__xssFired=1</script>");
    expect(report.reader).toContain("<img src=x onerror=");
    expect(await p.locator("[data-testid=artifact-reader] a[href='https://example.com']").count()).toBe(1);
    expect(await p.locator("[data-testid=artifact-reader] .markdown a").count()).toBe(1);
    expect(page.errors.filter((e) => /xss|__xssFired/i.test(e))).toEqual([]);
  });

  it("never sends the API key to a client: not in frames, state, REST answers, dist/ or a bundle built with the key in its environment", async () => {
    // The page and the SDK client above saw a full LLM round trip (speech, tool call, artifact).
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`); // the server did use it
    const stateJson = JSON.stringify(sdk.state.toJSON());
    const rest: string[] = [];
    for (const p of ["/api/export?workspace=main", "/api/audit?workspace=main&limit=1000", "/api/replay?workspace=main", "/api/tasks?workspace=main", "/metrics"]) {
      rest.push(await fetch(`${server.url}${p}`).then((r) => r.text()));
    }
    const calls = JSON.parse(rest[0]!) as { llmCalls?: Array<{ id: number }> };
    for (const c of (calls.llmCalls ?? []).slice(0, 5)) rest.push(await fetch(`${server.url}/api/llm-calls/${c.id}`).then((r) => r.text()));

    const distFiles = listFiles(path.join(ROOT, "dist"));
    const built = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-keybuild-"));
    execFileSync(process.execPath, [path.join(ROOT, "node_modules/vite/bin/vite.js"), "build", "--outDir", built, "--emptyOutDir", "--logLevel", "error"], {
      cwd: ROOT,
      env: { ...process.env, OPENAI_API_KEY: KEY, VITE_OPENAI_API_KEY: "", ATRIUM_SECRET: "" },
      stdio: "pipe",
    });
    const builtFiles = listFiles(built);
    const leaks = {
      frames: frames.filter((f) => f.includes(KEY)).length,
      sdkMessages: sdkReceived.filter((m) => m.includes(KEY)).length,
      state: stateJson.includes(KEY) ? 1 : 0,
      rest: rest.filter((r) => r.includes(KEY)).length,
      dist: distFiles.filter((f) => fs.readFileSync(f).includes(KEY)).length,
      keyBuild: builtFiles.filter((f) => fs.readFileSync(f).includes(KEY)).length,
    };
    fs.rmSync(built, { recursive: true, force: true });
    console.log(
      `API key: searched ${frames.length} WebSocket frames, ${sdkReceived.length} SDK messages, the room state, ${rest.length} REST answers, ` +
        `${distFiles.length} files in dist/ and ${builtFiles.length} files of a bundle built with the key in its environment: ${JSON.stringify(leaks)}`,
    );
    expect(frames.length).toBeGreaterThan(10);
    // The frames searched are the real traffic: the hostile task title arrived in them.
    expect(frames.some((f) => f.includes("T <img src=x"))).toBe(true);
    expect(distFiles.length).toBeGreaterThan(0);
    expect(builtFiles.length).toBeGreaterThan(0);
    expect(leaks).toEqual({ frames: 0, sdkMessages: 0, state: 0, rest: 0, dist: 0, keyBuild: 0 });
    await Promise.race([sdk.leave(true), new Promise((r) => setTimeout(r, 3000))]);
    await Promise.race([page.context.close(), new Promise((r) => setTimeout(r, 3000))]);
  }, 240_000);
});

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
}
