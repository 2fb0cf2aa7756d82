import fs from "node:fs";
import { createRequire } from "node:module";
import type { Plugin } from "vite";
import { VOICE_ASSET_FILES } from "./asset-urls";

/**
 * Ships the voice model and the ONNX Runtime wasm from the app's own origin: the silero VAD
 * model from @ricky0123/vad-web's package files and onnxruntime-web's wasm binaries, copied
 * into the build output under /voice/ (and served from node_modules under `npm run dev`).
 * The page never fetches them from a CDN. Build-time (Node) code, used by vite.config.ts.
 */
const require = createRequire(import.meta.url);

/** Where each served file comes from, by its URL path under the build output. */
function sources(): Record<string, string> {
  return {
    [VOICE_ASSET_FILES.model]: require.resolve("@ricky0123/vad-web/dist/silero_vad_v5.onnx"),
    [VOICE_ASSET_FILES.wasm]: require.resolve("onnxruntime-web/ort-wasm-simd-threaded.wasm"),
    [VOICE_ASSET_FILES.wasmGlue]: require.resolve("onnxruntime-web/ort-wasm-simd-threaded.mjs"),
    [VOICE_ASSET_FILES.webgpuWasm]: require.resolve("onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm"),
    [VOICE_ASSET_FILES.webgpuGlue]: require.resolve("onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs"),
  };
}

const TYPES: Record<string, string> = { ".onnx": "application/octet-stream", ".wasm": "application/wasm", ".mjs": "text/javascript" };

export function voiceAssets(): Plugin {
  return {
    name: "atrium-voice-assets",
    configureServer(server) {
      const files = sources();
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? "").split("?")[0]!.replace(/^\//, "");
        const file = files[path];
        if (!file) return next();
        const ext = path.slice(path.lastIndexOf("."));
        res.setHeader("content-type", TYPES[ext] ?? "application/octet-stream");
        fs.createReadStream(file).pipe(res);
      });
    },
    generateBundle() {
      for (const [fileName, file] of Object.entries(sources())) {
        this.emitFile({ type: "asset", fileName, source: fs.readFileSync(file) });
      }
    },
  };
}
