/**
 * Reading ARM tags the way ARM treats them: tag names are case-insensitive ("Lab-ID" and "lab-id" are
 * the same tag), values are compared as written. A record that somehow carries the same name twice
 * with different values is ambiguous; callers treat that as "no usable value" so the policy fails closed.
 */
export type TagLookup =
  | { kind: "absent" }
  | { kind: "value"; value: string; writtenName: string }
  | { kind: "not-text"; writtenName: string }
  | { kind: "conflict"; writtenNames: string[] };

export function lookupTag(tags: Readonly<Record<string, unknown>> | null | undefined, name: string): TagLookup {
  if (!tags || typeof tags !== "object") return { kind: "absent" };
  const wanted = name.toLowerCase();
  const hits = Object.entries(tags).filter(([key]) => key.toLowerCase() === wanted);
  if (hits.length === 0) return { kind: "absent" };
  const distinct = new Set(hits.map(([, value]) => (typeof value === "string" ? value : JSON.stringify(value))));
  if (distinct.size > 1) return { kind: "conflict", writtenNames: hits.map(([key]) => key) };
  const [writtenName, value] = hits[0];
  if (typeof value !== "string") return { kind: "not-text", writtenName };
  return { kind: "value", value, writtenName };
}

/** The names (as written) of any tags from `names` present on the record, whatever their values. */
export function presentTags(tags: Readonly<Record<string, unknown>> | null | undefined, names: readonly string[]): string[] {
  if (!tags || typeof tags !== "object") return [];
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  return Object.keys(tags).filter((key) => wanted.has(key.toLowerCase()));
}
