import { execFileSync } from "node:child_process";
import fs from "node:fs";

/** Whether this process runs as root. */
export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/**
 * What the tests need from the machine (Chromium, redis-server, PostgreSQL): `find()` it, or,
 * when this process may (root with apt-get), install Debian's `pkg` and look again. Throws
 * `missing` (a message saying how to get it) when it can do neither. Never downloads anything
 * but Debian's package. Test code only.
 */
export function findOrInstall(find: () => string | null, pkg: string, what: string, missing: string, log: (line: string) => void = console.log): string {
  const found = find();
  if (found) return found;
  if (isRoot() && fs.existsSync("/usr/bin/apt-get")) {
    log(`${what} not found: installing Debian's package (apt-get install -y ${pkg})…`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    execFileSync("apt-get", ["install", "-y", "-qq", pkg], { stdio: "inherit", env });
    const installed = find();
    if (installed) return installed;
  }
  throw new Error(missing);
}
