import type { LlmUsage } from "./types";

/** USD per 1 million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

export interface PriceTable {
  /** For models the table does not name. */
  default: ModelPrice;
  /** By exact model name, or by prefix with a trailing `*` ("llama3*" prices "llama3.2:3b"). */
  models: Record<string, ModelPrice>;
}

/** Everything free: for tests, and for local models when no price table is given. */
export const FREE_PRICES: PriceTable = { default: { input: 0, output: 0 }, models: {} };

/** The exact entry, else the longest matching `prefix*` entry, else the default. */
export function priceFor(table: PriceTable, model: string): ModelPrice {
  const exact = table.models[model];
  if (exact) return exact;
  let best: ModelPrice | null = null;
  let bestLength = -1;
  for (const [key, price] of Object.entries(table.models)) {
    if (!key.endsWith("*")) continue;
    const prefix = key.slice(0, -1);
    if (model.startsWith(prefix) && prefix.length > bestLength) {
      best = price;
      bestLength = prefix.length;
    }
  }
  return best ?? table.default;
}

/** The cost of one call in USD. */
export function costUsd(usage: LlmUsage, price: ModelPrice): number {
  return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
}
