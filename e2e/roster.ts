import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse, stringify } from "yaml";
import { ROOT } from "./server";

/**
 * Writes a roster of `count` agents (valid for shared/agents.ts), spread over the districts of
 * config/world.yaml, and returns its path. For tests that need more agents than the default.
 */
export function writeRoster(count: number): string {
  const world = parse(fs.readFileSync(path.join(ROOT, "config/world.yaml"), "utf8")) as { districts: { id: string }[] };
  const shapes = ["capsule", "cube", "cone", "sphere", "octahedron"];
  const agents = Array.from({ length: count }, (_, i) => ({
    id: `agent-${i + 1}`,
    name: `Agent ${i + 1}`,
    role: "Helper",
    persona: "A generated helper agent for tests. It answers briefly and passes work along to the next agent.",
    home: world.districts[i % world.districts.length]!.id,
    tools: ["say", "move_to", "update_task", "hand_off", "ask_human", "escalate"],
    appearance: { colour: `#${((i * 2654435761) >>> 8).toString(16).padStart(6, "0").slice(0, 6)}`, shape: shapes[i % shapes.length] },
    budget: { usd: 1 },
  }));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-roster-"));
  const file = path.join(dir, "agents.yaml");
  fs.writeFileSync(file, stringify({ agents }));
  return file;
}
