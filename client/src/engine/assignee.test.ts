import { describe, expect, it } from "vitest";
import { assigneeValue, parseAssignee } from "./assignee";

describe("assignee option values", () => {
  it("round-trips agents and people, names with colons included", () => {
    for (const a of [{ kind: "agent" as const, id: "iris" }, { kind: "person" as const, id: "Ada: ops" }]) expect(parseAssignee(assigneeValue(a))).toEqual(a);
  });

  it("reads nobody, and anything that names no one, as null", () => {
    expect(assigneeValue(null)).toBe("");
    expect(assigneeValue({ kind: "agent", id: "" })).toBe("");
    for (const v of ["", "iris", "agent:", "robot:iris"]) expect(parseAssignee(v)).toBeNull();
  });
});
