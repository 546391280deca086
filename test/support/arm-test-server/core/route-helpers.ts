/** Small helpers route modules share. */
import { armErrors } from "./errors";
import type { RouteContext } from "./router";

export function ok(body: unknown, status = 200, headers?: Record<string, string>) {
  return { status, body, headers };
}

/** The request body as an object, or a 400 naming what is wrong. */
export function bodyObject(ctx: RouteContext): Record<string, unknown> {
  const b = ctx.req.body;
  if (b === undefined || b === null) return {};
  if (typeof b !== "object" || Array.isArray(b)) throw armErrors.invalidRequestContent("The request content must be a JSON object.");
  return b as Record<string, unknown>;
}

export function tagsFrom(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw armErrors.invalidRequestContent("The 'tags' property must be an object of strings.");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = String(v);
  return out;
}
