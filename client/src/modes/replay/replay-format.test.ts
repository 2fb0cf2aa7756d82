import { describe, expect, it } from "vitest";
import { age, duration, shortArgs, usd } from "./replay-format";

describe("replay formatting", () => {
  it("writes durations and ages", () => {
    expect(duration(7_400)).toBe("0:07");
    expect(duration(765_000)).toBe("12:45");
    expect(duration(3_723_000)).toBe("1:02:03");
    expect(duration(-5)).toBe("0:00");
    expect([age(4_000), age(190_000), age(7_300_000), age(5 * 86_400_000)]).toEqual(["4s", "3m", "2h", "5d"]);
  });

  it("shortens tool arguments to one line", () => {
    expect(shortArgs({ task_id: "T-1", status: "done" })).toBe("task_id: T-1, status: done");
    expect(shortArgs({ chart: { a: 1 } })).toBe('chart: {"a":1}');
    expect(shortArgs("raw\n text")).toBe("raw text");
    expect(shortArgs({ text: "x".repeat(200) }, 20)).toHaveLength(20);
  });

  it("prices calls", () => {
    expect(usd(0)).toBe("free");
    expect(usd(0.0012)).toBe("$0.0012");
    expect(usd(1.5)).toBe("$1.50");
  });
});
