import type { z } from "zod";

/**
 * The one way a failed zod parse is put into words: the first issue, on one line, naming where it is.
 * A required value that is simply not there reads "<where> is missing" (people fix that differently
 * from a wrong value); anything else "<where>: <zod's message>".
 */
export interface ZodIssueOptions {
  /** How a position in a list is written: `entries.0` (zod's path, the default) or `entries[0]`. */
  indexes?: "dots" | "brackets";
  /** How the place is named in the line, from its path text ("" for the top level). Default: the path, or "(top level)". */
  subject?: (path: string) => string;
}

export function zodIssuePath(path: ReadonlyArray<PropertyKey>, indexes: ZodIssueOptions["indexes"] = "dots"): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number" && indexes === "brackets") text += `[${part}]`;
    else text += text ? `.${String(part)}` : String(part);
  }
  return text;
}

/** The first issue of `error`, which parsing `input` raised, as one line. */
export function zodIssueLine(error: z.ZodError, input: unknown, options: ZodIssueOptions = {}): string {
  const issue = error.issues[0]!;
  const path = zodIssuePath(issue.path, options.indexes);
  const subject = options.subject ? options.subject(path) : path || "(top level)";
  let value: unknown = input;
  for (const part of issue.path) {
    value = value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[part] : undefined;
  }
  // A schema's own (custom) issue about an absent value says more than "missing" would.
  if (value === undefined && issue.code !== "custom") return `${subject} is missing`;
  return `${subject}: ${issue.message}`;
}
