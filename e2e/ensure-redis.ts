/**
 * `npm test` calls this first: find Debian's redis-server (the scale-out test starts a private
 * one) or install it when it may (root with apt-get), else stop and say how.
 */
import { ensureRedisServer } from "../server/src/scale/redis-testing";

try {
  console.log(`redis-server: ${ensureRedisServer()}`);
} catch (err) {
  console.error(`\n${(err as Error).message}\n`);
  process.exit(1);
}
