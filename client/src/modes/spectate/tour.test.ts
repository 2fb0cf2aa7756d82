import { describe, expect, it } from "vitest";
import { nextTourTarget, TourPlan } from "./tour";

describe("the 3D tour's choice of agent", () => {
  const order = ["a", "b", "c", "d"];

  it("goes to the next active agent in order, wrapping; any agent when none is active", () => {
    const states = { a: "idle", b: "working", c: "idle", d: "thinking" };
    expect(nextTourTarget(order, states, null)).toBe("b");
    expect(nextTourTarget(order, states, "b")).toBe("d");
    expect(nextTourTarget(order, states, "d")).toBe("b");
    expect(nextTourTarget(order, { a: "idle", b: "idle", c: "offline", d: "idle" }, "b")).toBe("c");
    expect(nextTourTarget([], states, null)).toBeNull();
  });

  it("stays with an agent for the dwell time, then moves on; the focused agent wins", () => {
    const plan = new TourPlan(1000);
    const states = { a: "walking", b: "working", c: "idle", d: "thinking" };
    expect(plan.pick(0, order, states, null)).toBe("a");
    expect(plan.pick(999, order, states, null)).toBe("a");
    expect(plan.pick(1000, order, states, null)).toBe("b");
    expect(plan.pick(2000, order, states, null)).toBe("d");
    expect(plan.pick(2100, order, states, "c")).toBe("c");
    expect(plan.pick(9000, order, states, "c")).toBe("c");
    // Focus released: c is idle while others are busy, so the tour leaves it at once.
    expect(plan.pick(9001, order, states, null)).toBe("d");
  });

  it("leaves an agent that left the room, and stays with the only busy one", () => {
    const plan = new TourPlan(1000);
    expect(plan.pick(0, order, { a: "idle", b: "working" }, null)).toBe("b");
    expect(plan.pick(10, ["a", "c"], { a: "idle", c: "idle" }, null)).toBe("a");
    const solo = new TourPlan(1000);
    const states = { a: "idle", b: "speaking", c: "idle", d: "idle" };
    expect(solo.pick(0, order, states, null)).toBe("b");
    expect(solo.pick(1500, order, states, null)).toBe("b");
    expect(solo.since).toBe(1500);
  });
});
