import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";
import { voiceAssets } from "./client/src/voice/vite-voice-assets";
import { xrNoEmulator } from "./client/src/modes/xr/vite-xr";

/**
 * The client lives in client/; files in assets/ (fonts, later models and ONNX) are served
 * as-is from the app's own origin. The build lands in dist/client, which the server serves.
 */
export default defineConfig({
  root: "client",
  publicDir: "../assets",
  plugins: [react(), voiceAssets(), xrNoEmulator()],
  // onnxruntime-web's builds that load their wasm from env.wasm.wasmPaths (the app's /voice/ort/),
  // instead of the ones that make the bundler copy a second 14–27 MB wasm of their own.
  resolve: { conditions: ["onnxruntime-web-use-extern-wasm", ...defaultClientConditions] },
  // The VAD worker loads the wasm or the WebGPU runtime on demand: module workers with code-splitting.
  worker: { format: "es" },
  build: {
    outDir: "../dist/client",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 1500,
    // Lets `npm run bench` tell which lazy chunks the desktop needs for its first view.
    manifest: true,
  },
  server: { hmr: { port: 24678 } },
});
