import { useStore } from "zustand";
import { createStore } from "zustand/vanilla";

/**
 * Artifact bodies fetched from GET /api/artifacts/:id (raw markdown, or the chart as JSON).
 * Artifacts never change once written, so each is fetched once per page and kept; the walls
 * and the reader share the copy.
 */

/** Most bodies kept; the least recently requested go first. */
export const BODY_CACHE_LIMIT = 120; // default 120
/** A failed fetch may be tried again after this long (ms). */
export const BODY_RETRY_MS = 5_000; // default 5_000

export type ArtifactBody =
  | { state: "loading" }
  | { state: "error"; error: string; at: number }
  | { state: "ready"; text: string; contentType: string };

export const bodyStore = createStore<{ bodies: Record<string, ArtifactBody> }>()(() => ({ bodies: {} }));

export function useArtifactBody(id: string | null): ArtifactBody | undefined {
  return useStore(bodyStore, (s) => (id ? s.bodies[id] : undefined));
}

/** The API address of an artifact (with `?download=1` for a file download). */
export function artifactUrl(id: string, download = false): string {
  return `/api/artifacts/${encodeURIComponent(id)}${download ? "?download=1" : ""}`;
}

function set(id: string, body: ArtifactBody): void {
  bodyStore.setState((s) => {
    const bodies = { ...s.bodies, [id]: body };
    const ids = Object.keys(bodies);
    for (let i = 0; ids.length - i > BODY_CACHE_LIMIT; i++) delete bodies[ids[i]!];
    return { bodies };
  });
}

/** Starts fetching an artifact's body unless it is here, on its way, or failed just now. */
export function requestArtifactBody(id: string): void {
  const have = bodyStore.getState().bodies[id];
  if (have && (have.state !== "error" || Date.now() - have.at < BODY_RETRY_MS)) return;
  set(id, { state: "loading" });
  fetch(artifactUrl(id))
    .then(async (res) => {
      const text = await res.text();
      if (!res.ok) throw new Error(describeHttpError(res.status, text));
      set(id, { state: "ready", text, contentType: res.headers.get("content-type") ?? "" });
    })
    .catch((err: unknown) => set(id, { state: "error", error: err instanceof Error ? err.message : String(err), at: Date.now() }));
}

/** A readable sentence for an API error (the server answers `{ error: "..." }`). */
export function describeHttpError(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    const msg = typeof parsed.error === "string" ? parsed.error : typeof parsed.message === "string" ? parsed.message : null;
    if (msg) return msg;
  } catch {
    // not JSON
  }
  return status === 404 ? "not found" : `the server answered HTTP ${status}`;
}
