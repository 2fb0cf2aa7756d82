/**
 * Every tunable of the LLM broker, with its default. `config/llm.yaml` (section `limits`) can
 * override the limits below; tests pass smaller values straight to the broker.
 */

/** OPENAI_BASE_URL when only OPENAI_API_KEY is set. */
export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";
/** ATRIUM_MODEL when unset: the model for agents whose roster entry names none. */
export const DEFAULT_MODEL = "gpt-4o-mini";
/** ATRIUM_LLM_CONFIG when unset: prices, budgets and limits. */
export const DEFAULT_LLM_SETTINGS_FILE = "config/llm.yaml";
/** The workspace a call is charged to when the caller names none. */
export const DEFAULT_WORKSPACE = "default";

/** Calls streaming at once per broker; more wait in a first-come, first-served queue. */
export const DEFAULT_MAX_CONCURRENT_CALLS = 16;
/** Retries after the first attempt (429, 5xx, network resets, timeouts before any output). */
export const DEFAULT_MAX_RETRIES = 3;
/** Backoff before retry n (0-based) is min(BACKOFF_MAX, BACKOFF_BASE × 2^n), then jittered. */
export const DEFAULT_BACKOFF_BASE_MS = 500;
export const DEFAULT_BACKOFF_MAX_MS = 8_000;
/** Jittered delay = delay × (1 − JITTER_FRACTION × random), so retries of many agents spread out. */
export const BACKOFF_JITTER_FRACTION = 0.5;
/** The longest Retry-After the broker waits for; a longer one fails the call at once (rate_limited). */
export const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;
/** One attempt, from sending the request to the last chunk. */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 120_000;
/** The longest silence allowed: before the response headers, and between two chunks. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
/** Consecutive failed attempts (5xx, timeouts, network, bad responses) that open an upstream's circuit. */
export const DEFAULT_BREAKER_FAILURE_THRESHOLD = 5;
/** How long an open circuit refuses calls before it lets one probe through. */
export const DEFAULT_BREAKER_COOLDOWN_MS = 30_000;

/** Rough tokens-per-character rule for upstreams that report no usage (then the usage is marked estimated). */
export const CHARS_PER_TOKEN_ESTIMATE = 4;
/** Secrets shorter than this are not searched for when redacting (they would match ordinary text). */
export const MIN_REDACTABLE_SECRET_LENGTH = 6;
/** What a redacted secret is replaced with. */
export const REDACTED = "[redacted]";
