import { useState } from "react";
import type { CreatedAgentToken } from "../../../shared/agent-tokens";

/** A token just issued: shown this once, with where to connect and a copy button. */
export function CreatedAgentTokenNote({ created, onDone }: { created: CreatedAgentToken; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(created.token).then(() => setCopied(true));
  };
  return (
    <div className="owner-created" data-testid="owner-created-token">
      <p>
        Token for <strong>{created.agentToken.name}</strong>: shown this once. Connect an MCP client to <code>{created.mcpUrl}</code> with the header{" "}
        <code>Authorization: Bearer …</code>.
      </p>
      <input readOnly value={created.token} onFocus={(e) => e.currentTarget.select()} aria-label="Agent token" data-testid="owner-token-value" />
      <div className="owner-actions">
        <button type="button" onClick={copy}>
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
