/**
 * The one raw ARM pipeline: bearer auth, retries (429/503 Retry-After, 429 without it, 5xx, 408,
 * network errors), bounded concurrency, nextLink paging and LRO polling, typed ArmError. Everything
 * that talks to ARM without an official SDK client goes through here.
 */
import type { TokenCredential } from "@azure/core-auth";
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  isRestError,
  type HttpClient,
  type HttpMethods,
  type Pipeline,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { systemClock, type Clock } from "./clock";
import { armEndpoint, armScope, createCredential, type Env } from "./credentials";
import { ArmError, parseArmError } from "./errors";
import { isTerminal, type OperationStatus } from "./lro";
import { isRunning, operationFromResponse, operationResult, pollOperation, waitForOperation, type OperationState, type OperationStep, type SendRequest } from "./operation";
import { rateLimitHeaders, Semaphore, type RateLimitRemaining } from "./rate-limit";
import { DEFAULT_RETRY_OPTIONS, parseRetryAfterMs, retrying, type RetryDecision, type RetryOptions } from "./retry";

export type ArmMethod = "GET" | "PUT" | "POST" | "PATCH" | "DELETE" | "HEAD";
export type QueryValue = string | number | boolean | undefined;

export interface ArmRequest {
  method: ArmMethod;
  /** Path below the endpoint, e.g. `/subscriptions/{id}/resourcegroups`. */
  path?: string;
  /** Absolute URL on the same origin as the endpoint (nextLink, polling URLs). */
  url?: string;
  /** Added as `api-version` unless the URL already has one. */
  apiVersion?: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses >= 400 that are answers, not errors (e.g. 404 for "is it gone?"). */
  allowStatus?: number[];
  abortSignal?: AbortSignal;
}

export interface ArmResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
  url: string;
}

export interface RetryEvent {
  method: string;
  url: string;
  attempt: number;
  status?: number;
  networkErrorCode?: string;
  delayMs: number;
  reason: Extract<RetryDecision, { retry: true }>["reason"];
}

export interface ArmClientOptions {
  credential: TokenCredential;
  /** ARM endpoint, default https://management.azure.com. */
  endpoint?: string;
  retry?: Partial<RetryOptions>;
  /** HTTP attempts in flight at once across all callers of this client. Default 8. */
  maxConcurrency?: number;
  /** Poll interval when a poll response carries no Retry-After. Default 2000 ms (the SDK's). */
  defaultPollIntervalMs?: number;
  clock?: Clock;
  random?: () => number;
  /** Transport override (tests); default core-rest-pipeline's Node client. */
  httpClient?: HttpClient;
  onRetry?: (event: RetryEvent) => void;
}

export interface OperationPollResult<T> {
  status: OperationStatus;
  error?: ArmError;
  /** How long the service asked us to wait before the next poll (or the default interval). */
  retryAfterMs?: number;
  result?: T;
}

export class ArmClient {
  readonly endpoint: string;
  private readonly pipeline: Pipeline;
  private readonly httpClient: HttpClient;
  private readonly retryOptions: RetryOptions;
  private readonly semaphore: Semaphore;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly onRetry?: (event: RetryEvent) => void;
  readonly defaultPollIntervalMs: number;
  private remaining: RateLimitRemaining = {};
  private last: RateLimitRemaining = {};

  constructor(options: ArmClientOptions) {
    this.endpoint = (options.endpoint ?? "https://management.azure.com").replace(/\/+$/, "");
    this.retryOptions = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
    this.semaphore = new Semaphore(options.maxConcurrency ?? 8);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.onRetry = options.onRetry;
    this.defaultPollIntervalMs = options.defaultPollIntervalMs ?? 2_000;
    this.httpClient = options.httpClient ?? createDefaultHttpClient();
    this.pipeline = createEmptyPipeline();
    this.pipeline.addPolicy(
      bearerTokenAuthenticationPolicy({ credential: options.credential, scopes: armScope(this.endpoint) }),
      { phase: "Sign" },
    );
  }

  /** Remaining budget per `x-ms-ratelimit-remaining-*` header, latest value seen for each. */
  rateLimitRemaining(): RateLimitRemaining {
    return { ...this.remaining };
  }

  /** The `x-ms-ratelimit-remaining-*` headers of the most recent response only. */
  lastRateLimit(): RateLimitRemaining {
    return { ...this.last };
  }

  /** Builds the absolute URL for a request, refusing other origins (the token must not leak). */
  buildUrl(req: Pick<ArmRequest, "path" | "url" | "apiVersion" | "query">): string {
    let url: URL;
    if (req.url) {
      url = new URL(req.url);
      const base = new URL(this.endpoint);
      if (url.origin !== base.origin) {
        throw new ArmError({
          status: 0,
          code: "UnexpectedOrigin",
          message: `Refusing to send ARM credentials to ${url.origin}; expected ${base.origin}.`,
        });
      }
    } else if (req.path) {
      const path = req.path.startsWith("/") ? req.path : `/${req.path}`;
      url = new URL(this.endpoint + path);
    } else {
      throw new Error("ArmRequest needs a path or a url");
    }
    if (req.apiVersion && !url.searchParams.has("api-version")) url.searchParams.set("api-version", req.apiVersion);
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    return url.toString();
  }

