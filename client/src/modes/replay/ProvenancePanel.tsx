import { useEffect, useState } from "react";
import type { ReplayLlmCall, ReplayTimeline } from "../../../../shared/replay";
import { clockTime, shortArgs, usd } from "./replay-format";
import { useReplayUi } from "./replay-ui";

interface PromptMessage {
  role: string;
  content?: string | null;
  name?: string;
  tool_call_id?: string;
  tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
}
interface ResponseShape {
  text?: string;
  toolCalls?: Array<{ id: string; name: string; arguments: string }>;
  finishReason?: string | null;
}

type Load = { kind: "loading" } | { kind: "error"; message: string } | { kind: "ready"; call: ReplayLlmCall };

function prettyJson(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

/** Same call as audited? The audit keeps parsed arguments; the response keeps the model's JSON text. */
function sameCall(name: string, raw: string, tool: string, audited: unknown): boolean {
  if (name !== tool) return false;
  if (typeof audited === "string") return raw === audited;
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    return Object.entries(parsed).every(([k, v]) => JSON.stringify(v) === JSON.stringify((audited as Record<string, unknown>)[k]));
  } catch {
    return false;
  }
}

/**
 * The exact prompt messages and model response behind one utterance or tool run, fetched from
 * GET /api/llm-calls/:id. For the offline planner it says so plainly: no model was involved.
 */
export function ProvenancePanel({ timeline }: { timeline: ReplayTimeline }) {
  const open = useReplayUi((s) => s.provenance);
  const [load, setLoad] = useState<Load>({ kind: "loading" });
  const llmCallId = open?.llmCallId;

  useEffect(() => {
    if (llmCallId === undefined) return;
    let cancelled = false;
    fetch(`/api/llm-calls/${llmCallId}`)
      .then(async (res) => {
        const body = (await res.json()) as ReplayLlmCall & { error?: string };
        if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
        if (!cancelled) setLoad({ kind: "ready", call: body });
      })
      .catch((err: unknown) => !cancelled && setLoad({ kind: "error", message: err instanceof Error ? err.message : String(err) }));
    return () => {
      cancelled = true;
    };
  }, [llmCallId]);

  if (!open) return null;
  const close = () => useReplayUi.setState({ provenance: null });
  const message = open.kind === "message" ? timeline.messages.find((m) => m.id === open.id) : undefined;
  const tool = open.kind === "tool" ? timeline.toolCalls.find((c) => c.id === open.id) : undefined;
  const agentId = message?.fromId ?? tool?.agentId ?? "";
  const agent = timeline.agents.find((a) => a.id === agentId);
  const name = agent?.name ?? agentId;

  return (
    <div className="provenance-backdrop" onClick={close}>
      <aside className="provenance" role="dialog" aria-label="Provenance: the prompt and response behind this" data-testid="provenance" onClick={(e) => e.stopPropagation()}>
        <header>
          <div>
            <p className="kicker">Why {name} {open.kind === "message" ? "said this" : `called ${tool?.tool ?? "a tool"}`}</p>
            <blockquote>
              {message ? message.text : tool ? `${tool.tool}(${shortArgs(tool.arguments, 200)}) → ${tool.result}` : "…"}
            </blockquote>
          </div>
          <button className="close" onClick={close} aria-label="Close">
            ✕
          </button>
        </header>
        {load.kind === "loading" && <p className="muted">Loading the call…</p>}
        {load.kind === "error" && (
          <p className="error-text" role="alert">
            Could not load LLM call {llmCallId}: {load.message}
          </p>
        )}
        {load.kind === "ready" && <CallDetail call={load.call} tool={tool} said={message?.text ?? null} agentName={name} />}
      </aside>
    </div>
  );
}

