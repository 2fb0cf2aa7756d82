import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, enterAs, launchBrowser, visit } from "./browser";
import { startServer, type RunningServer } from "./server";

// The owner panel in Chromium: the owner issues an agent token, a real MCP client connects with
// it, the panel shows it connected and its avatar is in the world labelled external; the owner
// pauses it (its calls are refused), resumes it, and revokes it (it leaves the world).

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the owner panel", () => {
  it("issues an agent token, shows the agent connected, pauses, resumes and revokes it", async () => {
    const owner = /[?&]token=([\w-]+\.[\w-]+\.[\w-]+)/.exec(server.output())?.[1];
    expect(owner).toBeTruthy();
    const { page, errors } = await visit(browser, `${server.url}/?token=${owner}`);
    await enterAs(page, "Olive");
    await page.click("[data-testid=owner-agents-button]");
    await page.waitForSelector("[data-testid=owner-panel]");
    const form = "[data-testid=owner-new-token]";
    await page.fill(`${form} input[name=agentId]`, "scout");
    await page.fill(`${form} input[name=name]`, "Scout");
    await page.fill(`${form} input[name=title]`, "Researcher");
    await page.click(`${form} button[type=submit]`);
    const token = await (await page.waitForSelector("[data-testid=owner-token-value]")).inputValue();
    expect(token).toMatch(/^atrium-agent\.[0-9a-f-]{36}\.[\w-]{43}$/);
    const status = "[data-testid=agent-status-scout]";
    await page.waitForSelector(status);
    expect(await page.textContent(status)).toMatch(/^not connected · offline · 0\/1000 tool calls · 8 tools/);

    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
    const client = new Client({ name: "panel-test", version: "1.0.0" });
    await client.connect(transport);
    const say = async (text: string) => (await client.callTool({ name: "say", arguments: { text } })) as CallToolResult;
    expect((await say("Hello from outside")).isError).toBeFalsy();
    await page.waitForFunction((sel) => /^connected · idle/.test(document.querySelector(sel)?.textContent ?? ""), status, { timeout: 10_000 });
    const avatar = await page.evaluate(() => window.__atrium.store.getState().agents.scout);
    expect(avatar).toMatchObject({ name: "Scout", role: "Researcher", brain: "external", state: "idle" });

    await page.click("[data-testid=agent-token-scout] button:has-text('Pause')");
    await page.waitForFunction((sel) => /· paused ·/.test(document.querySelector(sel)?.textContent ?? ""), status, { timeout: 10_000 });
    const refused = await say("Still talking?");
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent).toMatchObject({ code: "paused" });
    await page.click("[data-testid=agent-token-scout] button:has-text('Resume')");
    await page.waitForFunction((sel) => /^connected · idle/.test(document.querySelector(sel)?.textContent ?? ""), status, { timeout: 10_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, "owner-panel.png") });

    await page.click("[data-testid=agent-token-scout] button:has-text('Revoke')");
    await page.waitForSelector("[data-testid=agent-token-scout]", { state: "detached", timeout: 10_000 });
    await page.waitForFunction(() => !window.__atrium.store.getState().agents.scout, undefined, { timeout: 10_000 });
    await expect(say("Am I out?")).rejects.toThrow(/revoked by the owner/);
    await client.close();
    expect(errors).toEqual([]);
  });
});
