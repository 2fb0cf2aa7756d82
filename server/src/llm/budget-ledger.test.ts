import { describe, expect, it } from "vitest";
import { BudgetLedger } from "./budget-ledger";
import { costUsd, FREE_PRICES, priceFor, type PriceTable } from "./pricing";

describe("BudgetLedger", () => {
  it("refuses an agent at its cap and a workspace at its cap", () => {
    const ledger = new BudgetLedger({ perAgentUsd: 1, perWorkspaceUsd: 1.5 });
    ledger.record("ada", "w1", 0.6);
    expect(ledger.refusal("ada", "w1")).toBeNull();
    expect(ledger.remaining("ada", "w1")).toBeCloseTo(0.4);
    ledger.record("ada", "w1", 0.4);
    expect(ledger.refusal("ada", "w1")).toMatch(/agent "ada" has spent \$1\.00 of its \$1\.00/);
    expect(ledger.remaining("ada", "w1")).toBe(0);
    // Another agent of the same workspace still has room, until the workspace cap.
    expect(ledger.refusal("bo", "w1")).toBeNull();
    expect(ledger.remaining("bo", "w1")).toBeCloseTo(0.5);
    ledger.record("bo", "w1", 0.5);
    expect(ledger.refusal("bo", "w1")).toMatch(/workspace "w1"/);
    // The same agent id in another workspace is another budget.
    expect(ledger.refusal("ada", "w2")).toBeNull();
    expect(ledger.spent("ada", "w2")).toEqual({ agentUsd: 0, workspaceUsd: 0 });
  });

  it("has no limit without caps, and rejects nonsense amounts", () => {
    const ledger = new BudgetLedger();
    ledger.record("a", "w", 1e6);
    expect(ledger.refusal("a", "w")).toBeNull();
    expect(ledger.remaining("a", "w")).toBe(Infinity);
    expect(() => ledger.record("a", "w", -1)).toThrow(RangeError);
    expect(() => ledger.record("a", "w", Number.NaN)).toThrow(RangeError);
  });
});

describe("pricing", () => {
  const table: PriceTable = {
    default: { input: 3, output: 15 },
    models: { "gpt-4o-mini": { input: 0.15, output: 0.6 }, "llama3*": { input: 0, output: 0 }, "llama3.1:70b*": { input: 0.5, output: 0.5 } },
  };

  it("prices by exact name, then by the longest prefix, then the default", () => {
    expect(priceFor(table, "gpt-4o-mini")).toEqual({ input: 0.15, output: 0.6 });
    expect(priceFor(table, "llama3.2:3b")).toEqual({ input: 0, output: 0 });
    expect(priceFor(table, "llama3.1:70b-q4")).toEqual({ input: 0.5, output: 0.5 });
    expect(priceFor(table, "gpt-4o-mini-2024-07-18")).toEqual({ input: 3, output: 15 });
    expect(priceFor(FREE_PRICES, "anything")).toEqual({ input: 0, output: 0 });
  });

  it("turns tokens into dollars per million", () => {
    expect(costUsd({ promptTokens: 1_000_000, completionTokens: 0 }, { input: 0.15, output: 0.6 })).toBeCloseTo(0.15, 10);
    expect(costUsd({ promptTokens: 2000, completionTokens: 500 }, { input: 3, output: 15 })).toBeCloseTo(0.006 + 0.0075, 10);
  });
});
