/**
 * nextLink paging as ARM does it: `{ value, nextLink }` with an absolute nextLink carrying an opaque
 * `$skiptoken`. Options reproduce the awkward cases clients must survive: empty pages that still have
 * a nextLink, and a last page whose nextLink is absent, null or "".
 */
import { armErrors } from "./errors";
import type { RouteContext, RouteResult } from "./router";

export interface PagingOptions {
  /** Items per page (default 200). */
  pageSize: number;
  /** Put an empty page (with a nextLink) after every full page. */
  emptyPages: boolean;
  /** How the last page ends: no nextLink property, `null`, or `""`. */
  terminator: "absent" | "null" | "empty";
}

export const DEFAULT_PAGING: PagingOptions = { pageSize: 200, emptyPages: false, terminator: "absent" };

interface Token {
  o: number;
  e?: boolean;
}

function encode(t: Token): string {
  return Buffer.from(JSON.stringify(t)).toString("base64url");
}

function decode(s: string): Token {
  try {
    const t = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as Token;
    if (typeof t.o !== "number" || t.o < 0) throw new Error("bad offset");
    return t;
  } catch {
    throw armErrors.badRequest(`The skip token '${s}' is invalid.`, "InvalidSkipToken");
  }
}

/** Answers a list request with one page of `items` and an absolute nextLink when more remain. */
export function paginate(ctx: RouteContext, items: unknown[], override: Partial<PagingOptions> = {}): RouteResult {
  const opts = { ...ctx.core.paging, ...override };
  const raw = ctx.q("$skiptoken");
  const token: Token = raw ? decode(raw) : { o: 0 };
  let page: unknown[];
  let next: Token | undefined;
  if (token.e) {
    page = [];
    next = { o: token.o };
  } else {
    page = items.slice(token.o, token.o + opts.pageSize);
    const end = token.o + page.length;
    if (end < items.length) next = opts.emptyPages ? { o: end, e: true } : { o: end };
  }
  const body: Record<string, unknown> = { value: page };
  if (next) {
    const url = new URL(ctx.req.path, ctx.core.baseUrl);
    for (const [k, v] of Object.entries(ctx.req.query)) if (k.toLowerCase() !== "$skiptoken") url.searchParams.set(k, v);
    url.searchParams.set("$skiptoken", encode(next));
    body.nextLink = url.toString();
  } else if (opts.terminator === "null") {
    body.nextLink = null;
  } else if (opts.terminator === "empty") {
    body.nextLink = "";
  }
  return { status: 200, body };
}
