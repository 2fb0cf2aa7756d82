import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enterAs, launchBrowser, screenshot, visit, waitUntil, type Visitor } from "./browser";
import { startServer, type RunningServer } from "./server";

let server: RunningServer;
let browser: Browser;
let ada: Visitor;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  ada = await visit(browser, server.url);
  await enterAs(ada.page, "Ada");
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const agentsDrawn = () => ada.page.evaluate(() => [...window.__atrium.renderedAgentPoses.keys()].sort());

describe("agents in the browser (offline planner, zero configuration)", () => {
  it("draws every agent of the roster, labelled as the offline planner", async () => {
    const drawn = await waitUntil("five agents drawn", async () => {
      const ids = await agentsDrawn();
      return ids.length === 5 ? ids : null;
    });
    expect(drawn).toEqual(["bram", "cleo", "iris", "mira", "otto"]);
    const brains = await ada.page.evaluate(() => Object.values(window.__atrium.store.getState().agents).map((a) => a.brain));
    expect(new Set(brains)).toEqual(new Set(["offline"]));
  });

  it("talks to an agent from the T picker and shows its reply streaming in", async () => {
    const page = ada.page;
    await page.keyboard.press("KeyT");
    await page.waitForSelector("[data-testid=agent-picker]");
    const cleoButton = page.locator("[data-testid=agent-picker] button", { hasText: "Cleo" });
    await cleoButton.click();
    await page.waitForSelector("[data-testid=talk-panel]");
    await page.fill("input[name=talk]", "Can you plan the launch party?");
    await page.keyboard.press("Enter");
    const reply = await waitUntil("Cleo's reply in the talk panel", async () => {
      const text = await page.textContent("[data-testid=talk-speech]").catch(() => null);
      return text && text.includes("Hi Ada") && text.includes("offline plan") ? text : null;
    });
    expect(reply).toContain("Can you plan the launch party?");
    await screenshot(page, "agents-talk.png");
    await page.keyboard.press("Escape");
    await page.waitForSelector("[data-testid=talk-panel]", { state: "detached" });
  });

  it("asks Ada to approve, and her click finishes the task", async () => {
    const page = ada.page;
    // The starter task (or the launch party) reaches an agent that asks for approval.
    const card = await waitUntil(
      "an approval question in the HUD",
      () => page.waitForSelector("[data-testid=questions] [role=alertdialog]", { timeout: 1000 }).catch(() => null),
      90_000,
    );
    const question = (await card.textContent()) ?? "";
    expect(question).toMatch(/Approve "/);
    await screenshot(page, "agents-question.png");
    const asker = await page.evaluate(() => Object.values(window.__atrium.store.getState().questions)[0]!.agentId);
    await card.$("button:has-text('Approve')").then((b) => b!.click());
    await waitUntil("the question to go away", async () => (await page.$("[data-testid=questions] [role=alertdialog]")) === null || null);
    await waitUntil("the asker to thank Ada", () =>
      page.evaluate((id) => {
        const s = window.__atrium.store.getState().speech[id];
        return !!s && s.text.includes("is done");
      }, asker),
    );
  });

  it("saw no page errors", () => {
    expect(ada.errors).toEqual([]);
  });
});
