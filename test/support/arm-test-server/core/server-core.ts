/**
 * The request pipeline shared by every route: request log → faults → auth → time settles → route →
 * api-version → token bucket → handler → ARM-shaped response. Route modules only see RouteContext.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { SimClock } from "./clock";
import { ArmHttpError, armErrors } from "./errors";
import { FaultInjector, type FaultSpec } from "./faults";
import type { Inventory } from "./inventory";
import { LroEngine } from "./lro";
import { DEFAULT_PAGING, type PagingOptions } from "./paging";
import { drawDuration, seededRandom, type Duration } from "./random";
import { RequestLog } from "./request-log";
import type { ResourceTypeHooks } from "./resource-types";
import { Router, type ArmRequestView, type HttpMethod, type OperationKind, type RouteContext, type RouteDef, type RouteResult } from "./router";
import { ArmState } from "./state";
import { TokenBuckets, type ThrottleOptions } from "./throttle";
import { isWellFormedApiVersion } from "./api-versions";

/** Simulated durations (ms, or [min, max] drawn with the seeded random). */
export interface Durations {
  resourceGroupDelete: Duration;
  providerRegistration: Duration;
  databricksCreate: Duration;
  databricksDelete: Duration;
  managedResourceGroupRemoval: Duration;
  machineLearningCreate: Duration;
  machineLearningDelete: Duration;
  purge: Duration;
  /** Creates of types with an LRO hook but no own duration (AKS, ACI). */
  lroCreate: Duration;
  lroDelete: Duration;
}

export const DEFAULT_DURATIONS: Durations = {
  resourceGroupDelete: 30_000,
  providerRegistration: 30_000,
  databricksCreate: 120_000,
  databricksDelete: 60_000,
  managedResourceGroupRemoval: 60_000,
  machineLearningCreate: 60_000,
  machineLearningDelete: 30_000,
  purge: 10_000,
  lroCreate: 30_000,
  lroDelete: 30_000,
};

export interface CoreOptions {
  inventory: Inventory;
  timeScale?: number;
  manualClock?: boolean;
  throttle?: ThrottleOptions | false;
  faults?: FaultSpec[];
  logFile?: string;
  paging?: Partial<PagingOptions>;
  durations?: Partial<Durations>;
  /** Simulated ms before a change shows in Resource Graph. Default 0. */
  graphLagMs?: number;
  /** Simulated ms clients are told to wait between LRO polls. Default 10 s. */
  pollIntervalMs?: number;
  randomSeed?: number;
  routes: RouteDef[];
  hooks: ResourceTypeHooks[];
}

export class ServerCore {
  readonly clock: SimClock;
  readonly state: ArmState;
  readonly lro: LroEngine;
  readonly buckets: TokenBuckets;
  readonly faults: FaultInjector;
  readonly log: RequestLog;
  readonly router = new Router();
  readonly paging: PagingOptions;
  readonly durations: Durations;
  readonly random: () => number;
  graphLagMs: number;
  baseUrl = "https://127.0.0.1";
  private readonly hooks = new Map<string, ResourceTypeHooks>();
  private housekeepers: Array<(now: number) => void> = [];

  constructor(readonly options: CoreOptions) {
    this.clock = new SimClock(options.timeScale ?? 1, options.manualClock ?? false);
    this.random = seededRandom(options.randomSeed ?? 42);
    this.state = new ArmState(options.inventory, this.clock);
    this.lro = new LroEngine(this.clock, () => this.baseUrl, options.pollIntervalMs ?? 10_000);
    this.buckets = new TokenBuckets(options.throttle, this.clock);
    this.faults = new FaultInjector(this.random);
    for (const f of options.faults ?? []) this.faults.add(f);
    this.log = new RequestLog(options.logFile);
    this.paging = { ...DEFAULT_PAGING, ...options.paging };
    this.durations = { ...DEFAULT_DURATIONS, ...options.durations };
    this.graphLagMs = options.graphLagMs ?? 0;
    this.router.add(...options.routes);
    for (const h of options.hooks) this.hooks.set(h.type.toLowerCase(), h);
  }

  duration(name: keyof Durations): number {
    return drawDuration(this.durations[name], this.random);
  }

  hooksFor(type: string): ResourceTypeHooks | undefined {
    return this.hooks.get(type.toLowerCase());
  }

  /** Time-driven changes outside operations (provider registration, retention) register here. */
  onSettle(fn: (now: number) => void): void {
    this.housekeepers.push(fn);
  }

