import { randomUUID } from "node:crypto";
import type OpenAI from "openai";
import type { ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions";
import type { Logger } from "../logger";
import { BudgetLedger } from "./budget-ledger";
import { CircuitBreakerRegistry, type CircuitBreaker, type CircuitPermit, type CircuitState } from "./circuit-breaker";
import { classifyError } from "./classify-error";
import { estimateUsage, promptChars } from "./estimate-usage";
import type { LlmEndpointConfig } from "./llm-config";
import { countsAgainstUpstream, LlmError } from "./llm-error";
import { defaultLimits, type LlmLimits } from "./llm-settings";
import { createOpenAIClient } from "./openai-client";
import { costUsd, FREE_PRICES, priceFor, type PriceTable } from "./pricing";
import { redactDeep, redactText } from "./redact";
import { Dlp, type DlpFinding } from "./dlp";
import { backoffDelay, sleep } from "./retry-policy";
import { Semaphore } from "./semaphore";
import { newProgress, runAttempt, type AttemptProgress, type AttemptResult } from "./stream-attempt";
import { DEFAULT_WORKSPACE } from "./tunables";
import type { LlmCallRecord, LlmResult, LlmStreamRequest, LlmUsage } from "./types";

export interface LlmBrokerOptions {
  /** Where to send calls (llmConfigFromEnv). */
  endpoint: Pick<LlmEndpointConfig, "baseURL" | "apiKey" | "model">;
  /** USD per 1M tokens per model; default: everything free. */
  prices?: PriceTable;
  /** Spend and hard caps; default: a ledger without caps. */
  ledger?: BudgetLedger;
  /** Overrides for the limits in tunables.ts (config/llm.yaml `limits`, or small values in tests). */
  limits?: Partial<LlmLimits>;
  /** Share one registry between brokers so they share each upstream's circuit; default: the broker's own. */
  breakers?: CircuitBreakerRegistry;
  /** Receives one record per call, successful or not (the caller writes it to the audit log). */
  onRecord?: (record: LlmCallRecord) => void;
  /** Redacts personal data and secrets from every request before it leaves (./dlp.ts); default the built-in kinds. */
  dlp?: Dlp;
  /** Receives the redactions of each call that had any (kind and where, never the text), for the audit. */
  onRedaction?: (findings: DlpFinding[], call: { workspace: string; agentId: string }) => void;
  log?: Logger;
  /** For the backoff jitter; tests may fix it. */
  random?: () => number;
}

/** Per-call bookkeeping, across attempts. */
interface CallState {
  attempts: number;
  ttftMs: number | null;
  usage: LlmUsage;
  usageEstimated: boolean;
  responseModel: string | null;
  partialText: string;
}

/**
 * Streams chat completions from one OpenAI-compatible upstream for many agents: budgets,
 * a circuit breaker for the upstream, a concurrency limit, timeouts and retries, usage and
 * cost, and an audit record per call. It never throws anything but an LlmError from stream().
 */
export class LlmBroker {
  readonly baseURL: string;
  readonly defaultModel: string;
  readonly limits: LlmLimits;
  readonly ledger: BudgetLedger;
  private readonly client: OpenAI;
  private readonly breaker: CircuitBreaker;
  private readonly semaphore: Semaphore;
  private readonly prices: PriceTable;
  private readonly secrets: string[];
  private readonly options: LlmBrokerOptions;

  constructor(options: LlmBrokerOptions) {
    this.options = options;
    this.limits = { ...defaultLimits(), ...options.limits };
    this.baseURL = options.endpoint.baseURL;
    this.defaultModel = options.endpoint.model;
    this.prices = options.prices ?? FREE_PRICES;
    this.ledger = options.ledger ?? new BudgetLedger();
    this.secrets = options.endpoint.apiKey ? [options.endpoint.apiKey] : [];
    this.client = createOpenAIClient(options.endpoint, this.limits.attemptTimeoutMs);
    const breakers =
      options.breakers ?? new CircuitBreakerRegistry({ failureThreshold: this.limits.breakerFailureThreshold, cooldownMs: this.limits.breakerCooldownMs });
    this.breaker = breakers.for(this.baseURL);
    this.semaphore = new Semaphore(this.limits.maxConcurrentCalls);
  }

  /** The upstream's circuit: closed (healthy), open (refusing) or half_open (probing). */
  get circuitState(): CircuitState {
    return this.breaker.state;
  }

  /** Calls streaming now, and calls waiting for a slot. */
  get inFlight(): number {
    return this.semaphore.inFlight;
  }
  get queued(): number {
    return this.semaphore.queued;
  }

  /**
   * Streams one chat completion. Resolves with the text, the assembled tool calls, usage,
   * cost and timings, or rejects with an LlmError (see LlmErrorKind).
   */
  async stream(original: LlmStreamRequest): Promise<LlmResult> {
    const started = performance.now();
    const startedAt = new Date().toISOString();
    const workspace = original.workspace ?? DEFAULT_WORKSPACE;
    // DLP first: nothing below (the upstream, the retries, the call record) sees the raw text.
    const request = this.applyDlp(original, workspace);
    const model = request.model ?? this.defaultModel;
    const state: CallState = { attempts: 0, ttftMs: null, usage: { promptTokens: 0, completionTokens: 0 }, usageEstimated: false, responseModel: null, partialText: "" };
    const record = (fields: Pick<LlmCallRecord, "response" | "outcome" | "error">, cost: number, latencyMs: number) =>
      this.emitRecord({
        id: randomUUID(),
        agentId: request.agentId,
        workspace,
        baseURL: this.baseURL,
        model,
        responseModel: state.responseModel,
        startedAt,
        messages: request.messages,
        tools: request.tools ?? [],
        usage: state.usage,
        usageEstimated: state.usageEstimated,
        costUsd: cost,
        latencyMs,
        ttftMs: state.ttftMs,
        attempts: state.attempts,
        ...fields,
      });

    let result: AttemptResult;
    try {
      const refusal = this.ledger.refusal(request.agentId, workspace);
      if (refusal !== null) throw new LlmError("budget", `LLM budget reached: ${refusal}`);
      result = await this.attempts(request, model, state, started);
    } catch (e) {
      const cost = this.charge(request.agentId, workspace, model, state);
      const err = this.finalError(e, state.attempts);
      record({ response: { text: state.partialText, toolCalls: [], finishReason: null }, outcome: "error", error: { kind: err.kind, message: err.message } }, cost, performance.now() - started);
      throw err;
    }
    const cost = this.charge(request.agentId, workspace, model, state);
    const latencyMs = performance.now() - started;
    record({ response: { text: result.text, toolCalls: result.toolCalls, finishReason: result.finishReason }, outcome: "ok", error: null }, cost, latencyMs);
    return {
      text: result.text,
      toolCalls: result.toolCalls,
      usage: state.usage,
      usageEstimated: state.usageEstimated,
      costUsd: cost,
      model,
      ttftMs: state.ttftMs,
      latencyMs,
      finishReason: result.finishReason,
      attempts: state.attempts,
    };
  }

  private async attempts(request: LlmStreamRequest, model: string, state: CallState, started: number): Promise<AttemptResult> {
    const tools = request.tools ?? [];
    const body: ChatCompletionCreateParamsStreaming = {
      model,
      messages: request.messages,
      stream: true,
      stream_options: { include_usage: true },
      ...(tools.length > 0 ? { tools } : {}),
    };
    // Only needed to estimate usage for an upstream that reports none: counted then, not on every call.
    let promptSize: number | null = null;
    const promptSizeOf = () => (promptSize ??= promptChars(request.messages, tools));
    const onFirstDelta = () => {
      state.ttftMs ??= performance.now() - started;
    };
    const aborted = () => new LlmError("aborted", "the call was cancelled");
    let lastError: LlmError | null = null;

    for (let retry = 0; ; retry++) {
      if (this.breaker.wouldRefuse()) throw this.circuitOpen(lastError);
      const release = await this.semaphore.acquire(request.signal, aborted);
      const progress = newProgress();
      let permit: CircuitPermit | null = null;
      let waitMs: number;
      try {
        permit = this.breaker.acquire();
        if (permit === null) throw this.circuitOpen(lastError);
        state.attempts++;
        const result = await runAttempt(
          { client: this.client, body, timeouts: this.limits, signal: request.signal, onDelta: request.onDelta, onFirstDelta },
          progress,
        );
        permit.success();
        this.addUsage(state, progress, promptSizeOf);
        return result;
      } catch (e) {
        const err = classifyError(e, null, this.limits);
        if (permit) {
          if (countsAgainstUpstream(err.kind)) permit.failure(this.redact(err.message));
          else permit.neutral();
          this.addUsage(state, progress, promptSizeOf);
        }
        lastError = err;
        if (!err.retryable || progress.emitted || retry >= this.limits.maxRetries) throw err;
        waitMs = this.retryDelay(err, retry);
        this.options.log?.warn(
          { agentId: request.agentId, model, attempt: state.attempts, kind: err.kind, waitMs, error: this.redact(err.message) },
          "LLM call failed, retrying",
        );
      } finally {
        release();
      }
      await sleep(waitMs, request.signal, aborted);
    }
  }

  /** How long to wait before the next attempt: what the upstream asked for, else backoff with jitter. */
  private retryDelay(err: LlmError, retry: number): number {
    if (err.retryAfterMs === undefined) return backoffDelay(retry, { baseMs: this.limits.backoffBaseMs, maxMs: this.limits.backoffMaxMs }, this.options.random);
    if (err.retryAfterMs > this.limits.maxRetryAfterMs) {
      throw err.with(`${err.message}; the upstream asked to wait ${seconds(err.retryAfterMs)}, longer than the ${seconds(this.limits.maxRetryAfterMs)} the broker waits`, {
        retryable: false,
      });
    }
    return err.retryAfterMs;
  }

  private circuitOpen(lastError: LlmError | null): LlmError {
    const reason = lastError?.message ?? this.breaker.lastFailureReason;
    const wait = this.breaker.retryInMs();
    const when = wait > 0 ? `the next try in ${seconds(wait)}` : "a probe call is under way";
    return new LlmError("circuit_open", `the upstream ${this.baseURL} is failing, so calls are paused (${when})${reason ? `; last error: ${reason}` : ""}`);
  }

  /** Adds an attempt's usage: as reported, or estimated when the stream began but reported none. */
  private addUsage(state: CallState, progress: AttemptProgress, promptSize: () => number): void {
    if (progress.responseModel) state.responseModel = progress.responseModel;
    if (progress.text) state.partialText = progress.text;
    let usage = progress.usage;
    if (usage === null) {
      if (!progress.started) return;
      usage = estimateUsage(promptSize(), progress.text.length + progress.toolChars);
      state.usageEstimated = true;
    }
    state.usage = { promptTokens: state.usage.promptTokens + usage.promptTokens, completionTokens: state.usage.completionTokens + usage.completionTokens };
  }

  /** Prices the call's usage and books it against the agent's and the workspace's budgets. */
  private charge(agentId: string, workspace: string, model: string, state: CallState): number {
    const cost = costUsd(state.usage, priceFor(this.prices, model));
    if (cost > 0) this.ledger.record(agentId, workspace, cost);
    return cost;
  }

  private finalError(e: unknown, attempts: number): LlmError {
    const err = classifyError(e, null, this.limits);
    const message = attempts > 1 ? `${err.message} (gave up after ${attempts} attempts)` : err.message;
    return err.with(this.redact(message), { attempts });
  }

  private applyDlp(request: LlmStreamRequest, workspace: string): LlmStreamRequest {
    const { messages, findings } = (this.options.dlp ?? defaultDlp).redactMessages(request.messages);
    if (findings.length === 0) return request;
    try {
      this.options.onRedaction?.(findings, { workspace, agentId: request.agentId });
    } catch (err) {
      this.options.log?.error({ error: err instanceof Error ? err.message : String(err) }, "onRedaction threw; the redaction audit is lost");
    }
    return { ...request, messages };
  }

  private redact(text: string): string {
    return redactText(text, this.secrets);
  }

  private emitRecord(record: LlmCallRecord): void {
    const onRecord = this.options.onRecord;
    if (!onRecord) return;
    try {
      onRecord(redactDeep(record, this.secrets));
    } catch (err) {
      this.options.log?.error({ error: this.redact(err instanceof Error ? err.message : String(err)) }, "onRecord threw; the LLM call record is lost");
    }
  }
}

const defaultDlp = new Dlp();

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
