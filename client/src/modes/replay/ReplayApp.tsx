import { useEffect, useState } from "react";
import type { ReplayTimeline } from "../../../../shared/replay";
import { ReplayView } from "./ReplayView";
import "./replay.css";

type Load = { kind: "loading" } | { kind: "error"; message: string; workspace: string } | { kind: "ready"; timeline: ReplayTimeline };

/** The workspace (and optional window) named in the address: /replay?workspace=main&from=…&to=… */
function queryFromLocation(): { workspace: string; search: string } {
  const params = new URLSearchParams(window.location.search);
  const workspace = params.get("workspace") || "main";
  const query = new URLSearchParams({ workspace });
  for (const key of ["from", "to"]) {
    const v = params.get(key);
    if (v) query.set(key, v);
  }
  return { workspace, search: query.toString() };
}

/** /replay: loads the workspace's timeline from the server, then shows it. */
export default function ReplayApp() {
  const [load, setLoad] = useState<Load>({ kind: "loading" });
  useEffect(() => {
    const { workspace, search } = queryFromLocation();
    document.title = `Replay · ${workspace} · Atrium`;
    let cancelled = false;
    fetch(`/api/replay?${search}`)
      .then(async (res) => {
        const body = (await res.json().catch(() => null)) as (ReplayTimeline & { error?: string }) | null;
        if (!res.ok || !body) throw new Error(body?.error ? `${body.error[0]!.toUpperCase()}${body.error.slice(1)}.` : `The server answered HTTP ${res.status}.`);
        if (!cancelled) setLoad({ kind: "ready", timeline: body });
      })
      .catch((err: unknown) => {
        if (!cancelled) setLoad({ kind: "error", message: err instanceof Error ? err.message : String(err), workspace });
      });
    return () => {
      cancelled = true;
    };
  }, []);

  if (load.kind === "ready") return <ReplayView timeline={load.timeline} />;
  return (
    <div className="replay-screen" data-testid="replay-status">
      <div className="card">
        <p className="brand">Replay</p>
        {load.kind === "loading" ? (
          <p className="tagline">Loading the recorded history…</p>
        ) : (
          <>
            <p className="error-text" role="alert">
              {load.message}
            </p>
            <p className="tagline">
              <a href={`/?workspace=${encodeURIComponent(load.workspace)}`}>Open the campus</a> and let the agents work, then come back.
            </p>
          </>
        )}
      </div>
    </div>
  );
}
