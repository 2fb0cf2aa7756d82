import type { Roster } from "../../../shared/agents";
import type { World } from "../../../shared/world";
import { LlmError, type LlmBroker, type LlmMessage, type LlmTool } from "../llm";
import { withLlmCall } from "../replay/provenance";
import { replayStoreOf } from "../replay/replay-store";
import type { Store } from "../store/store";
import { buildPrompt } from "./prompt";
import { toolsForLlm } from "./tools";
import type { AgentBody, AgentEvent, Brain } from "./types";

/** Most model turns spent on one event (each turn may call tools); then the agent stops. */
export const MAX_TURNS_PER_EVENT = 6;

export interface LlmBrainDeps {
  broker: LlmBroker;
  world: World;
  roster: Roster;
  store: Store;
}

/** What an agent shows when its model calls fail: "offline" with the reason. */
export function reasonFor(err: LlmError): string {
  const upstream = err.status ? `upstream ${err.status}` : `upstream ${err.kind.replace("_", " ")}`;
  return err.attempts > 1 ? `${upstream} ×${err.attempts}` : upstream;
}

/**
 * Drives an agent with a language model through the broker: build the prompt, stream the
 * reply into the speech bubble, run the tool calls it asks for (validated, allow-listed and
 * audited by the runtime), feed their results back, and repeat until the model stops calling
 * tools or MAX_TURNS_PER_EVENT is reached. Budget stops pause the agent; failing upstreams
 * mark it offline with the reason. Nothing here can crash the room.
 */
export class LlmBrain implements Brain {
  readonly kind = "llm" as const;
  private readonly seeded = new Map<string, Promise<void>>();
  /** Each agent's tools as the model sees them: built once, not on every call. */
  private readonly toolCache = new Map<string, LlmTool[]>();

  constructor(private readonly deps: LlmBrainDeps) {}

  /** Spend survives restarts: the first call in a workspace seeds the ledger from the database. */
  private seed(workspace: string): Promise<void> {
    let seeding = this.seeded.get(workspace);
    if (!seeding) {
      seeding = this.deps.store.llm.spendByAgent(workspace).then((spend) => {
        for (const [agentId, usd] of spend) this.deps.broker.ledger.record(agentId, workspace, usd);
      });
      // A failed read is tried again by the next call rather than leaving the ledger unseeded.
      seeding.catch(() => this.seeded.delete(workspace));
      this.seeded.set(workspace, seeding);
    }
    return seeding;
  }

  /**
   * Why the agent may not spend more, or null: its own roster budget, then the roster's
   * workspace budget. (config/llm.yaml may set lower ceilings; the broker enforces those.)
   */
  budgetStop(agent: AgentBody["config"], workspace: string): string | null {
    const { agentUsd, workspaceUsd } = this.deps.broker.ledger.spent(agent.id, workspace);
    const budget = this.deps.broker.ledger.agentCap(agent.id, workspace) ?? agent.budget.usd; // the owner's change, else the roster's
    if (agentUsd >= budget) return `budget reached ($${agentUsd.toFixed(2)} of $${budget.toFixed(2)})`;
    const cap = this.deps.roster.workspaceBudgetUsd;
    if (cap !== undefined && workspaceUsd >= cap) return `workspace budget reached ($${workspaceUsd.toFixed(2)} of $${cap.toFixed(2)})`;
    return null;
  }

  async handle(body: AgentBody, event: AgentEvent): Promise<void> {
    const { broker, world, roster, store } = this.deps;
    const me = body.config;
    await this.seed(body.workspace);
    const stop = this.budgetStop(me, body.workspace);
    if (stop) {
      body.setState("paused", stop);
      return;
    }
    const messages: LlmMessage[] = await buildPrompt(me, event, { world, roster, store, workspace: body.workspace, taskId: body.taskId });
    let tools = this.toolCache.get(me.id);
    if (!tools) {
      tools = toolsForLlm(me.tools, { districtIds: world.districts.map((d) => d.id), agentIds: roster.agents.map((a) => a.id) });
      this.toolCache.set(me.id, tools);
    }
    const toolList = tools;

    for (let turn = 0; turn < MAX_TURNS_PER_EVENT; turn++) {
      body.setState("thinking");
      // Provenance: the call's row exists before it streams, and its words and tool runs name it
      // (replay/provenance.ts); app.ts completes the row when the broker reports the call.
      const callId = await replayStoreOf(store).startLlmCall({
        workspace: body.workspace,
        agentId: me.id,
        model: me.model ?? broker.defaultModel,
        request: { baseURL: broker.baseURL, messages, tools: toolList.map((t) => t.function.name) },
      });
      if ((await withLlmCall(me.id, callId, () => this.turn(body, messages, toolList))) === "stop") return;
    }
    body.setState("idle", `stopped after ${MAX_TURNS_PER_EVENT} model turns`);
  }

  /** One model turn: stream the reply into the speech bubble, then run the tools it asked for. */
  private async turn(body: AgentBody, messages: LlmMessage[], tools: LlmTool[]): Promise<"stop" | "continue"> {
    const { broker } = this.deps;
    const me = body.config;
    let speech: ReturnType<AgentBody["beginSpeech"]> | null = null;
    let result;
    try {
      result = await broker.stream({
        agentId: me.id,
        workspace: body.workspace,
        ...(me.model ? { model: me.model } : {}),
        messages,
        tools,
        signal: body.signal,
        onDelta: (delta) => {
          speech ??= body.beginSpeech();
          speech.append(delta);
        },
      });
    } catch (err) {
      (speech as ReturnType<AgentBody["beginSpeech"]> | null)?.end(); // keep what was said so far
      if (!(err instanceof LlmError)) throw err;
      if (err.kind === "aborted") throw body.signal.reason ?? err;
      if (err.kind === "budget") body.setState("paused", `budget reached: ${err.message}`);
      else body.setState("offline", reasonFor(err));
      return "stop";
    }
    (speech as ReturnType<AgentBody["beginSpeech"]> | null)?.end();
    const stopNow = this.budgetStop(me, body.workspace);
    if (stopNow) {
      body.setState("paused", stopNow);
      return "stop";
    }
    if (result.toolCalls.length === 0) return "stop";

    messages.push({
      role: "assistant",
      content: result.text || null,
      tool_calls: result.toolCalls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: c.arguments } })),
    });
    for (const call of result.toolCalls) {
      const out = await body.runTool(call.name, call.arguments);
      messages.push({ role: "tool", tool_call_id: call.id, content: out.content });
    }
    return "continue";
  }
}
