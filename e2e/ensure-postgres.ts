/**
 * `npm run test:unit` calls this first: find PostgreSQL's server binaries (the store tests start a
 * private cluster) or install Debian's postgresql when it may (root with apt-get), else stop and say how.
 */
import { ensurePostgresBinaries } from "../server/src/store/postgres-testing";

try {
  console.log(`postgresql: ${ensurePostgresBinaries()}`);
} catch (err) {
  console.error(`\n${(err as Error).message}\n`);
  process.exit(1);
}