  /** Sends one ARM request with retries; throws ArmError for error statuses not in allowStatus. */
  async request<T = unknown>(req: ArmRequest): Promise<ArmResponse<T>> {
    const url = this.buildUrl(req);
    let response: PipelineResponse;
    try {
      response = await retrying(
        async () => {
          const answer = await this.semaphore.run(() => this.send(req, url));
          this.recordRateLimit(headersOf(answer));
          return answer;
        },
        (result) => {
          if ("error" in result) return { networkErrorCode: networkErrorCode(result.error) };
          const { status } = result.value;
          if (status < 400 || req.allowStatus?.includes(status)) return undefined;
          return { status, retryAfterMs: parseRetryAfterMs((n) => result.value.headers.get(n) ?? undefined, this.clock.now()) };
        },
        {
          retry: this.retryOptions,
          clock: this.clock,
          random: this.random,
          signal: req.abortSignal,
          onRetry: (event) => this.onRetry?.({ method: req.method, url, attempt: event.attempt, status: event.status, networkErrorCode: event.networkErrorCode, delayMs: event.delayMs, reason: event.reason }),
        },
      );
    } catch (e) {
      if (req.abortSignal?.aborted) throw e;
      const code = networkErrorCode(e);
      throw new ArmError({ status: 0, code: code ?? "RequestSendError", message: `${req.method} ${stripQuery(url)}: ${(e as Error).message}` });
    }
    const headers = headersOf(response);
    const status = response.status;
    const bodyText = response.bodyAsText ?? "";
    if (status < 400 || req.allowStatus?.includes(status)) {
      return { status, headers, body: parseBody(bodyText) as T, url };
    }
    const retryAfterMs = parseRetryAfterMs((n) => headers[n], this.clock.now());
    throw parseArmError({ status, bodyText, retryAfterMs, requestId: headers["x-ms-request-id"] });
  }

  /** Pages of a list, following absolute nextLinks through empty pages until absent, null or "". */
  async *pages<T = unknown>(path: string, apiVersion: string, query?: Record<string, QueryValue>): AsyncGenerator<T[]> {
    for await (const page of listPages<T>({ method: "GET", path, apiVersion, query }, (req) => this.request(req))) yield pageItems(page);
  }

  /** All items of a list (convenience over pages()). */
  async listAll<T = unknown>(path: string, apiVersion: string, query?: Record<string, QueryValue>): Promise<T[]> {
    const out: T[] = [];
    for await (const page of this.pages<T>(path, apiVersion, query)) out.push(...page);
    return out;
  }

  /** Sends the initial request of a long-running operation and returns a handle to poll it. */
  async beginOperation<T = unknown>(req: ArmRequest): Promise<ArmOperation<T>> {
    const res = await this.request<unknown>(req);
    const { state, step } = operationFromResponse(req.method, res, this.clock.now());
    const op = new ArmOperation<T>(this, state);
    op.absorbInitial(step);
    return op;
  }

  /** A handle for an operation started earlier (e.g. before a crash). */
  resumeOperation<T = unknown>(state: OperationState): ArmOperation<T> {
    return new ArmOperation<T>(this, { ...state });
  }

  /** Waits the client's clock (used by operations; exposed so callers pace with the same clock). */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.clock.sleep(ms, signal);
  }

  now(): number {
    return this.clock.now();
  }

  /** @internal The client's clock, for the operations it hands out. */
  clockForOperations(): Clock {
    return this.clock;
  }

  private async send(req: ArmRequest, url: string): Promise<PipelineResponse> {
    const headers = createHttpHeaders({ accept: "application/json", ...req.headers });
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers.set("content-type", "application/json");
    }
    const request = createPipelineRequest({ url, method: req.method as HttpMethods, headers, body, abortSignal: req.abortSignal });
    return this.pipeline.sendRequest(this.httpClient, request);
  }

  private recordRateLimit(headers: Record<string, string>): void {
    const found = rateLimitHeaders(Object.entries(headers));
    if (Object.keys(found).length === 0) return;
    this.last = found;
    Object.assign(this.remaining, found);
  }
}

/** One page of an ARM list as the service sends it. */
export interface ListPage<T> {
  value?: T[];
  nextLink?: string | null;
}

/**
 * The responses of an ARM list: the first request, then its absolute nextLinks (through empty pages)
 * until one is absent, null or "", each sent with `send` (the client itself, or a caller's paced gate).
 * A response with an error status the caller allowed (e.g. 404) ends the listing and is yielded as is.
 */
