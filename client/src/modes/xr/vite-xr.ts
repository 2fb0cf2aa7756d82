import type { Plugin } from "vite";

const STUB = "\0atrium-no-xr-emulator";

/**
 * @pmndrs/xr can inject the IWER emulator on localhost (`emulate` option). Atrium turns that off
 * (the tests inject IWER themselves), so the emulator, its dev UI and its synthetic rooms (several
 * MB) would only be dead chunks in the build: this resolves that import to a stub that says so.
 */
export function xrNoEmulator(): Plugin {
  return {
    name: "atrium-xr-no-emulator",
    enforce: "pre",
    resolveId(source, importer) {
      if (source === "./emulate.js" && importer && /[\\/]@pmndrs[\\/]xr[\\/]dist[\\/]/.test(importer)) return STUB;
      return null;
    },
    load(id) {
      if (id !== STUB) return null;
      return "export function emulate() { throw new Error('Atrium builds without the XR emulator: the tests inject IWER themselves.'); }";
    },
  };
}
