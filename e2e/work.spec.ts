import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { openStore } from "../server/src/store/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enterAs, launchBrowser, screenshot, visit, waitUntil, type Visitor } from "./browser";
import { startServer, type RunningServer } from "./server";

/**
 * The work in space, end to end in Chromium against the real server and the offline planner:
 * a person creates a task in the browser for an agent; the agents take it through a hand-off
 * (an arc is drawn), an artifact (on the wall) and the person's approval, clicked in the
 * browser, to done. Screenshots of a task board and an artifact wall land in test-results/.
 */

let server: RunningServer;
let browser: Browser;
let ada: Visitor;
let taskId = "";
const TITLE = "Compare three launch venues";
const DISTRICT = "research-lab";

beforeAll(async () => {
  server = await startServer({});
  browser = await launchBrowser();
  ada = await visit(browser, server.url);
  await enterAs(ada.page, "Ada");
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

type TaskView = { id: string; title: string; status: string; district: string; assignee: string; assigneeKind: string; artifacts: number };

function ourTask(page: Page): Promise<TaskView | null> {
  return page.evaluate((title) => {
    const t = Object.values(window.__atrium.store.getState().tasks).find((x) => x.title === title);
    return t ? { id: t.id, title: t.title, status: t.status, district: t.district, assignee: t.assignee, assigneeKind: t.assigneeKind, artifacts: t.artifacts } : null;
  }, TITLE);
}

/** Clicks a world point (a card or a panel centre) where it shows on the page; true when it is on screen. */
async function clickWorld(page: Page, which: "card" | "panel", id: string): Promise<boolean> {
  const at = await page.evaluate(
    ([w, key]) => {
      const h = window.__atrium;
      const c = (w === "card" ? h.cardCentres : h.panelCentres).get(key!);
      return c ? h.project(c.x, c.y, c.z) : null;
    },
    [which, id] as const,
  );
  if (!at || at.x < 0 || at.y < 0 || at.x > 1280 || at.y > 720) return false;
  await page.mouse.click(at.x, at.y);
  return true;
}

/**
 * Flies to a district's board or wall the way a person does: by clicking a feed item. Then
 * folds the feed and answers any other open question, so the screenshot shows the world.
 */
async function flyByFeed(page: Page, kind: string): Promise<void> {
  const item = page.locator(`[data-testid=activity-feed] .feed-item[data-kind="${kind}"]`, { hasText: TITLE }).first();
  await item.click();
  await waitUntil(`the flight to the ${kind} to arrive`, () => page.evaluate(() => window.__atrium.flight.holding), 30_000);
  await page.click("[data-testid=activity-feed] .feed-head");
  for (const button of await page.locator("[data-testid=questions] button", { hasText: "Approve" }).all()) await button.click().catch(() => undefined);
  await page.waitForTimeout(2000); // the camera glides in; text settles
}

/** Opens the feed again after a screenshot. */
async function unfoldFeed(page: Page): Promise<void> {
  if ((await page.getAttribute("[data-testid=activity-feed] .feed-head", "aria-expanded")) === "false") await page.click("[data-testid=activity-feed] .feed-head");
}

describe("the work in space (offline planner, zero configuration)", () => {
  it("creates a task from the browser, assigned to an agent, and shows its card on the board", async () => {
    const page = ada.page;
    // The scene is up once the boards are laid out (the starter task's card, or the empty boards).
    await waitUntil("the 3D scene to be drawn", () => page.evaluate(() => window.__atrium.renderedPoses.size > 0));
    await page.keyboard.press("KeyN");
    await page.waitForSelector("[data-testid=new-task]");
    await page.keyboard.press("Escape");
    await page.waitForSelector("[data-testid=new-task]", { state: "detached" });
    await page.click("[data-testid=new-task-button]");
    await page.waitForSelector("[data-testid=new-task]");
    await page.fill("[data-testid=new-task] input[name=title]", TITLE);
    await page.fill("[data-testid=new-task] textarea[name=description]", "Short list three venues for the launch party and compare price, capacity and transport.");
    await page.selectOption("[data-testid=new-task] select[name=district]", DISTRICT);
    await page.selectOption("[data-testid=new-task] select[name=assignee]", "agent:iris");
    await page.click("[data-testid=new-task] button[type=submit]");
    await page.waitForSelector("[data-testid=new-task]", { state: "detached" });

    const task = await waitUntil("the new card in the store", () => ourTask(page));
    taskId = task.id;
    expect(task).toMatchObject({ district: DISTRICT, assigneeKind: "agent", assignee: "iris" });
    await waitUntil("the card to be laid out on the board", () => page.evaluate((id) => window.__atrium.cardCentres.has(id), taskId));
  });

  it("hands the task on with an arc, writes an artifact, and lists both in the feed", async () => {
    const page = ada.page;
    const handOff = await waitUntil(
      "a hand-off of our task in the feed",
      () => page.evaluate((id) => window.__atrium.store.getState().activity.find((i) => i.kind === "hand-off" && i.taskId === id) ?? null, taskId),
      90_000,
    );
    expect(handOff.from).toBeTruthy();
    expect(handOff.to).toBeTruthy();
    // The arc was started for exactly that giver and receiver.
    const arc = await page.evaluate(([from, to]) => window.__atrium.arcs.slots.find((s) => s.from === from && s.to === to && s.startedAt > 0) ?? null, [handOff.from!, handOff.to!] as const);
    expect(arc).not.toBeNull();
    const artifact = await waitUntil(
      "an artifact of our task on a wall",
      () => page.evaluate((id) => Object.values(window.__atrium.store.getState().artifacts).find((a) => a.taskId === id) ?? null, taskId),
      60_000,
    );
    expect(artifact.kind).toBe("markdown");
    const feed = await page.locator("[data-testid=activity-feed] .feed-item").allTextContents();
    expect(feed.some((t) => t.includes(TITLE))).toBe(true);
  });

  it("asks Ada to approve; her click in the HUD, with a comment, takes the task to done", async () => {
    const page = ada.page;
    // Agents work one event at a time: one still waiting on another question (the starter task's)
    // cannot get to ours, so Ada answers whatever else is asked of her meanwhile.
    const requestId = await waitUntil(
      "an approval question about our task",
      async () => {
        const open = await page.evaluate(() => Object.values(window.__atrium.store.getState().questions).map((q) => ({ requestId: q.requestId, taskId: q.taskId })));
        const ours = open.find((q) => q.taskId === taskId);
        if (ours) return ours.requestId;
        const other = page.locator("[data-testid=questions] [role=alertdialog]").filter({ hasNotText: TITLE }).locator("button", { hasText: "Approve" }).first();
        if (open.length > 0) await other.click({ timeout: 2000 }).catch(() => undefined);
        return null;
      },
      200_000,
    );
    const asker = await page.evaluate((rid) => window.__atrium.store.getState().questions[rid]!.agentId, requestId);
    // The asker carries the "waiting for you" state (the marker over it and the in-world panel).
    expect(await page.evaluate((id) => window.__atrium.store.getState().agents[id]?.state, asker)).toBe("waiting-for-human");
    const card = page.locator("[data-testid=questions] [role=alertdialog]", { hasText: TITLE });
    await card.locator("input[name=comment]").fill("Looks good, go with the riverside venue.");
    await card.locator("button", { hasText: "Approve" }).click();
    await waitUntil("the question to close", () => page.evaluate((rid) => !(rid in window.__atrium.store.getState().questions), requestId));
    const done = await waitUntil("our task to be done", async () => ((await ourTask(page))?.status === "done" ? true : null), 30_000);
    expect(done).toBe(true);
  }, 240_000);

  it("shows the board legibly, and a click on the card opens its detail with the whole history", async () => {
    const page = ada.page;
    await flyByFeed(page, "task-created");
    await screenshot(page, "work-board.png");
    expect(await clickWorld(page, "card", taskId)).toBe(true);
    await page.waitForSelector("[data-testid=task-detail]");
    const status = await page.textContent("[data-testid=task-detail] [data-testid=task-status]");
    expect(status).toBe("done");
    const history = await waitUntil("the history from the API", async () => {
      const items = await page.locator("[data-testid=task-events] li").allTextContents();
      return items.length >= 4 ? items.join("\n") : null;
    });
    expect(history).toMatch(/handed it to/);
    expect(history).toMatch(/wrote a document/);
    expect(history).toMatch(/moved it from .* to done/);
    await screenshot(page, "work-task-detail.png");
    await page.keyboard.press("Escape");
    await page.waitForSelector("[data-testid=task-detail]", { state: "detached" });
    await unfoldFeed(page);
  });

  it("shows the artifact wall legibly; a click on a panel opens the reader with a download", async () => {
    const page = ada.page;
    const artifact = await page.evaluate((id) => Object.values(window.__atrium.store.getState().artifacts).find((a) => a.taskId === id)!, taskId);
    await flyByFeed(page, "artifact");
    await waitUntil("the panel laid out", () => page.evaluate((id) => window.__atrium.panelCentres.has(id), artifact.id));
    await page.waitForTimeout(1500); // bodies fetched and typeset
    await screenshot(page, "work-wall.png");
    expect(await clickWorld(page, "panel", artifact.id)).toBe(true);
    await page.waitForSelector("[data-testid=artifact-reader] .markdown h1");
    const heading = await page.textContent("[data-testid=artifact-reader] .markdown h1");
    expect(heading).toContain(TITLE);
    // No raw HTML made it into the reader: it renders blocks as elements.
    expect(await page.locator("[data-testid=artifact-reader] script").count()).toBe(0);
    const href = await page.getAttribute("[data-testid=artifact-download]", "href");
    expect(href).toBe(`/api/artifacts/${encodeURIComponent(artifact.id)}?download=1`);
    const res = await fetch(`${server.url}${href}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename=".+\.md"/);
    expect(await res.text()).toContain(`# ${TITLE}`);
    await screenshot(page, "work-reader.png");
    await page.keyboard.press("Escape");
    await page.waitForSelector("[data-testid=artifact-reader]", { state: "detached" });
  });

  it("saw no page errors", () => {
    expect(ada.errors).toEqual([]);
  });
});

describe("charts on a wall (artifacts written to the store before the server starts)", () => {
  let chartServer: RunningServer;
  let eve: Visitor;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // A real database file, written by the real store, then served by a real server.
    const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "atrium-charts-")), "atrium.db");
    const store = await openStore(db);
    const task = await store.work.createTask({ workspace: "main", title: "Pick a venue", createdBy: "system", district: "ops-center" });
    const write = async (title: string, body: object) => (ids[title] = (await store.work.writeArtifact({ workspace: "main", taskId: task.id, title, createdBy: "otto", kind: "chart", body: body as never })).id);
    await write("Venue cost by quarter", { type: "bar", series: [{ name: "Riverside", points: [{ x: "Q1", y: 12 }, { x: "Q2", y: 18 }, { x: "Q3", y: 9 }, { x: "Q4", y: 22 }] }, { name: "Old Mill", points: [{ x: "Q1", y: 8 }, { x: "Q2", y: 11 }, { x: "Q3", y: 15 }, { x: "Q4", y: 13 }] }] });
    await write("Visitors per week", { type: "line", series: [{ name: "2025", points: Array.from({ length: 12 }, (_, i) => ({ x: i + 1, y: Math.round(40 + 20 * Math.sin(i / 2)) })) }] });
    await write("Price vs capacity", { type: "scatter", series: [{ name: "Venues", points: Array.from({ length: 20 }, (_, i) => ({ x: 50 + i * 20, y: 1000 + ((i * 137) % 900) })) }] });
    ids.table = (await store.work.writeArtifact({ workspace: "main", taskId: task.id, title: "Shortlist", createdBy: "otto", kind: "markdown", body: "# Shortlist\n\n| Venue | Price | Seats |\n|:--|--:|--:|\n| Riverside | 1,200 € | 180 |\n| Old Mill | 950 € | 120 |\n\n```sh\nnpm run book -- --venue riverside\n```\n\n1. Call **Riverside**\n2. Ask about `parking`\n\n> Decide by Friday." })).id;
    await store.close();
    chartServer = await startServer({ ATRIUM_DB: db });
    eve = await visit(browser, chartServer.url);
    await enterAs(eve.page, "Eve");
  });

  afterAll(async () => {
    await eve?.context.close();
    await chartServer?.stop();
  });

  it("draws bars, lines and a scatter in 3D, and the reader shows the chart with a .json download", async () => {
    const page = eve.page;
    await waitUntil("the four artifacts on the wall", () => page.evaluate((want) => want.every((id) => window.__atrium.panelCentres.has(id)), Object.values(ids)));
    const item = page.locator("[data-testid=activity-feed] .feed-item[data-kind=artifact]").first();
    await item.click();
    await waitUntil("the flight to the wall", () => page.evaluate(() => window.__atrium.flight.holding), 30_000);
    await page.click("[data-testid=activity-feed] .feed-head");
    await page.waitForTimeout(2500);
    await screenshot(page, "work-chart-wall.png");
    expect(await clickWorld(page, "panel", ids["Venue cost by quarter"]!)).toBe(true);
    await page.waitForSelector("[data-testid=artifact-reader] svg");
    expect(await page.locator("[data-testid=artifact-reader] svg rect").count()).toBe(8); // 2 series × 4 quarters
    expect(await page.getAttribute("[data-testid=artifact-download]", "href")).toBe(`/api/artifacts/${ids["Venue cost by quarter"]}?download=1`);
    expect(await page.textContent("[data-testid=artifact-download]")).toContain(".json");
    await page.keyboard.press("Escape");
    expect(eve.errors).toEqual([]);
  });
});
