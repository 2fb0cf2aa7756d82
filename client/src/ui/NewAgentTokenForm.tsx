import { useEffect, useState, type FormEvent } from "react";
import { AGENT_TOKEN_DEFAULT_BUDGET_CALLS, type CreatedAgentToken } from "../../../shared/agent-tokens";
import { createAgentToken } from "../engine/agent-tokens-api";

/** The owner panel's form to issue an agent token: id, name, job, role, allowed tools, budget. */
export function NewAgentTokenForm({ workspace, toolNames, onCreated, onError }: { workspace: string; toolNames: string[]; onCreated: (c: CreatedAgentToken) => void; onError: (e: string) => void }) {
  const [agentId, setAgentId] = useState("");
  const [name, setName] = useState("");
  const [title, setTitle] = useState("");
  const [role, setRole] = useState<"member" | "spectator">("member");
  const [tools, setTools] = useState<string[]>(toolNames);
  // Every tool allowed by default, once the server has said which there are.
  useEffect(() => setTools(toolNames), [toolNames]);
  const [budget, setBudget] = useState(String(AGENT_TOKEN_DEFAULT_BUDGET_CALLS));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = { workspace, agentId: agentId.trim(), name: name.trim(), ...(title.trim() ? { title: title.trim() } : {}), role, tools, budgetCalls: Number(budget) };
    createAgentToken(body).then(
      (c) => {
        setAgentId("");
        setName("");
        setTitle("");
        onCreated(c);
      },
      (err: Error) => onError(err.message),
    );
  };
  const toggle = (tool: string) => setTools((now) => (now.includes(tool) ? now.filter((t) => t !== tool) : [...now, tool]));
  return (
    <form className="owner-new" data-testid="owner-new-token" onSubmit={submit}>
      <strong>New agent token</strong>
      <div className="owner-row">
        <input name="agentId" placeholder="id, e.g. scout" value={agentId} maxLength={32} onChange={(e) => setAgentId(e.target.value)} required />
        <input name="name" placeholder="name, e.g. Scout" value={name} maxLength={32} onChange={(e) => setName(e.target.value)} required />
      </div>
      <div className="owner-row">
        <input name="title" placeholder="job, e.g. Researcher" value={title} maxLength={60} onChange={(e) => setTitle(e.target.value)} />
        <select name="role" value={role} onChange={(e) => setRole(e.target.value === "spectator" ? "spectator" : "member")}>
          <option value="member">member: acts</option>
          <option value="spectator">spectator: reads only</option>
        </select>
      </div>
      <fieldset className="owner-tools">
        <legend className="muted small">Allowed tools</legend>
        {toolNames.map((tool) => (
          <label key={tool}>
            <input type="checkbox" checked={tools.includes(tool)} onChange={() => toggle(tool)} /> {tool}
          </label>
        ))}
      </fieldset>
      <label className="muted small">
        Budget (tool calls) <input name="budgetCalls" type="number" min={1} value={budget} onChange={(e) => setBudget(e.target.value)} />
      </label>
      <button type="submit" className="primary small-button" disabled={tools.length === 0}>
        Issue token
      </button>
    </form>
  );
}
