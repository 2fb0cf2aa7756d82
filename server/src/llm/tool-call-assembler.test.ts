import { describe, expect, it } from "vitest";
import { ToolCallAssembler, ToolCallAssemblyError, type ToolCallDelta } from "./tool-call-assembler";

/** Cuts a string into pieces of `size` characters. */
function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

describe("ToolCallAssembler", () => {
  it("joins one call's arguments split across many chunks", () => {
    const args = JSON.stringify({ district: "research-lab", note: "walk over, then report" });
    const a = new ToolCallAssembler();
    a.push([{ index: 0, id: "call_1", type: "function", function: { name: "walk_to", arguments: "" } }]);
    for (const p of pieces(args, 3)) a.push([{ index: 0, function: { arguments: p } }]);
    expect(a.finish()).toEqual([{ id: "call_1", name: "walk_to", arguments: args }]);
    expect(JSON.parse(a.finish()[0]!.arguments)).toEqual({ district: "research-lab", note: "walk over, then report" });
  });

  it("keeps parallel calls apart by index, even when their fragments interleave", () => {
    const a = new ToolCallAssembler();
    const first = '{"taskId":"t-1","status":"doing"}';
    const second = '{"to":"mira","text":"on it"}';
    a.push([
      { index: 0, id: "call_a", type: "function", function: { name: "set_task_status", arguments: "" } },
      { index: 1, id: "call_b", type: "function", function: { name: "say", arguments: "" } },
    ]);
    const p1 = pieces(first, 5);
    const p2 = pieces(second, 4);
    for (let i = 0; i < Math.max(p1.length, p2.length); i++) {
      const batch: ToolCallDelta[] = [];
      if (p2[i]) batch.push({ index: 1, function: { arguments: p2[i] } });
      if (p1[i]) batch.push({ index: 0, function: { arguments: p1[i] } });
      a.push(batch);
    }
    expect(a.finish()).toEqual([
      { id: "call_a", name: "set_task_status", arguments: first },
      { id: "call_b", name: "say", arguments: second },
    ]);
  });

  it("returns calls in index order, whatever order they started in", () => {
    const a = new ToolCallAssembler();
    a.push([{ index: 2, id: "c2", function: { name: "z", arguments: "{}" } }]);
    a.push([{ index: 0, id: "c0", function: { name: "x", arguments: "{}" } }]);
    a.push([{ index: 1, id: "c1", function: { name: "y", arguments: "{}" } }]);
    expect(a.finish().map((c) => c.id)).toEqual(["c0", "c1", "c2"]);
  });

  it("does not repeat a name that later fragments send again", () => {
    const a = new ToolCallAssembler();
    a.push([{ index: 0, id: "c", function: { name: "say", arguments: '{"te' } }]);
    a.push([{ index: 0, function: { name: "say", arguments: 'xt":"hi"}' } }]);
    expect(a.finish()).toEqual([{ id: "c", name: "say", arguments: '{"text":"hi"}' }]);
  });

  it("copes with upstreams that send no index: a new id starts a call, no id continues the last", () => {
    const a = new ToolCallAssembler();
    a.push([{ id: "c1", function: { name: "one", arguments: '{"a"' } }]);
    a.push([{ function: { arguments: ":1}" } }]);
    a.push([{ id: "c2", function: { name: "two", arguments: "{}" } }]);
    a.push([{ id: "c1", function: { arguments: "" } }]);
    expect(a.finish()).toEqual([
      { id: "c1", name: "one", arguments: '{"a":1}' },
      { id: "c2", name: "two", arguments: "{}" },
    ]);
  });

  it("makes up an id when the upstream sends none, and keeps empty arguments empty", () => {
    const a = new ToolCallAssembler();
    a.push([{ index: 0, function: { name: "look_around" } }]);
    expect(a.finish()).toEqual([{ id: "call_0", name: "look_around", arguments: "" }]);
  });

  it("refuses a call that never got a name", () => {
    const a = new ToolCallAssembler();
    a.push([{ index: 0, id: "c", function: { arguments: "{}" } }]);
    expect(() => a.finish()).toThrow(ToolCallAssemblyError);
  });

  it("has no calls when no fragments came", () => {
    const a = new ToolCallAssembler();
    expect(a.size).toBe(0);
    expect(a.finish()).toEqual([]);
  });
});
