import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_SHAPES, MAX_AGENTS, TOOL_NAMES, type Roster } from "../../../shared/agents";
import { ConfigFileError, loadWorld } from "../world/load-world";
import { loadRoster } from "./roster";

const SHIPPED = path.resolve(__dirname, "../../../config/agents.yaml");
const world = loadWorld(path.resolve(__dirname, "../../../config/world.yaml"));

let dir: string;
let n = 0;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-roster-"));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function writeYaml(text: string): string {
  const file = path.join(dir, `agents-${++n}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

const PERSONA = "You are a test agent. You do careful work, report what you did and ask when unsure.";

function agent(id: string, overrides: Record<string, string> = {}): string {
  const f = {
    name: id.toUpperCase(),
    role: "Tester",
    home: "research-lab",
    tools: "[say, move_to]",
    appearance: '{ colour: "#123456", shape: cube }',
    budget: "{ usd: 1 }",
    persona: JSON.stringify(PERSONA),
    ...overrides,
  };
  return `
  - id: ${id}
${Object.entries(f)
  .filter(([, v]) => v !== "")
  .map(([k, v]) => `    ${k}: ${v}`)
  .join("\n")}`;
}

const roster = (agents: string, top = "") => `${top}\nagents:${agents}\n`;

function failure(file: string): ConfigFileError {
  try {
    loadRoster(file, world);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigFileError);
    return err as ConfigFileError;
  }
  throw new Error(`expected ${file} to be refused`);
}

describe("loadRoster: the shipped config/agents.yaml", () => {
  const r: Roster = loadRoster(SHIPPED, world);

  it("is valid and has at least five agents, one per role the design names, each at home in its district", () => {
    expect(r.agents.length).toBeGreaterThanOrEqual(5);
    const homeOf = (role: RegExp) => r.agents.find((a) => role.test(a.role))?.home;
    expect(homeOf(/research/i)).toBe("research-lab");
    expect(homeOf(/build/i)).toBe("build-yard");
    expect(homeOf(/design/i)).toBe("design-studio");
    expect(homeOf(/ops/i)).toBe("ops-center");
    expect(homeOf(/coordinat/i)).toBe("market-hall");
  });

  it("gives every agent a distinct id, name, colour and shape", () => {
    for (const key of ["id", "name"] as const) expect(new Set(r.agents.map((a) => a[key])).size).toBe(r.agents.length);
    expect(new Set(r.agents.map((a) => a.appearance.colour.toLowerCase())).size).toBe(r.agents.length);
    expect(new Set(r.agents.map((a) => a.appearance.shape)).size).toBe(Math.min(r.agents.length, AGENT_SHAPES.length));
  });

  it("gives everyone the common tools, the coordinator task tools and the makers write_artifact", () => {
    for (const a of r.agents) {
      for (const t of ["say", "move_to", "update_task", "ask_human", "escalate"] as const) expect(a.tools, `${a.id} lacks ${t}`).toContain(t);
    }
    const coordinator = r.agents.find((a) => /coordinat/i.test(a.role))!;
    expect(coordinator.tools).toEqual(expect.arrayContaining(["create_task", "hand_off"]));
    for (const maker of r.agents.filter((a) => /research|build|design/i.test(a.role))) expect(maker.tools).toContain("write_artifact");
  });

  it("has personas of a few sentences that only mention tools the agent is allowed", () => {
    for (const a of r.agents) {
      expect(a.persona.split(/[.!?](\s|$)/).filter((s) => s.trim().length > 10).length, a.id).toBeGreaterThanOrEqual(3);
      const mentioned = TOOL_NAMES.filter((t) => a.persona.includes(t));
      expect(mentioned.length, `${a.id} persona names too few tools`).toBeGreaterThanOrEqual(2);
      for (const t of mentioned) expect(a.tools, `${a.id} persona mentions ${t}`).toContain(t);
    }
  });

  it("sets sensible budgets, within the workspace budget", () => {
    for (const a of r.agents) {
      expect(a.budget.usd).toBeGreaterThanOrEqual(0.5);
      expect(a.budget.usd).toBeLessThanOrEqual(2);
    }
    expect(r.workspaceBudgetUsd).toBeGreaterThanOrEqual(Math.max(...r.agents.map((a) => a.budget.usd)));
  });
});

describe("loadRoster: bad files", () => {
  it("accepts a minimal valid file", () => {
    const r = loadRoster(writeYaml(roster(agent("ada"))), world);
    expect(r.agents).toHaveLength(1);
    expect(r.agents[0]).toMatchObject({ id: "ada", name: "ADA", home: "research-lab", tools: ["say", "move_to"], budget: { usd: 1 } });
    expect(r.agents[0]!.model).toBeUndefined();
    expect(r.workspaceBudgetUsd).toBeUndefined();
  });

  it("names the agent, the field and the known districts for an unknown home", () => {
    const file = writeYaml(roster(agent("ada") + agent("bob") + agent("cy", { home: "moon-base" })));
    const err = failure(file);
    expect(err.message).toContain(file);
    expect(err.message).toContain(`agents[2].home: unknown district "moon-base"; known: ${world.districts.map((d) => d.id).join(", ")}`);
    expect(err.message).not.toContain("agents[0]");
  });

  it("refuses duplicate ids and names, pointing at the second one", () => {
    const err = failure(writeYaml(roster(agent("ada") + agent("bob", { name: "ada" }) + agent("ada", { name: "Zed" }))));
    expect(err.message).toContain('agents[2].id: duplicate agent id "ada"');
    expect(err.message).toContain('agents[1].name: duplicate agent name "ada"');
  });

  it("refuses unknown and duplicate tools and an empty tool list", () => {
    const err = failure(writeYaml(roster(agent("ada", { tools: "[say, fly]" }) + agent("bob", { tools: "[say, say]" }) + agent("cy", { tools: "[]" }))));
    expect(err.message).toContain("agents[0].tools[1]");
    expect(err.message).toContain('agents[1].tools[1]: duplicate tool "say"');
    expect(err.message).toMatch(/agents\[2\]\.tools: must allow at least one tool/);
  });

  it("refuses a bad colour, an unknown shape, a bad id and a non-positive budget", () => {
    const err = failure(
      writeYaml(
        roster(
          agent("ada", { appearance: '{ colour: "blue", shape: cube }' }) +
            agent("bob", { appearance: '{ colour: "#fff", shape: pyramid }' }) +
            agent("Bad_Id") +
            agent("dee", { budget: "{ usd: 0 }" }),
        ),
      ),
    );
    expect(err.message).toMatch(/agents\[0\]\.appearance\.colour: must be a hex colour/);
    expect(err.message).toContain("agents[1].appearance.shape");
    expect(err.message).toMatch(/agents\[2\]\.id: must be lower-case/);
    expect(err.message).toContain("agents[3].budget.usd");
  });

  it("refuses a missing or too short persona, and a misspelt field", () => {
    const err = failure(writeYaml(roster(agent("ada", { persona: "" }) + agent("bob", { persona: '"Hi."' }) + agent("cy", { modle: "gpt" }))));
    expect(err.message).toContain("agents[0].persona");
    expect(err.message).toMatch(/agents\[1\]\.persona: must be at least 40 characters/);
    expect(err.message).toMatch(/agents\[2\].*modle/);
  });

  it("refuses an empty roster and more agents than allowed", () => {
    expect(failure(writeYaml("agents: []\n")).message).toContain("agents: ");
    const many = Array.from({ length: MAX_AGENTS + 1 }, (_, i) => agent(`a${i}`, { name: `A${i}` })).join("");
    expect(failure(writeYaml(roster(many))).message).toMatch(new RegExp(`agents: .*${MAX_AGENTS}`));
  });

  it("refuses a non-positive workspace budget", () => {
    expect(failure(writeYaml(roster(agent("ada"), "workspaceBudgetUsd: -1"))).message).toContain("workspaceBudgetUsd");
  });

  it("refuses a missing file and invalid YAML, naming the file", () => {
    const missing = path.join(dir, "nope.yaml");
    expect(failure(missing).message).toContain(missing);
    const bad = writeYaml("agents: [unclosed\n");
    expect(failure(bad).message).toMatch(/not valid YAML/);
  });
});
