import { boot } from "../boot";
import { useApp } from "../engine/store";

export function LoadingScreen() {
  const { progress, label, error } = useApp((s) => s.loading);
  const pct = Math.round(progress * 100);
  return (
    <div className="screen" data-testid="loading">
      <div className="card">
        <h1 className="brand">Atrium</h1>
        <p className="tagline">A shared workspace for people and AI agents</p>
        <div className="progress" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100} aria-label={label}>
          <div style={{ width: `${pct}%` }} />
        </div>
        <div className="progress-label">
          <span>{label}…</span>
          <span>{pct}%</span>
        </div>
        {error && (
          <>
            <p className="error-text" role="alert">
              {error}
            </p>
            <button className="secondary" style={{ marginTop: 12 }} onClick={() => void boot()}>
              Retry
            </button>
          </>
        )}
      </div>
    </div>
  );
}
