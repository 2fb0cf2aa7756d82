import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigFileError } from "../world/load-world";
import { createLlmBroker } from "./create-broker";
import { DEFAULT_MAX_RETRIES } from "./tunables";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-create-broker-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("createLlmBroker", () => {
  it("is null when no LLM is configured", () => {
    expect(createLlmBroker({ env: {} })).toBeNull();
  });

  it("takes the endpoint from the environment and prices, budgets and limits from the settings file", () => {
    fs.writeFileSync(
      path.join(dir, "llm.yaml"),
      "prices:\n  default: { input: 1, output: 2 }\nbudgets:\n  perAgentUsd: 0.5\nlimits:\n  maxConcurrentCalls: 3\n",
    );
    const broker = createLlmBroker({ env: { OPENAI_BASE_URL: "http://127.0.0.1:11434/v1", ATRIUM_MODEL: "llama3.2", ATRIUM_LLM_CONFIG: "llm.yaml" }, root: dir });
    expect(broker).not.toBeNull();
    expect(broker!.baseURL).toBe("http://127.0.0.1:11434/v1");
    expect(broker!.defaultModel).toBe("llama3.2");
    expect(broker!.limits.maxConcurrentCalls).toBe(3);
    expect(broker!.limits.maxRetries).toBe(DEFAULT_MAX_RETRIES);
    expect(broker!.ledger.caps).toEqual({ perAgentUsd: 0.5, perWorkspaceUsd: null });
    expect(broker!.circuitState).toBe("closed");
  });

  it("stops with the file and field when the settings file is wrong", () => {
    fs.writeFileSync(path.join(dir, "bad.yaml"), "prices:\n  default: { input: one, output: 2 }\n");
    const make = () => createLlmBroker({ env: { OPENAI_API_KEY: "sk-whatever-123", ATRIUM_LLM_CONFIG: "bad.yaml" }, root: dir });
    expect(make).toThrow(ConfigFileError);
    expect(make).toThrow(/bad\.yaml: invalid\n {2}prices\.default\.input/);
  });
});
