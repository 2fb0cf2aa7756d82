import path from "node:path";
import { describe, expect, it } from "vitest";
import { LlmConfigError, llmConfigFromEnv } from "./llm-config";
import { DEFAULT_MODEL, DEFAULT_OPENAI_BASE_URL } from "./tunables";

describe("llmConfigFromEnv", () => {
  it("is null when no LLM is configured (the offline planner runs)", () => {
    expect(llmConfigFromEnv({})).toBeNull();
    expect(llmConfigFromEnv({ OPENAI_BASE_URL: "", OPENAI_API_KEY: "  ", ATRIUM_MODEL: "x" })).toBeNull();
  });

  it("a key alone means OpenAI with the default model", () => {
    const c = llmConfigFromEnv({ OPENAI_API_KEY: "sk-test-123456" }, "/srv/atrium");
    expect(c).toEqual({ baseURL: DEFAULT_OPENAI_BASE_URL, apiKey: "sk-test-123456", model: DEFAULT_MODEL, settingsFile: path.resolve("/srv/atrium", "config/llm.yaml") });
  });

  it("a base URL alone means a local server without a key", () => {
    const c = llmConfigFromEnv({ OPENAI_BASE_URL: "http://localhost:11434/v1", ATRIUM_MODEL: "llama3.2", ATRIUM_LLM_CONFIG: "/etc/llm.yaml" });
    expect(c).toMatchObject({ baseURL: "http://localhost:11434/v1", apiKey: null, model: "llama3.2", settingsFile: "/etc/llm.yaml" });
  });

  it("refuses a base URL that is not an http(s) URL, or that carries credentials", () => {
    expect(() => llmConfigFromEnv({ OPENAI_BASE_URL: "localhost:11434" })).toThrow(LlmConfigError);
    expect(() => llmConfigFromEnv({ OPENAI_BASE_URL: "not a url" })).toThrow(/OPENAI_BASE_URL must be a URL/);
    expect(() => llmConfigFromEnv({ OPENAI_BASE_URL: "https://user:secret@example.com/v1" })).toThrow(/credentials/);
  });
});
