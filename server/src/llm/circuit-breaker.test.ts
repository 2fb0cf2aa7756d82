import { describe, expect, it } from "vitest";
import { CircuitBreaker, CircuitBreakerRegistry, normaliseBaseURL } from "./circuit-breaker";

function breaker(threshold = 3, cooldownMs = 1000) {
  const clock = { t: 0 };
  const b = new CircuitBreaker({ failureThreshold: threshold, cooldownMs, now: () => clock.t });
  return { b, clock };
}

describe("CircuitBreaker", () => {
  it("opens after N consecutive failures and refuses while open", () => {
    const { b } = breaker(3);
    for (let i = 0; i < 2; i++) b.acquire()!.failure("500");
    expect(b.state).toBe("closed");
    b.acquire()!.failure("500 boom");
    expect(b.state).toBe("open");
    expect(b.acquire()).toBeNull();
    expect(b.wouldRefuse()).toBe(true);
    expect(b.lastFailureReason).toBe("500 boom");
  });

  it("a success in between resets the count", () => {
    const { b } = breaker(3);
    b.acquire()!.failure("x");
    b.acquire()!.failure("x");
    b.acquire()!.success();
    b.acquire()!.failure("x");
    b.acquire()!.failure("x");
    expect(b.state).toBe("closed");
  });

  it("neutral outcomes neither count nor reset", () => {
    const { b } = breaker(2);
    b.acquire()!.failure("x");
    b.acquire()!.neutral();
    expect(b.state).toBe("closed");
    b.acquire()!.failure("x");
    expect(b.state).toBe("open");
  });

  it("after the cooldown lets exactly one probe through; its success closes the circuit", () => {
    const { b, clock } = breaker(1, 1000);
    b.acquire()!.failure("x");
    clock.t = 999;
    expect(b.acquire()).toBeNull();
    expect(b.retryInMs()).toBe(1);
    clock.t = 1000;
    const probe = b.acquire();
    expect(probe?.probe).toBe(true);
    expect(b.state).toBe("half_open");
    expect(b.acquire()).toBeNull();
    probe!.success();
    expect(b.state).toBe("closed");
    expect(b.acquire()?.probe).toBe(false);
  });

  it("a failed probe opens it again for a fresh cooldown", () => {
    const { b, clock } = breaker(1, 1000);
    b.acquire()!.failure("x");
    clock.t = 1500;
    b.acquire()!.failure("still down");
    expect(b.state).toBe("open");
    expect(b.retryInMs()).toBe(1000);
    clock.t = 2499;
    expect(b.acquire()).toBeNull();
  });

  it("a neutral probe frees the probe slot without deciding", () => {
    const { b, clock } = breaker(1, 10);
    b.acquire()!.failure("x");
    clock.t = 10;
    b.acquire()!.neutral();
    expect(b.state).toBe("half_open");
    expect(b.acquire()?.probe).toBe(true);
  });

  it("ignores late results of calls started before it opened, and settles a permit only once", () => {
    const { b } = breaker(2);
    const early = b.acquire()!;
    b.acquire()!.failure("x");
    b.acquire()!.failure("x");
    expect(b.state).toBe("open");
    early.success();
    expect(b.state).toBe("open");
    expect(b.acquire()).toBeNull();
  });

  it("settles a permit only once", () => {
    const { b, clock } = breaker(1, 10);
    b.acquire()!.failure("x");
    clock.t = 10;
    const probe = b.acquire()!;
    probe.success();
    probe.failure("late");
    expect(b.state).toBe("closed");
  });
});

describe("CircuitBreakerRegistry", () => {
  it("keeps one breaker per upstream base URL", () => {
    const r = new CircuitBreakerRegistry({ failureThreshold: 1, cooldownMs: 1000 });
    r.for("http://127.0.0.1:1234/v1").acquire()!.failure("x");
    expect(r.for("http://127.0.0.1:1234/v1/").state).toBe("open");
    expect(r.for("http://127.0.0.1:11434/v1").state).toBe("closed");
    expect(normaliseBaseURL("HTTP://Example.com:80/v1/")).toBe("http://example.com/v1");
  });
});
