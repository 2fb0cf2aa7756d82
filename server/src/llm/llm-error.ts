/**
 * Why a call failed:
 * - rate_limited: the upstream answered 429 (retried, honouring Retry-After).
 * - server_error: a 5xx answer, or an error event inside the stream (retried).
 * - timeout: no answer or no chunk in time (retried while nothing has streamed yet).
 * - network: the connection failed or was reset (retried while nothing has streamed yet).
 * - bad_response: the stream could not be understood (garbled SSE, a tool call with no name, no finish reason).
 * - auth: 401/403, the key is wrong or lacks access.
 * - bad_request: another 4xx, e.g. an unknown model or a rejected message.
 * - aborted: the caller's AbortSignal fired.
 * - circuit_open: the upstream failed too often lately; no request was sent.
 * - budget: the agent's or the workspace's spending cap is reached; no request was sent.
 * - unexpected: a bug, e.g. the caller's onDelta threw.
 */
export type LlmErrorKind =
  | "rate_limited"
  | "server_error"
  | "timeout"
  | "network"
  | "bad_response"
  | "auth"
  | "bad_request"
  | "aborted"
  | "circuit_open"
  | "budget"
  | "unexpected";

export interface LlmErrorDetails {
  /** Worth another attempt, if nothing has streamed to the caller yet. */
  retryable?: boolean;
  /** The HTTP status, when the upstream answered with one. */
  status?: number;
  /** What the upstream asked for in Retry-After / retry-after-ms. */
  retryAfterMs?: number;
  /** Attempts made before giving up (set by the broker). */
  attempts?: number;
}

/** A failed LLM call. `message` is for people (and for the agent's "degraded" reason); secrets are redacted. */
export class LlmError extends Error {
  override readonly name = "LlmError";
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly attempts: number;

  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    details: LlmErrorDetails = {},
  ) {
    super(message);
    this.retryable = details.retryable ?? false;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.attempts = details.attempts ?? 0;
  }

  /** The same error with another message and details (redaction, attempt count). */
  with(message: string, details: LlmErrorDetails = {}): LlmError {
    return new LlmError(this.kind, message, {
      retryable: this.retryable,
      ...(this.status !== undefined ? { status: this.status } : {}),
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
      attempts: this.attempts,
      ...details,
    });
  }
}

/** Failures that say the upstream itself is unwell; they count towards opening its circuit. */
export function countsAgainstUpstream(kind: LlmErrorKind): boolean {
  return kind === "server_error" || kind === "timeout" || kind === "network" || kind === "bad_response";
}
