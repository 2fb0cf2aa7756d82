/** Where the app serves its voice files (see vite-voice-assets.ts), relative to its origin. */
export const VOICE_ASSET_FILES = {
  /** silero VAD v5 (512-sample frames at 16 kHz), from @ricky0123/vad-web. */
  model: "voice/silero_vad_v5.onnx",
  /** onnxruntime-web's wasm backend. */
  wasm: "voice/ort/ort-wasm-simd-threaded.wasm",
  wasmGlue: "voice/ort/ort-wasm-simd-threaded.mjs",
  /** onnxruntime-web's WebGPU build (its wasm part). */
  webgpuWasm: "voice/ort/ort-wasm-simd-threaded.asyncify.wasm",
  webgpuGlue: "voice/ort/ort-wasm-simd-threaded.asyncify.mjs",
} as const;
