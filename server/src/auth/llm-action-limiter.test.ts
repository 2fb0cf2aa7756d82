import { describe, expect, it } from "vitest";
import { LlmActionLimiter } from "./limits";

describe("the per-minute allowance of actions that make agents think", () => {
  it("is a sliding minute per person: the oldest action frees a place exactly 60 s later", () => {
    const limiter = new LlmActionLimiter(3);
    expect([0, 1_000, 2_000].map((t) => limiter.take("ann", t).ok)).toEqual([true, true, true]);
    const refused = limiter.take("ann", 30_000);
    expect(refused).toEqual({ ok: false, message: expect.stringContaining("try again in 30 s") });
    expect(limiter.take("bob", 30_000).ok).toBe(true); // someone else's minute is their own
    expect(limiter.take("ann", 59_999).ok).toBe(false); // the first is not yet a minute old
    expect(limiter.take("ann", 60_000).ok).toBe(true);
    expect(limiter.take("ann", 60_001).ok).toBe(false); // the second (1 s) is still in the minute
  });

  it("keeps counting right over hours of steady use (expired times are dropped, not kept)", () => {
    const limiter = new LlmActionLimiter(20);
    let refused = 0;
    // One try a second for three hours: twenty get through in every minute, the rest are refused.
    for (let s = 0; s < 3 * 3600; s++) if (!limiter.take("ann", s * 1000 + 0.5).ok) refused++;
    expect(refused).toBe(3 * 3600 - 3 * 60 * 20);
  });
});
