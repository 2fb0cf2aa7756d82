import { execFileSync } from "node:child_process";
import os from "node:os";
import { pinning } from "./pinning";
import { REPO_ROOT } from "./server-process";

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  /** 1, 5 and 15 minute load averages when the run started: other work on the machine skews timings. */
  loadAverage: number[];
  /** Which cores the server and the load ran on (bench/pinning.ts). */
  pinning: string;
}

export interface GitInfo {
  commit: string;
  /** True when the working tree had uncommitted changes: the numbers may not match the commit alone. */
  dirty: boolean;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg(),
    pinning: pinning().description,
  };
}

/** The checked-out commit, or null outside a git work tree. */
export function gitInfo(): GitInfo | null {
  try {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return { commit: git("rev-parse", "HEAD"), dirty: git("status", "--porcelain") !== "" };
  } catch {
    return null;
  }
}
