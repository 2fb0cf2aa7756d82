import type { z } from "zod";
import type { joinOptionsSchema } from "../../../shared/protocol/schemas";
import { Person } from "../../../shared/state";
import type { World } from "../../../shared/world";
import { insideCampus } from "./movement";

const AVATAR_COLOURS = ["#e76f51", "#2a9d8f", "#e9c46a", "#8ab17d", "#6d597a", "#457b9d", "#f4a261", "#b56576"];

/**
 * A colour of `palette` for `id`: the one its hash names, or, when that one is `taken`, the next
 * one that is not (two people side by side should not look alike); the hash's when all are.
 */
export function colourFor(id: string, palette: readonly string[] = AVATAR_COLOURS, taken: ReadonlySet<string> = new Set()): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  const first = Math.abs(h) % palette.length;
  for (let k = 0; k < palette.length; k++) {
    const colour = palette[(first + k) % palette.length]!;
    if (!taken.has(colour)) return colour;
  }
  return palette[first]!;
}

/**
 * The avatar of a person who joins: their name and mode, a colour no one in `others` wears (while
 * one is left), and a place: where they were (`resume`, when it is on the campus) or a random
 * spot around the spawn point.
 */
export function newPerson(sessionId: string, options: Pick<z.output<typeof joinOptionsSchema>, "name" | "mode" | "resume">, world: World, others: Iterable<Person> = []): Person {
  const person = new Person();
  person.id = sessionId;
  person.name = options.name;
  person.mode = options.mode;
  person.colour = colourFor(sessionId, AVATAR_COLOURS, new Set(Array.from(others, (p) => p.colour)));
  person.connected = true;
  // Schema fields start undefined; other clients blend these, so they must be numbers from the start.
  person.yaw = 0;
  person.pitch = 0;
  const resume = options.resume;
  if (resume && insideCampus(resume, world.campusRadius)) {
    person.x = resume.x;
    person.z = resume.z;
  } else {
    const angle = Math.random() * Math.PI * 2;
    const r = Math.random() * world.spawn.spread;
    person.x = world.spawn.position[0] + Math.cos(angle) * r;
    person.z = world.spawn.position[1] + Math.sin(angle) * r;
  }
  return person;
}
