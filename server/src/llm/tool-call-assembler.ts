import type { LlmToolCall } from "./types";

/** One tool-call fragment from a streamed chunk (`choices[0].delta.tool_calls[i]`). */
export interface ToolCallDelta {
  /** Which call this fragment belongs to; parallel calls have different indexes. */
  index?: number | null;
  id?: string | null;
  type?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
}

/** A stream whose tool calls cannot be put together (a call with no name). */
export class ToolCallAssemblyError extends Error {}

interface Slot {
  index: number;
  id: string;
  name: string;
  args: string[];
}

/**
 * Puts streamed tool calls back together. The first fragment of a call carries its id and
 * name, later ones carry pieces of the arguments; parallel calls are told apart by `index`,
 * and their fragments may interleave. Upstreams that leave out `index` are handled too: a
 * fragment with a new id starts a new call, one with neither continues the latest call.
 */
export class ToolCallAssembler {
  private readonly slots = new Map<number, Slot>();
  private readonly byId = new Map<string, Slot>();
  private last: Slot | null = null;

  get size(): number {
    return this.slots.size;
  }

  push(deltas: readonly ToolCallDelta[]): void {
    for (const delta of deltas) this.pushOne(delta);
  }

  private pushOne(delta: ToolCallDelta): void {
    const slot = this.slotFor(delta);
    if (delta.id && !slot.id) {
      slot.id = delta.id;
      this.byId.set(delta.id, slot);
    }
    // The name arrives whole in one fragment; some upstreams repeat it in later ones.
    const name = delta.function?.name;
    if (name && !slot.name) slot.name = name;
    const args = delta.function?.arguments;
    if (args) slot.args.push(args);
    this.last = slot;
  }

  private slotFor(delta: ToolCallDelta): Slot {
    if (typeof delta.index === "number") return this.slotAt(delta.index);
    if (delta.id) return this.byId.get(delta.id) ?? this.slotAt(this.nextIndex());
    return this.last ?? this.slotAt(0);
  }

  private slotAt(index: number): Slot {
    let slot = this.slots.get(index);
    if (!slot) {
      slot = { index, id: "", name: "", args: [] };
      this.slots.set(index, slot);
    }
    return slot;
  }

  private nextIndex(): number {
    let max = -1;
    for (const index of this.slots.keys()) max = Math.max(max, index);
    return max + 1;
  }

  /** The finished calls in index order. Calls without an id get `call_<index>`. */
  finish(): LlmToolCall[] {
    return [...this.slots.values()]
      .sort((a, b) => a.index - b.index)
      .map((slot) => {
        if (!slot.name) throw new ToolCallAssemblyError(`tool call ${slot.index} arrived without a function name`);
        return { id: slot.id || `call_${slot.index}`, name: slot.name, arguments: slot.args.join("") };
      });
  }
}
