import { useCallback, useEffect, useState } from "react";
import type { AgentTokenInfo, CreatedAgentToken } from "../../../shared/agent-tokens";
import { agentTokenAction, listAgentTokens, myRole } from "../engine/agent-tokens-api";
import { useApp } from "../engine/store";
import { CreatedAgentTokenNote } from "./CreatedAgentTokenNote";
import { NewAgentTokenForm } from "./NewAgentTokenForm";
import "./owner-panel.css";

/** While the panel is open, the token list is refreshed this often (ms). Default 3000. */
const REFRESH_MS = 3000;
/** Revoked tokens kept in view, newest first. Default 5. */
const REVOKED_SHOWN = 5;

/**
 * The owner's panel for outside agents (MCP, docs/MCP.md): issue and revoke agent tokens, see
 * which external agents are connected, pause and resume one. Shown to the owner only (GET
 * /api/me); the server's access policy decides in any case. Plain DOM: React escapes all text.
 */
export function OwnerPanel() {
  const workspace = useApp((s) => s.workspace);
  const [isOwner, setIsOwner] = useState(false);
  const [open, setOpen] = useState(false);
  const [tokens, setTokens] = useState<AgentTokenInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedAgentToken | null>(null);
  const [toolNames, setToolNames] = useState<string[]>([]);

  useEffect(() => {
    myRole().then(
      (role) => setIsOwner(role === "owner"),
      () => setIsOwner(false),
    );
  }, []);

  const refresh = useCallback(() => {
    listAgentTokens(workspace).then(
      (r) => {
        setTokens(r.agentTokens);
        setToolNames((now) => (now.join() === r.tools.join() ? now : r.tools));
      },
      (e: Error) => setError(e.message),
    );
  }, [workspace]);

  useEffect(() => {
    if (!open) return;
    refresh();
    const t = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(t);
  }, [open, refresh]);

  if (!isOwner) return null;
  if (!open) {
    return (
      <button type="button" className="owner-agents-button" data-testid="owner-agents-button" onClick={() => setOpen(true)} title="Outside agents (MCP)">
        Agents · MCP
      </button>
    );
  }

  const act = (id: string, action: "revoke" | "pause" | "resume") => {
    setError(null);
    agentTokenAction(id, action).then(refresh, (e: Error) => setError(e.message));
  };
  const live = tokens.filter((t) => t.revokedAt === null);
  const revoked = tokens.filter((t) => t.revokedAt !== null).slice(0, REVOKED_SHOWN);

  return (
    <section className="owner-panel" data-testid="owner-panel" aria-label="Outside agents">
      <header>
        <strong>Outside agents</strong> <span className="muted">· MCP · {workspace}</span>
        <button type="button" className="close" aria-label="Close" onClick={() => setOpen(false)}>
          ×
        </button>
      </header>
      {error && (
        <p className="owner-error" role="alert">
          {error}
        </p>
      )}
      {created && <CreatedAgentTokenNote created={created} onDone={() => setCreated(null)} />}
      <ul className="owner-tokens" data-testid="owner-tokens">
        {live.length === 0 && <li className="muted">No agent tokens yet.</li>}
        {live.map((t) => (
          <li key={t.id} data-testid={`agent-token-${t.agentId}`}>
            <div>
              <span className={`dot ${t.connected ? "on" : "off"}`} aria-hidden />
              <strong>{t.name}</strong> <span className="muted">({t.agentId}) · {t.title} · {t.role}</span>
            </div>
            <div className="muted small" data-testid={`agent-status-${t.agentId}`}>
              {t.connected ? "connected" : "not connected"}
              {t.state ? ` · ${t.state}` : ""} · {t.usedCalls}/{t.budgetCalls} tool calls · {t.tools.length} tools
            </div>
            <div className="owner-actions">
              {t.state === "paused" ? (
                <button type="button" onClick={() => act(t.id, "resume")}>
                  Resume
                </button>
              ) : (
                <button type="button" disabled={t.state === null} onClick={() => act(t.id, "pause")}>
                  Pause
                </button>
              )}
              <button type="button" className="danger" onClick={() => act(t.id, "revoke")}>
                Revoke
              </button>
            </div>
          </li>
        ))}
        {revoked.map((t) => (
          <li key={t.id} className="revoked muted small">
            {t.name} ({t.agentId}): revoked
          </li>
        ))}
      </ul>
      <NewAgentTokenForm
        workspace={workspace}
        toolNames={toolNames}
        onCreated={(c) => {
          setCreated(c);
          refresh();
        }}
        onError={setError}
      />
    </section>
  );
}
