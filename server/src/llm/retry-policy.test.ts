import { describe, expect, it } from "vitest";
import { backoffDelay, parseRetryAfter, sleep } from "./retry-policy";

const headers = (entries: Record<string, string>) => new Headers(entries);

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-03-01T12:00:00Z");

  it("reads seconds", () => {
    expect(parseRetryAfter(headers({ "retry-after": "2" }), now)).toBe(2000);
    expect(parseRetryAfter(headers({ "retry-after": "0.5" }), now)).toBe(500);
  });

  it("reads an HTTP date, relative to now, and never negative", () => {
    expect(parseRetryAfter(headers({ "retry-after": "Sat, 01 Mar 2025 12:00:07 GMT" }), now)).toBe(7000);
    expect(parseRetryAfter(headers({ "retry-after": "Sat, 01 Mar 2025 11:59:00 GMT" }), now)).toBe(0);
  });

  it("prefers OpenAI's retry-after-ms", () => {
    expect(parseRetryAfter(headers({ "retry-after-ms": "250", "retry-after": "9" }), now)).toBe(250);
  });

  it("ignores what it cannot read", () => {
    expect(parseRetryAfter(headers({ "retry-after": "soon" }), now)).toBeNull();
    expect(parseRetryAfter(headers({}), now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe("backoffDelay", () => {
  const settings = { baseMs: 100, maxMs: 1000 };

  it("doubles per retry up to the cap (no jitter when random() is 0)", () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, settings, () => 0))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("jitters down by at most half", () => {
    expect(backoffDelay(2, settings, () => 0.999999)).toBe(200);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(3, settings);
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(800);
    }
  });
});

describe("sleep", () => {
  it("waits, or stops at once when aborted", async () => {
    const t0 = performance.now();
    await sleep(30, undefined, () => new Error("x"));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);

    const controller = new AbortController();
    const t1 = performance.now();
    const waiting = sleep(5_000, controller.signal, () => new Error("stopped"));
    setTimeout(() => controller.abort(), 10);
    await expect(waiting).rejects.toThrow("stopped");
    expect(performance.now() - t1).toBeLessThan(1_000);
  });
});
