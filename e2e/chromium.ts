import fs from "node:fs";
import { findOrInstall } from "../server/src/testing/debian-package";

/** Where Debian puts Chromium. */
export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/**
 * Flags for headless Chromium on a machine with no GPU and no network: WebGL2 through
 * SwiftShader, and no background calls home.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
  "--ignore-gpu-blocklist",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--no-first-run",
  "--disable-dev-shm-usage",
];

/** CHROMIUM_PATH if set, else Debian's Chromium; null when neither exists. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [env.CHROMIUM_PATH, DEBIAN_CHROMIUM].filter((p): p is string => !!p);
  return candidates.find((p) => fs.existsSync(p)) ?? null;
}

const CHROMIUM_MISSING = [
  "The browser tests need Chromium and none was found.",
  "  • Set CHROMIUM_PATH to a Chromium or Chrome binary, or",
  `  • install Debian's package: sudo apt-get install -y chromium  (gives ${DEBIAN_CHROMIUM}).`,
  "`npx playwright install` is not used: it downloads browsers, which this project does not rely on.",
].join("\n");

/**
 * Finds Chromium, or installs Debian's package when this process may (root with apt-get).
 * Throws with instructions when it can do neither. Never downloads a browser build.
 */
export function ensureChromium(log: (line: string) => void = console.log): string {
  return findOrInstall(() => findChromium(), "chromium", "Chromium", CHROMIUM_MISSING, log);
}

/**
 * Extra flags for a fake microphone: Chromium grants the permission without a prompt and plays
 * `wav` as the microphone, in a loop; audio may start without a user gesture (agents' voices).
 */
export function fakeMicrophoneArgs(wav: string): string[] {
  return ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-audio-capture=${wav}`, "--autoplay-policy=no-user-gesture-required"];
}
