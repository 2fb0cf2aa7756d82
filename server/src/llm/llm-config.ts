import path from "node:path";
import { DEFAULT_LLM_SETTINGS_FILE, DEFAULT_MODEL, DEFAULT_OPENAI_BASE_URL } from "./tunables";

/** Where the broker sends its calls, read from the environment. */
export interface LlmEndpointConfig {
  /** OPENAI_BASE_URL: any OpenAI-compatible API, e.g. http://localhost:11434/v1 (Ollama). Default https://api.openai.com/v1. */
  baseURL: string;
  /** OPENAI_API_KEY; null for local servers that need none. */
  apiKey: string | null;
  /** ATRIUM_MODEL: the default model. Default gpt-4o-mini. */
  model: string;
  /** ATRIUM_LLM_CONFIG: prices, budgets and limits. Default config/llm.yaml. */
  settingsFile: string;
}

export class LlmConfigError extends Error {}

/**
 * The LLM endpoint from the environment, or null when none is configured (neither
 * OPENAI_BASE_URL nor OPENAI_API_KEY is set): the caller then runs the offline planner.
 * Empty values count as unset.
 */
export function llmConfigFromEnv(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): LlmEndpointConfig | null {
  const baseURL = env.OPENAI_BASE_URL?.trim() || null;
  const apiKey = env.OPENAI_API_KEY?.trim() || null;
  if (baseURL === null && apiKey === null) return null;
  if (baseURL !== null) checkBaseURL(baseURL);
  return {
    baseURL: baseURL ?? DEFAULT_OPENAI_BASE_URL,
    apiKey,
    model: env.ATRIUM_MODEL?.trim() || DEFAULT_MODEL,
    settingsFile: path.resolve(root, env.ATRIUM_LLM_CONFIG?.trim() || DEFAULT_LLM_SETTINGS_FILE),
  };
}

function checkBaseURL(raw: string): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new LlmConfigError(`OPENAI_BASE_URL must be a URL like http://localhost:11434/v1, got "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new LlmConfigError(`OPENAI_BASE_URL must start with http:// or https://, got "${raw}"`);
  }
  if (url.username || url.password) {
    throw new LlmConfigError("OPENAI_BASE_URL must not carry credentials; put the key in OPENAI_API_KEY");
  }
}
