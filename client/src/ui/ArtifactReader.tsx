import { useEffect, useMemo } from "react";
import { artifactUrl, requestArtifactBody, useArtifactBody } from "../engine/artifact-bodies";
import { formatAgo } from "../engine/activity";
import { withToken } from "../engine/join-token";
import { parseChart } from "../engine/chart";
import { parseMarkdown } from "../engine/markdown";
import { appStore, useApp } from "../engine/store";
import { ChartView } from "./ChartView";
import { MarkdownView } from "./MarkdownView";

/**
 * The desktop 2D reader for an artifact: markdown rendered to React elements (never
 * innerHTML), charts as SVG with their data, and a download of the original (.md / .json).
 * Lazy: the markdown parser loads with the 3D chunk, not with the page.
 */
export default function ArtifactReader() {
  const id = useApp((s) => s.openArtifact);
  const meta = useApp((s) => (s.openArtifact ? s.artifacts[s.openArtifact] : undefined));
  const agents = useApp((s) => s.agents);
  const body = useArtifactBody(id);
  useEffect(() => {
    if (id) requestArtifactBody(id);
  }, [id]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && appStore.setState({ openArtifact: null });
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  const kind = meta?.kind ?? (body?.state === "ready" && body.contentType.includes("json") ? "chart" : "markdown");
  const content = useMemo(() => {
    if (body?.state !== "ready") return null;
    if (kind === "chart") {
      const parsed = parseChart(body.text);
      return "chart" in parsed ? <ChartView chart={parsed.chart} /> : <p className="error-text">This chart cannot be drawn: {parsed.error}</p>;
    }
    return <MarkdownView blocks={parseMarkdown(body.text)} />;
  }, [body, kind]);
  if (!id) return null;
  const close = () => appStore.setState({ openArtifact: null });
  const who = meta ? (agents[meta.createdBy]?.name ?? meta.createdBy) : "";
  return (
    <div className="modal-backdrop" onClick={close}>
      <article className="card reader" data-testid="artifact-reader" role="dialog" aria-label={meta?.title ?? "Artifact"} onClick={(e) => e.stopPropagation()}>
        <header className="reader-head">
          <div>
            <h2>{meta?.title ?? "Artifact"}</h2>
            {meta && (
              <div className="muted small">
                {kind === "chart" ? "Chart" : "Document"} by {who} · {formatAgo(meta.createdAt, Date.now())}
                {meta.taskId ? (
                  <>
                    {" · "}
                    <button className="link-button" onClick={() => appStore.setState({ selectedTask: meta.taskId, openArtifact: null })}>
                      open its task
                    </button>
                  </>
                ) : null}
              </div>
            )}
          </div>
          <a className="secondary download" data-testid="artifact-download" href={withToken(artifactUrl(id, true))} download>
            Download .{kind === "chart" ? "json" : "md"}
          </a>
          <button type="button" className="close" aria-label="Close" onClick={close}>
            ×
          </button>
        </header>
        <div className="reader-body">
          {body?.state === "error" && <p className="error-text">Could not load it: {body.error}</p>}
          {(!body || body.state === "loading") && <p className="muted">Loading…</p>}
          {content}
        </div>
      </article>
    </div>
  );
}
