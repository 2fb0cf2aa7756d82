import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigFileError, loadWorld } from "./load-world";

const SHIPPED = path.resolve(__dirname, "../../../config/world.yaml");

let dir: string;
let n = 0;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-world-"));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function writeYaml(text: string): string {
  const file = path.join(dir, `world-${++n}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

const district = (id: string, extra = "") => `
  - id: ${id}
    name: ${id}
    purpose: testing
    colour: "#123456"
    position: [0, -20]
    radius: 5
${extra}`;

function world(districts: string, top = "campusRadius: 60"): string {
  return `name: Test Campus
${top}
plaza:
  radius: 10
  colour: "#ffffff"
spawn:
  position: [0, 0]
districts:${districts}
`;
}

/** Runs loadWorld expecting a ConfigFileError; returns it. */
function failure(file: string): ConfigFileError {
  try {
    loadWorld(file);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigFileError);
    return err as ConfigFileError;
  }
  throw new Error(`expected ${file} to be refused`);
}

describe("loadWorld: the shipped config/world.yaml", () => {
  const w = loadWorld(SHIPPED);

  it("is valid and has at least five districts, including the five named in the design", () => {
    expect(w.districts.length).toBeGreaterThanOrEqual(5);
    const names = w.districts.map((d) => d.name);
    for (const name of ["Research Lab", "Build Yard", "Design Studio", "Ops Center", "Market Hall"]) {
      expect(names).toContain(name);
    }
  });

  it("gives every district a purpose, a colour and at least one board, and keeps them inside the campus", () => {
    for (const d of w.districts) {
      expect(d.purpose.length).toBeGreaterThan(0);
      expect(d.colour).toMatch(/^#[0-9a-f]{3,6}$/i);
      expect(d.boards.length).toBeGreaterThan(0);
      expect(Math.hypot(...d.position) + d.radius).toBeLessThanOrEqual(w.campusRadius);
    }
    expect(new Set(w.districts.map((d) => d.id)).size).toBe(w.districts.length);
  });

  it("puts the spawn point inside the campus", () => {
    expect(Math.hypot(...w.spawn.position) + w.spawn.spread).toBeLessThanOrEqual(w.campusRadius);
  });
});

describe("loadWorld: bad files", () => {
  it("accepts a minimal valid file and fills in the defaults", () => {
    const w = loadWorld(writeYaml(world(district("lab"))));
    expect(w.spawn.spread).toBe(3);
    expect(w.districts[0]!.boards).toEqual(["tasks"]);
  });

  it("names the file, the field path and the problem for a bad colour", () => {
    const file = writeYaml(world(district("lab") + district("yard").replace('"#123456"', '"orange"')));
    const err = failure(file);
    expect(err.message).toContain(file);
    expect(err.message).toContain("districts[1].colour");
    expect(err.message).toMatch(/hex colour/);
  });

  it("reports every problem, each with its own path", () => {
    const file = writeYaml(
      world(district("lab").replace("radius: 5", "radius: -1") + district("Bad_Id"), "campusRadius: 60\nextra: ignored"),
    );
    const err = failure(file);
    expect(err.message).toContain("districts[0].radius");
    expect(err.message).toContain("districts[1].id");
    expect(err.message).toMatch(/lower-case letters, digits and dashes/);
  });

  it("names a missing top-level field", () => {
    const file = writeYaml(world(district("lab"), ""));
    const err = failure(file);
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/campusRadius: /);
  });

  it("refuses a file that is not a mapping at all", () => {
    const err = failure(writeYaml("- just\n- a list\n"));
    expect(err.message).toContain("(top level)");
  });

  it("refuses an empty file", () => {
    const file = writeYaml("");
    expect(failure(file).message).toContain(file);
  });

  it("refuses a file it cannot read, naming it", () => {
    const file = path.join(dir, "does-not-exist.yaml");
    const err = failure(file);
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/cannot read the file/);
    expect(err.message).toMatch(/ENOENT/);
  });

  it("refuses a directory passed as the file", () => {
    const err = failure(dir);
    expect(err.message).toMatch(/cannot read the file/);
  });

  it("refuses invalid YAML, naming the file", () => {
    const file = writeYaml("name: [unclosed\ncampusRadius: 60\n");
    const err = failure(file);
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/not valid YAML/);
    expect(err.message.split("\n")).toHaveLength(1);
  });

  it("refuses duplicate district ids, pointing at the second one", () => {
    const file = writeYaml(world(district("lab") + district("yard") + district("lab")));
    const err = failure(file);
    expect(err.message).toContain("districts[2].id");
    expect(err.message).toContain('duplicate district id "lab"');
    expect(err.message).not.toContain("districts[0].id");
  });

  it("refuses a district that reaches outside the campus", () => {
    const file = writeYaml(world(district("lab") + district("far").replace("position: [0, -20]", "position: [58, 0]")));
    const err = failure(file);
    expect(err.message).toContain("districts[1].position");
    expect(err.message).toMatch(/"far" reaches 63\.0 m from the centre, outside campusRadius 60/);
  });

  it("refuses an unknown board kind and a position that is not a pair", () => {
    const file = writeYaml(
      world(
        district("lab", "    boards: [tasks, posters]") + district("yard").replace("position: [0, -20]", "position: [1, 2, 3]"),
      ),
    );
    const err = failure(file);
    expect(err.message).toContain("districts[0].boards[1]");
    expect(err.message).toContain("districts[1].position");
  });
});
