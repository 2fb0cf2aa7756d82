import { MIN_REDACTABLE_SECRET_LENGTH, REDACTED } from "./tunables";

/** Replaces every occurrence of each secret in `text` with [redacted]. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < MIN_REDACTABLE_SECRET_LENGTH) continue;
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * A copy of `value` with every string redacted. Objects and arrays that contain no secret are
 * returned as they are (no copy), so a clean record costs one walk and no allocation.
 */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  const active = secrets.filter((s) => s.length >= MIN_REDACTABLE_SECRET_LENGTH);
  if (active.length === 0) return value;
  return walk(value, active) as T;
}

function walk(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === "string") return redactText(value, secrets);
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = walk(item, secrets);
      if (next !== item) {
        copy ??= value.slice();
        copy[i] = next;
      }
    }
    return copy ?? value;
  }
  if (value !== null && typeof value === "object") {
    let copy: Record<string, unknown> | null = null;
    for (const [key, item] of Object.entries(value)) {
      const next = walk(item, secrets);
      if (next !== item) {
        copy ??= { ...(value as Record<string, unknown>) };
        copy[key] = next;
      }
    }
    return copy ?? value;
  }
  return value;
}
