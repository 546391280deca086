/**
 * Routes: ARM path templates matched case-insensitively (ARM paths are), `{name}` for one segment and
 * `{*name}` for one or more. When several templates match, the one with the most literal segments
 * wins and catch-alls lose to exact templates, so registration order never matters and a route module
 * can add a specific path under the generic resource route.
 */
import type { ServerCore } from "./server-core";

export type HttpMethod = "GET" | "PUT" | "POST" | "PATCH" | "DELETE" | "HEAD";
export type OperationKind = "read" | "write" | "delete";

export interface ArmRequestView {
  method: HttpMethod;
  /** Decoded path, duplicate slashes collapsed. */
  path: string;
  /** Query parameters; keys as sent (use ctx.q() for case-insensitive lookup). */
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  rawBody: string;
  /** Absolute URL as the client used it. */
  url: string;
}

export interface RouteContext {
  req: ArmRequestView;
  params: Record<string, string>;
  apiVersion: string;
  core: ServerCore;
  /** Case-insensitive query lookup (`$filter`, `$top`, `forceToPurge`...). */
  q(name: string): string | undefined;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type ApiVersionRule =
  | readonly string[]
  | "any"
  | ((ctx: { params: Record<string, string>; req: ArmRequestView; core: ServerCore }) => readonly string[] | "any");

export interface RouteDef {
  /** Shown in errors and the README's route table. */
  name: string;
  methods: readonly HttpMethod[];
  path: string;
  apiVersions: ApiVersionRule;
  /** How ARM words an unknown version on this route: core routes vs resource-provider routes. */
  apiVersionError?: "InvalidApiVersionParameter" | "NoRegisteredProviderFound";
  /** Token bucket to charge; default by method (GET/HEAD read, DELETE delete, else write). */
  operation?: OperationKind;
  handler: (ctx: RouteContext) => RouteResult | Promise<RouteResult>;
}

interface CompiledRoute {
  def: RouteDef;
  regex: RegExp;
  names: string[];
  literals: number;
  catchAll: boolean;
}

export interface RouteMatch {
  def: RouteDef;
  params: Record<string, string>;
}

export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(...defs: RouteDef[]): void {
    for (const def of defs) this.routes.push(compile(def));
  }

  list(): RouteDef[] {
    return this.routes.map((r) => r.def);
  }

  /** The best route for a method and path: undefined when no template matches the path at all. */
  match(method: HttpMethod, path: string): RouteMatch | "method-not-allowed" | undefined {
    const candidates: Array<{ route: CompiledRoute; params: Record<string, string> }> = [];
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
      candidates.push({ route, params });
    }
    if (candidates.length === 0) return undefined;
    const withMethod = candidates.filter((c) => c.route.def.methods.includes(method));
    if (withMethod.length === 0) return "method-not-allowed";
    withMethod.sort((a, b) => Number(a.route.catchAll) - Number(b.route.catchAll) || b.route.literals - a.route.literals);
    return { def: withMethod[0].route.def, params: withMethod[0].params };
  }
}

function compile(def: RouteDef): CompiledRoute {
  const names: string[] = [];
  let literals = 0;
  let catchAll = false;
  const segments = def.path.split("/").filter(Boolean);
  const pattern = segments
    .map((seg) => {
      const all = /^\{\*(\w+)\}$/.exec(seg);
      if (all) {
        names.push(all[1]);
        catchAll = true;
        return "(.+?)";
      }
      const one = /^\{(\w+)\}$/.exec(seg);
      if (one) {
        names.push(one[1]);
        return "([^/]+)";
      }
      literals++;
      return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { def, regex: new RegExp(`^/${pattern}/?$`, "i"), names, literals, catchAll };
}
