/** The LLM broker: the only part of Atrium that talks to a model (and the only importer of `openai`). */
export { LlmBroker, type LlmBrokerOptions } from "./broker";
export { createLlmBroker, type CreateLlmBrokerOptions } from "./create-broker";
export { llmConfigFromEnv, LlmConfigError, type LlmEndpointConfig } from "./llm-config";
export { loadLlmSettings, defaultLimits, type LlmLimits, type LlmSettings } from "./llm-settings";
export { LlmError, type LlmErrorKind } from "./llm-error";
export { BudgetLedger, NO_CAPS, type BudgetCaps } from "./budget-ledger";
export { CircuitBreaker, CircuitBreakerRegistry, type CircuitState } from "./circuit-breaker";
export { FREE_PRICES, costUsd, priceFor, type ModelPrice, type PriceTable } from "./pricing";
export { ToolCallAssembler, type ToolCallDelta } from "./tool-call-assembler";
export type { LlmCallRecord, LlmMessage, LlmResult, LlmStreamRequest, LlmTool, LlmToolCall, LlmUsage } from "./types";
export * from "./tunables";
export { Dlp, DlpConfigError, configureDlp, dlpFromEnv, luhnValid, onDlpRedaction, parseDlpPatterns, redactForUpstream, type DlpFinding, type DlpPattern } from "./dlp";
