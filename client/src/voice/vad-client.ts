import { VOICE_ASSET_FILES } from "./asset-urls";
import type { ExecutionProvider, FromVadWorker, ToVadWorker } from "./vad-protocol";

/** How long one provider may take to load and measure before it counts as not working (ms). */
const INIT_TIMEOUT_MS = 30_000;

export interface VadWorker {
  worker: Worker;
  ep: ExecutionProvider;
  msPerFrame: number;
  /** Every provider that worked, with its measured time per 32 ms frame. */
  providers: { ep: ExecutionProvider; msPerFrame: number }[];
  send(msg: ToVadWorker, transfer?: Transferable[]): void;
}

function spawn(ep: ExecutionProvider): Promise<{ worker: Worker; msPerFrame: number }> {
  const worker = new Worker(new URL("./vad-worker.ts", import.meta.url), { type: "module", name: `vad-${ep}` });
  const origin = window.location.origin;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      worker.terminate();
      reject(new Error(`the ${ep} VAD did not start within ${INIT_TIMEOUT_MS / 1000} s`));
    }, INIT_TIMEOUT_MS);
    worker.onmessage = (e: MessageEvent<FromVadWorker>) => {
      if (e.data.type === "ready") {
        clearTimeout(timer);
        resolve({ worker, msPerFrame: e.data.msPerFrame });
      } else if (e.data.type === "error") {
        clearTimeout(timer);
        worker.terminate();
        reject(new Error(e.data.message));
      }
    };
    worker.onerror = (e) => {
      clearTimeout(timer);
      worker.terminate();
      reject(new Error(e.message || `the ${ep} VAD worker failed to load`));
    };
    const init: ToVadWorker = { type: "init", ep, modelUrl: `${origin}/${VOICE_ASSET_FILES.model}`, wasmBase: `${origin}/${VOICE_ASSET_FILES.wasm.replace(/[^/]+$/, "")}` };
    worker.postMessage(init);
  });
}

/** WebGPU is offered only where the browser has an adapter. */
async function hasWebGpu(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}

/**
 * Starts the VAD: loads the model under every execution provider that works here (wasm always,
 * webgpu where there is an adapter), measures each on real frames, and keeps the fastest
 * (or `prefer`, when it works). The silero model is tiny, so wasm usually wins.
 */
export async function startVad(prefer?: ExecutionProvider): Promise<VadWorker> {
  const eps: ExecutionProvider[] = (await hasWebGpu()) ? ["wasm", "webgpu"] : ["wasm"];
  const results = await Promise.allSettled(eps.map((ep) => spawn(ep)));
  const working = eps.flatMap((ep, i) => {
    const r = results[i]!;
    return r.status === "fulfilled" ? [{ ep, ...r.value }] : [];
  });
  if (working.length === 0) {
    const why = results.map((r) => (r.status === "rejected" ? String((r.reason as Error)?.message ?? r.reason) : "")).filter(Boolean);
    throw new Error(`voice detection could not start: ${why.join("; ")}`);
  }
  working.sort((a, b) => a.msPerFrame - b.msPerFrame);
  const chosen = working.find((w) => w.ep === prefer) ?? working[0]!;
  for (const w of working) if (w !== chosen) w.worker.terminate();
  return {
    worker: chosen.worker,
    ep: chosen.ep,
    msPerFrame: chosen.msPerFrame,
    providers: working.map((w) => ({ ep: w.ep, msPerFrame: w.msPerFrame })),
    send: (msg, transfer = []) => chosen.worker.postMessage(msg, transfer),
  };
}
