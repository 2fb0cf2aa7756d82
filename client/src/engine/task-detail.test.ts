import { describe, expect, it } from "vitest";
import { describeEvent } from "./task-detail";

const names: Record<string, string> = { iris: "Iris", bram: "Bram", s1: "Ada" };
const nameOf = (id: string) => names[id] ?? id;

describe("describeEvent", () => {
  it("reads the store's event kinds as sentences", () => {
    expect(describeEvent({ actor: "s1", kind: "created", data: { title: "T", assignee: { kind: "agent", id: "iris" } } }, nameOf)).toBe("Ada created it for Iris");
    expect(describeEvent({ actor: "iris", kind: "status", data: { from: "todo", to: "doing" } }, nameOf)).toBe("Iris moved it from todo to doing");
    expect(describeEvent({ actor: "iris", kind: "handoff", data: { from: { kind: "agent", id: "iris" }, to: { kind: "agent", id: "bram" }, note: "read it" } }, nameOf)).toBe(
      "Iris handed it to Bram: “read it”",
    );
    expect(describeEvent({ actor: "s1", kind: "assigned", data: { from: null, to: null } }, nameOf)).toBe("Ada unassigned it");
    expect(describeEvent({ actor: "iris", kind: "artifact", data: { artifactId: "a1", title: "Brief", kind: "markdown" } }, nameOf)).toBe("Iris wrote a document “Brief”");
    expect(describeEvent({ actor: "iris", kind: "notes", data: { notes: "picked up" } }, nameOf)).toBe("Iris: “picked up”");
  });

  it("falls back to the kind and the simple fields for kinds it does not know", () => {
    expect(describeEvent({ actor: "bram", kind: "mystery", data: { level: 3, nested: { a: 1 } } }, nameOf)).toBe("Bram: mystery (level 3)");
  });
});
