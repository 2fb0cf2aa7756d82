import { rosterSchema, type Roster } from "../../../shared/agents";
import type { World } from "../../../shared/world";
import { loadYamlConfig } from "../world/load-world";

/**
 * The roster schema plus the checks that need the world: every agent's home must be one of
 * its districts. Problems come out like `agents[2].home: unknown district "moon-base"; known: …`.
 */
export function rosterSchemaFor(world: World) {
  const known = world.districts.map((d) => d.id);
  return rosterSchema.superRefine((roster, ctx) => {
    roster.agents.forEach((agent, i) => {
      if (!known.includes(agent.home)) {
        ctx.addIssue({
          code: "custom",
          path: ["agents", i, "home"],
          message: `unknown district "${agent.home}"; known: ${known.join(", ")}`,
        });
      }
    });
  });
}

/** Reads and validates the agent roster. Throws ConfigFileError naming the file, the field and the problem. */
export function loadRoster(file: string, world: World): Roster {
  return loadYamlConfig(file, rosterSchemaFor(world));
}
