import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { AGENT_SHAPES, type ToolName } from "../shared/agents";
import { loadRoster } from "../server/src/agents/roster";
import { loadWorld } from "../server/src/world/load-world";
import { REPO_ROOT } from "./server-process";

const COLOURS = ["#c084fc", "#38bdf8", "#fb923c", "#f472b6", "#34d399", "#facc15"];

export interface BenchRosterOptions {
  /** Agent ids are `${prefix}-01`, `${prefix}-02`, … */
  prefix: string;
  /** Display names are `${label} 01`, … */
  label: string;
  role: string;
  persona: (i: number, districtName: string) => string;
  tools: ToolName[];
  budgetUsd: number;
}

/**
 * A valid roster of `count` agents (config/agents.yaml's shape), homes spread over the world's
 * districts, in a fresh temp folder. Checked with the server's own loader, so a bad field fails
 * here rather than in the server's start-up output.
 */
export function writeBenchRoster(count: number, o: BenchRosterOptions): { dir: string; file: string } {
  const world = loadWorld(path.join(REPO_ROOT, "config", "world.yaml"));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `atrium-bench-${o.prefix}-`));
  const agents = Array.from({ length: count }, (_, i) => {
    const home = world.districts[i % world.districts.length]!;
    const n = String(i + 1).padStart(2, "0");
    return {
      id: `${o.prefix}-${n}`,
      name: `${o.label} ${n}`,
      role: o.role,
      home: home.id,
      persona: o.persona(i + 1, home.name),
      tools: o.tools,
      appearance: { colour: COLOURS[i % COLOURS.length]!, shape: AGENT_SHAPES[i % AGENT_SHAPES.length]! },
      budget: { usd: o.budgetUsd },
    };
  });
  const file = path.join(dir, "agents.yaml");
  fs.writeFileSync(file, stringify({ agents }));
  loadRoster(file, world);
  return { dir, file };
}
