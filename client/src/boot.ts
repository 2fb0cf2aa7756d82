import { FONT_BOLD, FONT_REGULAR, PRELOAD_FILES } from "./engine/assets";
import { appStore } from "./engine/store";
import { loadSceneModule } from "./scene/lazy";

/** Share of the progress bar for each loading step; they add up to 1. */
const SHARE = { files: 0.3, engine: 0.45, glyphs: 0.15, server: 0.1 } as const;

function report(progress: number, label: string): void {
  appStore.setState({ loading: { progress: Math.min(1, progress), label, error: null } });
}

/** Downloads one file, reporting bytes as they arrive. */
async function fetchWithProgress(url: string, onBytes: (received: number, total: number) => void): Promise<void> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not load ${url} (HTTP ${res.status}).`);
  const total = Number(res.headers.get("content-length")) || 0;
  if (!res.body) {
    const size = (await res.arrayBuffer()).byteLength;
    onBytes(size, size);
    return;
  }
  const reader = res.body.getReader();
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    onBytes(received, Math.max(total, received));
  }
}

/**
 * Everything before the name prompt, with real progress: the app's files (bytes received),
 * the 3D engine chunk, the glyph atlases, and a check that the server is ready.
 */
export async function boot(): Promise<void> {
  try {
    const fraction = new Array<number>(PRELOAD_FILES.length).fill(0);
    const update = () => report((SHARE.files * fraction.reduce((a, b) => a + b, 0)) / PRELOAD_FILES.length, "Loading fonts");
    update();
    const scene = loadSceneModule(); // starts downloading alongside the fonts
    await Promise.all(
      PRELOAD_FILES.map((url, i) =>
        fetchWithProgress(url, (got, total) => {
          fraction[i] = total > 0 ? got / total : 0;
          update();
        }),
      ),
    );

    report(SHARE.files, "Loading the 3D engine");
    const { preloadGlyphs } = await scene.catch(() => {
      throw new Error("Could not load the 3D engine. Check the connection, then retry.");
    });

    report(SHARE.files + SHARE.engine, "Preparing signs");
    await preloadGlyphs(FONT_REGULAR);
    report(SHARE.files + SHARE.engine + SHARE.glyphs / 2, "Preparing signs");
    await preloadGlyphs(FONT_BOLD);

    report(1 - SHARE.server, "Checking the server");
    const ready = await fetch("/readyz").then(
      (r) => r.ok,
      () => false,
    );
    if (!ready) throw new Error("The Atrium server is not answering. Check that it is running, then retry.");
    report(1, "Ready");
    appStore.setState({ phase: "name" });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    appStore.setState((s) => ({ loading: { ...s.loading, error: message } }));
  }
}
