/** `npm run test:e2e` calls this first: find Chromium or install Debian's, else stop and say how. */
import { ensureChromium } from "./chromium";

try {
  console.log(`Chromium: ${ensureChromium()}`);
} catch (err) {
  console.error(`\n${(err as Error).message}\n`);
  process.exit(1);
}