export async function* listPages<T>(first: ArmRequest, send: (req: ArmRequest) => Promise<ArmResponse<ListPage<T>>>): AsyncGenerator<ArmResponse<ListPage<T>>> {
  let next: ArmRequest | undefined = first;
  const seen = new Set<string>();
  while (next) {
    const res: ArmResponse<ListPage<T>> = await send(next);
    yield res;
    if (res.status >= 400) return;
    const link = res.body?.nextLink;
    if (typeof link !== "string" || link.length === 0) return;
    if (seen.has(link)) throw new ArmError({ status: res.status, code: "PagingLoop", message: `nextLink repeats: ${stripQuery(link)}` });
    seen.add(link);
    next = { method: "GET", url: link, allowStatus: first.allowStatus, headers: first.headers, abortSignal: first.abortSignal };
  }
}

/** The items of one list page (none when the body has no `value` array). */
export function pageItems<T>(page: ArmResponse<ListPage<T>>): T[] {
  return Array.isArray(page.body?.value) ? page.body.value : [];
}

/**
 * A handle on one long-running operation, polled through this client by the shared poller
 * (operation.ts): poll() takes one step without waiting, pollUntilDone() waits for the end.
 */
export class ArmOperation<T = unknown> {
  private current: OperationState;
  private error?: ArmError;
  private result?: T;
  private retryAfterMs?: number;

  constructor(private readonly client: ArmClient, state: OperationState) {
    this.current = state;
  }

  get status(): OperationStatus {
    return this.current.status;
  }

  /** A copy of the state, for resumeOperation after a restart. */
  get state(): OperationState {
    return { ...this.current };
  }

  /** @internal Takes what the initial response already told us. */
  absorbInitial(step: OperationStep): void {
    this.retryAfterMs = step.retryAfterMs;
    this.error = step.error;
    // Answered synchronously: the initial body is the result (a PUT's resource, a POST's answer).
    if (step.status === "succeeded" && this.current.mode === "none" && this.current.method !== "DELETE") {
      this.result = (step.response.body === "" ? undefined : step.response.body) as T;
    }
  }

  /** One poll (no waiting). After a terminal state it returns that state again without a request. */
  async poll(signal?: AbortSignal): Promise<OperationPollResult<T>> {
    if (isRunning(this.current)) {
      const step = await pollOperation(this.current, this.sender, () => this.client.now(), signal);
      this.retryAfterMs = step.retryAfterMs;
      this.error = step.error;
      if (step.status === "succeeded") this.result = await operationResult<T>(this.current, step.response, this.sender, signal);
    }
    return {
      status: this.current.status,
      error: this.error,
      result: this.result,
      retryAfterMs: isTerminal(this.current.status) ? undefined : (this.retryAfterMs ?? this.client.defaultPollIntervalMs),
    };
  }

  /** Polls until terminal, sleeping Retry-After (or the default interval) between polls. */
  async pollUntilDone(options: { signal?: AbortSignal; intervalMs?: number } = {}): Promise<T | undefined> {
    if (isRunning(this.current)) {
      const outcome = await waitForOperation(this.current, this.sender, this.client.clockForOperations(), {
        firstWaitMs: this.retryAfterMs,
        defaultPollMs: this.client.defaultPollIntervalMs,
        intervalMs: options.intervalMs,
        signal: options.signal,
      });
      if (outcome.kind === "succeeded") this.result = await operationResult<T>(this.current, outcome.response, this.sender, options.signal);
      else if (outcome.kind === "failed") this.error = outcome.error;
    }
    if (this.current.status !== "succeeded") throw this.error ?? new ArmError({ status: 0, code: "OperationFailed", message: `operation ${this.current.status}` });
    return this.result;
  }

  private readonly sender: SendRequest = (req) => this.client.request(req);
}

function headersOf(response: PipelineResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of response.headers) out[k.toLowerCase()] = v;
  return out;
}

function parseBody(text: string): unknown {
  if (!text) return "";
  const t = text.trimStart();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function networkErrorCode(e: unknown): string | undefined {
  if (isRestError(e)) return e.code ?? "REQUEST_SEND_ERROR";
  const code = (e as { code?: unknown })?.code;
  return typeof code === "string" ? code : undefined;
}

function stripQuery(url: string): string {
  const i = url.indexOf("?");
  return i < 0 ? url : url.slice(0, i);
}

/** An ArmClient from the environment: MLFLOW_LAB_ACCESS_TOKEN / DefaultAzureCredential, MLFLOW_LAB_ARM_ENDPOINT. */
export function createArmClient(options: Partial<ArmClientOptions> & { env?: Env } = {}): ArmClient {
  const env = options.env ?? process.env;
  return new ArmClient({
    ...options,
    credential: options.credential ?? createCredential(env),
    endpoint: options.endpoint ?? armEndpoint(env),
  });
}
