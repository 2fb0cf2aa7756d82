import fs from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { worldSchema, type World } from "../../../shared/world";

/** A config file that cannot be used. The message names the file, the field and the problem. */
export class ConfigFileError extends Error {}

/** Turns zod issues into lines like `districts[2].colour: must be a hex colour`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const field = issue.path
      .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
      .join("");
    return `${field || "(top level)"}: ${issue.message}`;
  });
}

/** Parses and validates a YAML config file against a zod schema. */
export function loadYamlConfig<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigFileError(`${file}: cannot read the file (${(err as Error).message})`);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    throw new ConfigFileError(`${file}: not valid YAML (${(err as Error).message.split("\n")[0]})`);
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new ConfigFileError(`${file}: invalid\n  ${describeIssues(result.error).join("\n  ")}`);
  }
  return result.data;
}

export function loadWorld(file: string): World {
  return loadYamlConfig(file, worldSchema);
}
