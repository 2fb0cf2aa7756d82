import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigFileError } from "../world/load-world";
import { defaultLimits, loadLlmSettings } from "./llm-settings";
import { priceFor } from "./pricing";
import { DEFAULT_ATTEMPT_TIMEOUT_MS, DEFAULT_MAX_CONCURRENT_CALLS } from "./tunables";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-llm-settings-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

describe("config/llm.yaml", () => {
  it("the shipped file is valid and prices the default model", () => {
    const settings = loadLlmSettings(path.resolve(__dirname, "../../../config/llm.yaml"));
    expect(priceFor(settings.prices, "gpt-4o-mini").input).toBeGreaterThan(0);
    expect(priceFor(settings.prices, "llama3.2:3b")).toEqual({ input: 0, output: 0 });
    expect(settings.budgets.perAgentUsd).toBeGreaterThan(0);
    expect(settings.limits.maxConcurrentCalls).toBe(DEFAULT_MAX_CONCURRENT_CALLS);
  });

  it("fills every missing section and limit with its default", () => {
    const settings = loadLlmSettings(file("min.yaml", "prices:\n  default: { input: 1, output: 2 }\n"));
    expect(settings.prices.models).toEqual({});
    expect(settings.budgets).toEqual({ perAgentUsd: null, perWorkspaceUsd: null });
    expect(settings.limits).toEqual(defaultLimits());
    expect(settings.limits.attemptTimeoutMs).toBe(DEFAULT_ATTEMPT_TIMEOUT_MS);
  });

  it("names the file and the field when a value is wrong", () => {
    const bad = file("bad.yaml", "prices:\n  default: { input: -1, output: 2 }\nlimits:\n  maxConcurrentCalls: 0\n");
    expect(() => loadLlmSettings(bad)).toThrow(ConfigFileError);
    expect(() => loadLlmSettings(bad)).toThrow(/bad\.yaml: invalid[\s\S]*prices\.default\.input[\s\S]*limits\.maxConcurrentCalls/);
  });

  it("rejects unknown keys (typos)", () => {
    const typo = file("typo.yaml", "prices:\n  default: { input: 1, output: 2 }\nbudgets:\n  perAgentUSD: 3\n");
    expect(() => loadLlmSettings(typo)).toThrow(/budgets/);
  });
});
