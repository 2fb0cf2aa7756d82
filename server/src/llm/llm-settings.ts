import { z } from "zod";
import { loadYamlConfig } from "../world/load-world";
import type { BudgetCaps } from "./budget-ledger";
import type { PriceTable } from "./pricing";
import {
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  DEFAULT_BACKOFF_BASE_MS,
  DEFAULT_BACKOFF_MAX_MS,
  DEFAULT_BREAKER_COOLDOWN_MS,
  DEFAULT_BREAKER_FAILURE_THRESHOLD,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONCURRENT_CALLS,
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_RETRY_AFTER_MS,
} from "./tunables";

const usdPerMillion = z.number().min(0, "must be 0 or more (USD per 1M tokens)");
const priceSchema = z.strictObject({ input: usdPerMillion, output: usdPerMillion });
const cap = z.number().positive("must be more than 0 (USD), or null for no cap").nullable();
const ms = z.number().int().min(1, "must be at least 1 (ms)");

export const limitsSchema = z.strictObject({
  maxConcurrentCalls: z.number().int().min(1).default(DEFAULT_MAX_CONCURRENT_CALLS),
  maxRetries: z.number().int().min(0).max(10).default(DEFAULT_MAX_RETRIES),
  backoffBaseMs: ms.default(DEFAULT_BACKOFF_BASE_MS),
  backoffMaxMs: ms.default(DEFAULT_BACKOFF_MAX_MS),
  maxRetryAfterMs: z.number().int().min(0).default(DEFAULT_MAX_RETRY_AFTER_MS),
  attemptTimeoutMs: ms.default(DEFAULT_ATTEMPT_TIMEOUT_MS),
  idleTimeoutMs: ms.default(DEFAULT_IDLE_TIMEOUT_MS),
  breakerFailureThreshold: z.number().int().min(1).default(DEFAULT_BREAKER_FAILURE_THRESHOLD),
  breakerCooldownMs: ms.default(DEFAULT_BREAKER_COOLDOWN_MS),
});

/** The broker's limits; every field has its default in tunables.ts. */
export type LlmLimits = z.output<typeof limitsSchema>;

export const llmSettingsSchema = z.strictObject({
  prices: z.strictObject({
    default: priceSchema,
    models: z.record(z.string().min(1), priceSchema).default({}),
  }),
  budgets: z.strictObject({ perAgentUsd: cap.default(null), perWorkspaceUsd: cap.default(null) }).default({ perAgentUsd: null, perWorkspaceUsd: null }),
  limits: limitsSchema.default(limitsSchema.parse({})),
});

export interface LlmSettings {
  prices: PriceTable;
  budgets: BudgetCaps;
  limits: LlmLimits;
}

/** Every limit at its default. */
export function defaultLimits(): LlmLimits {
  return limitsSchema.parse({});
}

/** Reads config/llm.yaml (or another file). Throws ConfigFileError naming the file and field. */
export function loadLlmSettings(file: string): LlmSettings {
  return loadYamlConfig(file, llmSettingsSchema);
}
