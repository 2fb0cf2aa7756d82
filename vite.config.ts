import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The client lives in client/; files in assets/ (fonts, later models and ONNX) are served
 * as-is from the app's own origin. The build lands in dist/client, which the server serves.
 */
export default defineConfig({
  root: "client",
  publicDir: "../assets",
  plugins: [react()],
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
