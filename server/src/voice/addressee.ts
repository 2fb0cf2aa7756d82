/**
 * Which agent a spoken utterance is for. In order:
 *  1. an agent named at the start ("Iris, …", "Hey Bram …"): saying a name is the clearest address;
 *  2. the agent the person selected or looks at (the client sends it as the target);
 *  3. an agent named anywhere in the utterance ("… can Otto check the servers?");
 *  4. else the nearest agent.
 */

export interface AddressCandidate {
  id: string;
  name: string;
  x: number;
  z: number;
}

export type AddressReason = "named" | "target" | "mentioned" | "nearest";

export interface Addressee {
  agentId: string;
  why: AddressReason;
}

/** Words people put before a name when they call someone. */
const GREETINGS = new Set(["hey", "hi", "hello", "ok", "okay", "yo", "so", "and", "please", "dear", "oh"]);

/** Lower-case words, with punctuation dropped (apostrophes kept inside words). */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .split(/[^a-z0-9']+/)
    .map((w) => w.replace(/^'+|'+$/g, "").replace(/'s$/, ""))
    .filter((w) => w.length > 0);
}

function startsWith(list: string[], at: number, name: string[]): boolean {
  return name.length > 0 && name.every((w, i) => list[at + i] === w);
}

export function chooseAddressee(text: string, target: string | null, speaker: { x: number; z: number }, agents: readonly AddressCandidate[]): Addressee | null {
  if (agents.length === 0) return null;
  const said = words(text);
  const names = agents.map((a) => ({ a, name: words(a.name) }));
  let first = 0;
  while (first < said.length && GREETINGS.has(said[first]!)) first++;
  const atStart = names.find((n) => startsWith(said, first, n.name));
  if (atStart) return { agentId: atStart.a.id, why: "named" };
  if (target && agents.some((a) => a.id === target)) return { agentId: target, why: "target" };
  for (let i = 0; i < said.length; i++) {
    const hit = names.find((n) => startsWith(said, i, n.name));
    if (hit) return { agentId: hit.a.id, why: "mentioned" };
  }
  let best = agents[0]!;
  let bestD = Infinity;
  for (const a of agents) {
    const d = (a.x - speaker.x) ** 2 + (a.z - speaker.z) ** 2;
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return { agentId: best.id, why: "nearest" };
}