  /** Brings the world up to the current simulated time. */
  settle(): void {
    const now = this.clock.now();
    this.lro.settle(now);
    for (const h of this.housekeepers) h(now);
    this.state.expireDeletedItems(now);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const common: Record<string, string> = {
      "x-ms-request-id": requestId,
      "x-ms-correlation-request-id": (req.headers["x-ms-correlation-request-id"] as string) ?? requestId,
      "x-ms-routing-request-id": `LOCAL:${new Date().toISOString().replace(/[-:.]/g, "")}:${requestId}`,
    };
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? "/", this.baseUrl);
    const method = (req.method ?? "GET").toUpperCase() as HttpMethod;
    let path: string;
    try {
      path = decodeURIComponent(url.pathname).replace(/\/{2,}/g, "/");
    } catch {
      path = url.pathname;
    }
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k.toLowerCase()] = v;
    let body: unknown = undefined;

    this.log.write({ method, path, query, headers, body: parseLoggedBody(rawBody) });

    const send = (result: RouteResult) => {
      const out: Record<string, string> = { ...common, ...(result.headers ?? {}) };
      let payload = "";
      if (result.body !== undefined && result.status !== 204 && method !== "HEAD") {
        payload = JSON.stringify(result.body);
        out["content-type"] = "application/json; charset=utf-8";
      }
      res.writeHead(result.status, out);
      res.end(payload);
    };
    const sendError = (e: ArmHttpError, extraHeaders: Record<string, string> = {}) =>
      send({ status: e.status, body: e.body(), headers: { ...extraHeaders, ...(e.extra.headers ?? {}), "x-ms-failure-cause": "gateway" } });

    try {
      const decision = this.faults.decide(method, path);
      if (decision.latencyMs > 0) await new Promise((r) => setTimeout(r, decision.latencyMs));
      if (decision.action?.kind === "drop") {
        req.socket.destroy();
        return;
      }
      if (decision.action?.kind === "status") {
        const f = decision.action.spec;
        const status = f.status ?? 503;
        const extra: Record<string, string> = {};
        if (f.retryAfterSeconds !== undefined) extra["Retry-After"] = String(f.retryAfterSeconds);
        return sendError(new ArmHttpError(status, f.code ?? defaultCode(status), f.message ?? "Injected fault from the ARM test server."), extra);
      }

      const auth = headers["authorization"];
      if (!auth) return sendError(armErrors.authMissing());
      if (!/^Bearer\s+\S+/i.test(auth)) return sendError(armErrors.authInvalid());

      this.settle();

      const match = this.router.match(method, path);
      if (match === undefined) return sendError(armErrors.notImplemented(method, path));
      if (match === "method-not-allowed") {
        return sendError(new ArmHttpError(405, "MethodNotAllowed", `The requested resource does not support http method '${method}'.`));
      }
      const { def, params } = match;

      if (rawBody.length > 0 && (method === "PUT" || method === "PATCH" || method === "POST")) {
        try {
          body = JSON.parse(rawBody);
        } catch (e) {
          return sendError(armErrors.invalidRequestContent(`The request content was invalid and could not be deserialized: '${(e as Error).message}'.`));
        }
      }
      const view: ArmRequestView = { method, path, query, headers, body, rawBody, url: new URL(`${path}${url.search}`, this.baseUrl).toString() };
      const q = (name: string) => {
        const key = Object.keys(query).find((k) => k.toLowerCase() === name.toLowerCase());
        return key === undefined ? undefined : query[key];
      };

      const apiVersion = q("api-version");
      if (!apiVersion) return sendError(armErrors.missingApiVersion());
      const rule = typeof def.apiVersions === "function" ? def.apiVersions({ params, req: view, core: this }) : def.apiVersions;
      const accepted = rule === "any" ? isWellFormedApiVersion(apiVersion) : rule.some((v) => v.toLowerCase() === apiVersion.toLowerCase());
      if (!accepted) {
        const list = rule === "any" ? [] : rule;
        if (def.apiVersionError === "NoRegisteredProviderFound") {
          return sendError(armErrors.noRegisteredProvider(apiVersion, params.namespace ?? def.name, [...list].reverse()));
        }
        return sendError(armErrors.invalidApiVersion(apiVersion, [...list].reverse()));
      }

      const kind: OperationKind = def.operation ?? (method === "GET" || method === "HEAD" ? "read" : method === "DELETE" ? "delete" : "write");
      const scope = params.subscriptionId ? `subscription:${params.subscriptionId}` : "tenant";
      const header = `x-ms-ratelimit-remaining-${params.subscriptionId ? "subscription" : "tenant"}-${kind}s`;
      const take = this.buckets.take(scope, kind);
      if (!take.allowed) {
        const realMs = this.clock.toRealMs(take.waitSimMs);
        const seconds = Math.max(1, Math.ceil(realMs / 1000));
        const throttleHeaders: Record<string, string> = { [header]: "0" };
        if (this.buckets.sendRetryAfter) {
          throttleHeaders["Retry-After"] = String(this.clock.timeScale === 1 ? seconds : Math.round(realMs / 1000));
          if (this.clock.timeScale !== 1) throttleHeaders["retry-after-ms"] = String(Math.ceil(realMs));
        }
        const who = params.subscriptionId ? `subscription '${params.subscriptionId}'` : `tenant '${this.state.tenantId}'`;
        return sendError(
          new ArmHttpError(
            429,
            params.subscriptionId ? "SubscriptionRequestsThrottled" : "TenantRequestsThrottled",
            `Number of '${kind}' requests for ${who} actor '00000000-0000-0000-0000-000000000000' exceeded. Please try again after '${seconds}' seconds after the time: '${new Date(Date.now() + realMs).toISOString()}'. Refer to https://aka.ms/arm-throttling for additional information.`,
          ),
          throttleHeaders,
        );
      }

      const ctx: RouteContext = { req: view, params, apiVersion, core: this, q };
      const result = await def.handler(ctx);
      result.headers = { [header]: String(take.remaining), ...(result.headers ?? {}) };
      send(result);
    } catch (e) {
      if (e instanceof ArmHttpError) return sendError(e);
      const message = (e as Error)?.message ?? String(e);
      sendError(new ArmHttpError(500, "InternalServerError", `ARM test server bug: ${message}`));
    }
  }
}

function defaultCode(status: number): string {
  if (status === 503) return "ServiceUnavailable";
  if (status === 502) return "BadGateway";
  if (status === 504) return "GatewayTimeout";
  if (status === 429) return "TooManyRequests";
  if (status === 408) return "RequestTimeout";
  return "InternalServerError";
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseLoggedBody(raw: string): unknown {
  if (!raw) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
