import OpenAI from "openai";
import type { LlmEndpointConfig } from "./llm-config";

/**
 * Stands in for the key when the upstream needs none (Ollama, vLLM, LM Studio): the SDK
 * insists on one, and the Authorization header is then removed from every request.
 */
const KEYLESS_PLACEHOLDER = "keyless";

/**
 * The SDK client for one upstream. Its own retries are off (the broker retries), it logs
 * nothing, and it reads nothing else from the environment (no admin key, organisation or project).
 */
export function createOpenAIClient(endpoint: Pick<LlmEndpointConfig, "baseURL" | "apiKey">, timeoutMs: number): OpenAI {
  return new OpenAI({
    baseURL: endpoint.baseURL,
    apiKey: endpoint.apiKey ?? KEYLESS_PLACEHOLDER,
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    maxRetries: 0,
    timeout: timeoutMs,
    logLevel: "off",
    ...(endpoint.apiKey === null ? { defaultHeaders: { Authorization: null } } : {}),
  });
}
