import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM_ARGS, ensureChromium } from "./chromium";
import { ROOT } from "./server";

/** Screenshots and other artifacts of the browser tests land here. */
export const ARTIFACTS = path.join(ROOT, "test-results");

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS, headless: true });
}

export interface Visitor {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen on the page. */
  errors: string[];
}

/** A new person: a fresh browser context (own localStorage), at the given URL. */
export async function visit(browser: Browser, url: string): Promise<Visitor> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  return { context, page, errors };
}

/** Goes through the name prompt and waits until the campus is drawn and connected. */
export async function enterAs(page: Page, name: string): Promise<string> {
  await page.waitForSelector("[data-testid=name-prompt]", { timeout: 60_000 });
  await page.fill("input[name=name]", name);
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=campus] canvas", { timeout: 60_000 });
  await page.waitForSelector("[data-testid=status-chip][data-status=connected]");
  return selfId(page);
}

export function selfId(page: Page): Promise<string> {
  return page.evaluate(() => window.__atrium.store.getState().selfId ?? "");
}

export interface DrawnPose {
  x: number;
  z: number;
  yaw: number;
  pitch: number;
}

/** Where this page last drew person `id`, or null if it does not draw them. */
export function drawnPose(page: Page, id: string): Promise<DrawnPose | null> {
  return page.evaluate((pid) => {
    const p = window.__atrium.renderedPoses.get(pid);
    return p ? { ...p } : null;
  }, id);
}

/** Polls `check` until it returns a truthy value, or fails with `what`. */
export async function waitUntil<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Luminance variance of the 3D canvas, sampled at 64×36: near zero means a blank frame. */
export function canvasVariance(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>("[data-testid=campus] canvas");
    if (!canvas) return 0;
    const small = document.createElement("canvas");
    small.width = 64;
    small.height = 36;
    const ctx = small.getContext("2d");
    if (!ctx) return 0;
    ctx.drawImage(canvas, 0, 0, small.width, small.height);
    const { data } = ctx.getImageData(0, 0, small.width, small.height);
    let sum = 0;
    let sumSq = 0;
    const n = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      const l = 0.2126 * data[i]! + 0.7152 * data[i + 1]! + 0.0722 * data[i + 2]!;
      sum += l;
      sumSq += l * l;
    }
    const mean = sum / n;
    return sumSq / n - mean * mean;
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file });
  return file;
}