function CallDetail({ call, tool, said, agentName }: { call: ReplayLlmCall; tool: ReplayTimeline["toolCalls"][number] | undefined; said: string | null; agentName: string }) {
  const request = (call.request ?? {}) as { messages?: PromptMessage[]; tools?: string[]; baseURL?: string };
  const response = (call.response ?? {}) as ResponseShape;
  const messages = request.messages ?? [];
  return (
    <div className="call" data-testid="provenance-call" data-offline={call.offline}>
      {call.offline ? (
        <p className="offline-banner" data-testid="offline-banner">
          <strong>Offline planner — no language model.</strong> No model is configured, so {agentName} followed a fixed, deterministic plan. Below is the event
          the planner handled (as the “prompt”) and the tool calls its plan made (as the “response”).
        </p>
      ) : null}
      <dl className="call-meta">
        <div>
          <dt>{call.offline ? "Planner" : "Model"}</dt>
          <dd>{call.model}</dd>
        </div>
        <div>
          <dt>Call</dt>
          <dd>
            #{call.id} at {clockTime(call.at)}
          </dd>
        </div>
        <div>
          <dt>Outcome</dt>
          <dd className={`outcome ${call.outcome}`}>{call.outcome === "pending" ? "no answer recorded (still running, or cut off)" : call.outcome}</dd>
        </div>
        <div>
          <dt>Latency</dt>
          <dd>{call.latencyMs === null ? "—" : `${Math.round(call.latencyMs)} ms`}</dd>
        </div>
        {!call.offline && (
          <>
            <div>
              <dt>Tokens</dt>
              <dd>
                {call.promptTokens} in · {call.completionTokens} out
              </dd>
            </div>
            <div>
              <dt>Cost</dt>
              <dd>{usd(call.costUsd)}</dd>
            </div>
          </>
        )}
      </dl>
      {call.error && <p className="error-text">{call.error}</p>}

      <h3>{call.offline ? "What the planner handled" : `Prompt · ${messages.length} messages`}</h3>
      <ol className="prompt">
        {messages.map((m, i) => (
          <li key={i} className={`msg ${m.role}`}>
            <span className="role">
              {m.role}
              {m.tool_call_id ? ` · ${m.tool_call_id}` : ""}
            </span>
            {m.content ? <pre>{m.content}</pre> : null}
            {m.tool_calls?.map((c) => (
              <pre key={c.id} className="tool-call">
                {c.function.name}({prettyJson(c.function.arguments)})
              </pre>
            ))}
          </li>
        ))}
      </ol>
      {request.tools && request.tools.length > 0 && (
        <p className="tools-offered">
          Tools offered: {request.tools.map((t) => <code key={t}>{t}</code>)}
        </p>
      )}

      <h3>{call.offline ? "What the plan did" : "Response"}</h3>
      <div className="response" data-testid="provenance-response">
        {response.text ? <pre className={said !== null && response.text.includes(said) ? "text this" : "text"}>{response.text}</pre> : null}
        {(response.toolCalls ?? []).map((c) => {
          // The very call: the tool run clicked, or the `say` that spoke the words clicked.
          const mine = tool ? sameCall(c.name, c.arguments, tool.tool, tool.arguments) : !!said && sameCall(c.name, c.arguments, "say", { text: said });
          return (
            <pre key={c.id} className={`tool-call${mine ? " this" : ""}`}>
              {mine && <span className="this-tag">this call</span>}
              {c.name}({prettyJson(c.arguments)})
            </pre>
          );
        })}
        {!response.text && (response.toolCalls ?? []).length === 0 && <p className="muted">No response was recorded.</p>}
        {response.finishReason && <p className="muted">finish reason: {response.finishReason}</p>}
      </div>

      {call.produced.messages.length + call.produced.toolCalls.length > 0 && (
        <>
          <h3>What it led to</h3>
          <ul className="produced">
            {call.produced.messages.map((m) => (
              <li key={`m${m.id}`}>
                <span className="muted">{clockTime(m.at)}</span> said “{m.text}”
              </li>
            ))}
            {call.produced.toolCalls.map((c) => (
              <li key={`t${c.id}`}>
                <span className="muted">{clockTime(c.at)}</span> <code>{c.tool}</code> → {c.result}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
