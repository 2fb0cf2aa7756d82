import { Writable } from "node:stream";
import { pino } from "pino";
import type { FakeOpenAI } from "../../../e2e/fake-openai";
import { LlmBroker, type LlmBrokerOptions } from "./broker";
import { LlmError } from "./llm-error";
import type { LlmLimits } from "./llm-settings";
import type { LlmCallRecord, LlmMessage } from "./types";

/** Helpers for the broker tests (which run against the real fake server in e2e/fake-openai.ts). */

export const TEST_KEY = "sk-test-0123456789abcdef";
export const TEST_MODEL = "test-model";
export const HELLO: LlmMessage[] = [
  { role: "system", content: "You are Ada, a researcher." },
  { role: "user", content: "Say hello." },
];

/** Small limits so failure tests take milliseconds: no backoff to speak of, short timeouts. */
export const FAST_LIMITS: Partial<LlmLimits> = {
  maxRetries: 2,
  backoffBaseMs: 5,
  backoffMaxMs: 20,
  attemptTimeoutMs: 2_000,
  idleTimeoutMs: 1_000,
  breakerFailureThreshold: 100,
  breakerCooldownMs: 60_000,
};

export interface TestBroker {
  broker: LlmBroker;
  records: LlmCallRecord[];
  /** Everything the broker logged, as pino JSON lines. */
  logs: string[];
}

export function testBroker(fake: FakeOpenAI, options: Partial<LlmBrokerOptions> = {}, limits: Partial<LlmLimits> = {}): TestBroker {
  const records: LlmCallRecord[] = [];
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const broker = new LlmBroker({
    endpoint: { baseURL: fake.url, apiKey: TEST_KEY, model: TEST_MODEL },
    onRecord: (r) => records.push(r),
    log: pino({ level: "debug" }, sink),
    ...options,
    limits: { ...FAST_LIMITS, ...limits },
  });
  return { broker, records, logs };
}

/** The LlmError a promise rejects with (fails the test if it resolves). */
export async function failure(promise: Promise<unknown>): Promise<LlmError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof LlmError) return err;
    throw new Error(`expected an LlmError, got ${String(err)}`);
  }
  throw new Error("expected the call to fail, but it succeeded");
}
