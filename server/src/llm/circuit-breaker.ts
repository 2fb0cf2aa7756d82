export type CircuitState = "closed" | "open" | "half_open";

export interface CircuitBreakerSettings {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long it stays open before one probe may go through (ms). */
  cooldownMs: number;
  now?: () => number;
}

/** Permission for one attempt. Settle it exactly once with its outcome. */
export interface CircuitPermit {
  /** True for the single call let through a half-open circuit. */
  readonly probe: boolean;
  success(): void;
  failure(reason: string): void;
  /** Neither: the caller aborted, or a 429/4xx that says nothing about the upstream's health. */
  neutral(): void;
}

/**
 * closed → (failureThreshold consecutive failures) → open → (cooldownMs) → half_open: one probe
 * goes through, others are refused → closed if the probe succeeds, open again if it fails.
 */
export class CircuitBreaker {
  private current: CircuitState = "closed";
  private failures = 0;
  private openedAt = 0;
  private probeInFlight = false;
  private lastFailure = "";
  private readonly now: () => number;

  constructor(private readonly settings: CircuitBreakerSettings) {
    this.now = settings.now ?? (() => performance.now());
  }

  get state(): CircuitState {
    return this.current;
  }

  /** The failure that opened the circuit (or the latest one). */
  get lastFailureReason(): string {
    return this.lastFailure;
  }

  /** Milliseconds until an open circuit lets a probe through (0 when it would now). */
  retryInMs(): number {
    if (this.current !== "open") return 0;
    return Math.max(0, this.openedAt + this.settings.cooldownMs - this.now());
  }

  /** Whether `acquire()` would refuse right now (it changes no state). */
  wouldRefuse(): boolean {
    if (this.current === "open") return this.retryInMs() > 0;
    return this.current === "half_open" && this.probeInFlight;
  }

  /** A permit for one attempt, or null while the circuit refuses. */
  acquire(): CircuitPermit | null {
    if (this.current === "open") {
      if (this.retryInMs() > 0) return null;
      this.current = "half_open";
    }
    if (this.current === "half_open") {
      if (this.probeInFlight) return null;
      this.probeInFlight = true;
      return this.permit(true);
    }
    return this.permit(false);
  }

  private permit(probe: boolean): CircuitPermit {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      if (probe) this.probeInFlight = false;
      outcome();
    };
    return {
      probe,
      success: () => settle(() => this.onSuccess(probe)),
      failure: (reason) => settle(() => this.onFailure(probe, reason)),
      neutral: () => settle(() => {}),
    };
  }

  private onSuccess(probe: boolean): void {
    // A late success from a call started before the circuit opened proves little; only the probe closes it.
    if (probe || this.current === "closed") {
      this.current = "closed";
      this.failures = 0;
    }
  }

  private onFailure(probe: boolean, reason: string): void {
    this.lastFailure = reason;
    if (probe) {
      this.open();
      return;
    }
    if (this.current !== "closed") return;
    this.failures++;
    if (this.failures >= this.settings.failureThreshold) this.open();
  }

  private open(): void {
    this.current = "open";
    this.openedAt = this.now();
    this.failures = 0;
  }
}

/** One breaker per upstream base URL. Share a registry between brokers that talk to the same upstreams. */
export class CircuitBreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(private readonly settings: CircuitBreakerSettings) {}

  for(baseURL: string): CircuitBreaker {
    const key = normaliseBaseURL(baseURL);
    let breaker = this.breakers.get(key);
    if (!breaker) {
      breaker = new CircuitBreaker(this.settings);
      this.breakers.set(key, breaker);
    }
    return breaker;
  }
}

/** `http://Host:80/v1/` and `http://host/v1` are the same upstream. */
export function normaliseBaseURL(baseURL: string): string {
  try {
    const url = new URL(baseURL);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
  } catch {
    return baseURL.replace(/\/+$/, "");
  }
}
