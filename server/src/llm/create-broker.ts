import type { Logger } from "../logger";
import { BudgetLedger } from "./budget-ledger";
import { LlmBroker, type LlmBrokerOptions } from "./broker";
import { llmConfigFromEnv } from "./llm-config";
import { loadLlmSettings } from "./llm-settings";

export interface CreateLlmBrokerOptions extends Pick<LlmBrokerOptions, "onRecord" | "breakers" | "dlp" | "onRedaction"> {
  env?: NodeJS.ProcessEnv;
  /** Resolves ATRIUM_LLM_CONFIG; default the working directory. */
  root?: string;
  log?: Logger;
}

/**
 * The broker the server runs with: the endpoint from the environment, prices, budgets and
 * limits from config/llm.yaml. Null when no LLM is configured (use the offline planner).
 * Throws LlmConfigError or ConfigFileError with a message naming the variable or the field.
 */
export function createLlmBroker(options: CreateLlmBrokerOptions = {}): LlmBroker | null {
  const endpoint = llmConfigFromEnv(options.env ?? process.env, options.root ?? process.cwd());
  if (endpoint === null) return null;
  const settings = loadLlmSettings(endpoint.settingsFile);
  return new LlmBroker({
    endpoint,
    prices: settings.prices,
    ledger: new BudgetLedger(settings.budgets),
    limits: settings.limits,
    ...(options.onRecord ? { onRecord: options.onRecord } : {}),
    ...(options.dlp ? { dlp: options.dlp } : {}),
    ...(options.onRedaction ? { onRedaction: options.onRedaction } : {}),
    ...(options.breakers ? { breakers: options.breakers } : {}),
    ...(options.log ? { log: options.log.child({ module: "llm" }) } : {}),
  });
}
