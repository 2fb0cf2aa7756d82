import { useState, type FormEvent } from "react";
import { MAX_NAME_LENGTH } from "../../../shared/constants";
import { enterCampus, rememberedName } from "../engine/session";
import { useApp } from "../engine/store";

export function NamePrompt() {
  const joining = useApp((s) => s.phase === "joining");
  const workspace = useApp((s) => s.workspace);
  const [name, setName] = useState(rememberedName);
  const [error, setError] = useState<string | null>(null);
  const trimmed = name.trim();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!trimmed || joining) return;
    setError(null);
    enterCampus(trimmed).catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  };

  return (
    <div className="screen" data-testid="name-prompt">
      <form className="card" onSubmit={submit}>
        <h1 className="brand">Welcome to Atrium</h1>
        <p className="tagline">
          Workspace <strong>{workspace}</strong>. Others will see you by this name.
        </p>
        <label className="field">
          Your name
          <input
            name="name"
            autoFocus
            autoComplete="nickname"
            maxLength={MAX_NAME_LENGTH}
            value={name}
            placeholder="e.g. Ada"
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <button className="primary" type="submit" disabled={!trimmed || joining}>
          {joining ? "Joining…" : "Enter the campus"}
        </button>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <p className="hint">
          Or <a href={`/spectate?workspace=${encodeURIComponent(workspace)}`} data-testid="watch-link">Watch (spectator)</a>: a read-only dashboard for a big screen.
        </p>
        <p className="hint">
          Walk with <kbd>W</kbd>
          <kbd>A</kbd>
          <kbd>S</kbd>
          <kbd>D</kbd>, drag to look, press <kbd>?</kbd> for every shortcut.
        </p>
      </form>
    </div>
  );
}
