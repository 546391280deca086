/**
 * The toolkit's one retry strategy: the decisions (decideRetry, pure) and the one loop that applies them
 * (retrying). Every HTTP client of the toolkit retries through it: the ArmClient, persist() around the SDK
 * clients' reads, the SDK clients' and the Databricks serving client's pipeline policy (retry-policy.ts),
 * the endpoint-traffic and Unity Catalog dynamic resources and the dataset download of the Pulumi program.
 *
 * The rules mirror the Azure SDK's and close its gap: the SDK retries a 429 only when it carries a
 * Retry-After header, ARM does not always send one, so a 429 without it gets capped exponential backoff
 * with jitter here (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling).
 * Imports only the clock (no I/O), so the dynamic resources that use it serialize with it.
 */
import { systemClock, type Clock } from "./clock";

export interface RetryOptions {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff step for exponential retries. */
  baseDelayMs: number;
  /** Upper bound of one exponential backoff step. */
  maxDelayMs: number;
  /** Upper bound honoured for a server-sent Retry-After (a bad header must not park us for hours). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxRetries: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 64_000,
  maxRetryAfterMs: 10 * 60_000,
};

/**
 * Network failures (no HTTP answer) by error code, in words: every code here is worth another attempt
 * (the SDK's list plus undici's socket errors), and the same table says what happened when the last
 * attempt failed too. `{host}` is filled with what the caller was talking to ("the storage host").
 */
const NETWORK_FAILURE_WORDS: Record<string, string> = {
  ETIMEDOUT: "the connection timed out",
  ESOCKETTIMEDOUT: "the connection timed out",
  ECONNRESET: "the connection was reset",
  ECONNREFUSED: "{host} refused the connection",
  ECONNABORTED: "the connection was aborted",
  ENOTFOUND: "{host} name does not resolve",
  ENETUNREACH: "the network is unreachable",
  ENETDOWN: "the network is down",
  EHOSTUNREACH: "{host} is unreachable",
  EPIPE: "the connection was closed mid-transfer",
  EAI_AGAIN: "{host} name could not be resolved just now",
  REQUEST_SEND_ERROR: "the request could not be sent",
  UND_ERR_SOCKET: "the connection was closed mid-transfer",
  UND_ERR_CONNECT_TIMEOUT: "the connection timed out",
};

/** Network error codes worth another attempt (the SDK's list plus undici's socket errors). */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set(Object.keys(NETWORK_FAILURE_WORDS));

/**
 * The code of a request that failed without an answer: fetch (undici) puts it on the error's `cause`,
 * the Azure SDK's RestError on the error itself.
 */
export function networkErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e.cause?.code === "string") return e.cause.code;
  return typeof e.code === "string" ? e.code : undefined;
}

export interface NetworkFailure {
  /** The socket / undici / SDK code, when the error carried one. */
  code?: string;
  /** The request's time limit ran out (a TimeoutError, or an AbortError from our own timeout signal). */
  timedOut: boolean;
  /**
   * What happened in words when the code is a known network failure ("the connection was reset
   * (ECONNRESET)", "the transfer was aborted", "the connection was closed mid-transfer (socket hang up)");
   * undefined for anything else.
   */
  words?: string;
  /**
   * The short form for a parenthesis after "is unreachable": "timed out", else the code, else the
   * error's own message.
   */
  brief: string;
}

/**
 * A request that failed without an HTTP answer, described for a person (callers check for a status
 * first). `host` names the other end in the words ("the storage host").
 */
export function describeNetworkFailure(error: unknown, host = "the server"): NetworkFailure {
  const e = (typeof error === "object" && error !== null ? error : {}) as {
    name?: string;
    message?: string;
    cause?: { message?: string };
  };
  const code = networkErrorCode(error);
  const message = typeof e.message === "string" ? e.message : "";
  const timedOut = e.name === "TimeoutError";
  const aborted = e.name === "AbortError" || /\baborted\b/i.test(message);
  let words: string | undefined;
  if (timedOut) words = "the request timed out";
  else if (aborted) words = "the transfer was aborted";
  else if (/socket hang up/i.test(message)) words = "the connection was closed mid-transfer (socket hang up)";
  else if (code && NETWORK_FAILURE_WORDS[code]) words = `${NETWORK_FAILURE_WORDS[code]!.replace("{host}", host)} (${code})`;
  const brief = timedOut || e.name === "AbortError" ? "timed out" : (code ?? e.cause?.message ?? (message || String(error)));
  return { code, timedOut, words, brief };
}

export type HeaderLookup = (name: string) => string | undefined;

/**
 * Milliseconds to wait from the throttling headers, in the SDK's order of preference:
 * `retry-after-ms`, `x-ms-retry-after-ms`, then `Retry-After` (seconds or an HTTP-date).
 * Undefined when absent or unparseable; never negative.
 */
export function parseRetryAfterMs(header: HeaderLookup, nowMs: number): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const raw = header(name)?.trim();
    if (raw) {
      const ms = Number(raw);
      if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
    }
  }
  const raw = header("retry-after")?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  // An HTTP-date names its day and month; anything else (a negative number such as "-5", which
  // Date.parse reads as a year, "1e3") is not a valid Retry-After and counts as absent.
  if (!/[a-z]{3}/i.test(raw)) return undefined;
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

export interface AttemptOutcome {
  /** 0 for the first attempt. */
  attempt: number;
  /** HTTP status, when a response came back. */
  status?: number;
  /** Error code of a network failure (no response). */
  networkErrorCode?: string;
  /** From parseRetryAfterMs, when the response carried a throttling header. */
  retryAfterMs?: number;
}

export type RetryDecision =
  | { retry: false }
  | { retry: true; delayMs: number; reason: "retry-after" | "throttled-backoff" | "server-error" | "network-error" };

export function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 429) return true;
  return status >= 500 && status !== 501 && status !== 505;
}

/** The SDK's backoff: half the clamped exponential step fixed, half random. */
export function backoffDelayMs(attempt: number, options: RetryOptions, random: () => number): number {
  const exponential = options.baseDelayMs * 2 ** attempt;
  const clamped = Math.min(options.maxDelayMs, exponential);
  return Math.round(clamped / 2 + random() * (clamped / 2));
}

export function decideRetry(
  outcome: AttemptOutcome,
  options: RetryOptions = DEFAULT_RETRY_OPTIONS,
  random: () => number = Math.random,
): RetryDecision {
  if (outcome.attempt >= options.maxRetries) return { retry: false };
  if (outcome.status === undefined) {
    // The table itself, not the Set: the dynamic resources that retry are serialized by Pulumi, which
    // cannot serialize a Set.
    if (outcome.networkErrorCode && Object.hasOwn(NETWORK_FAILURE_WORDS, outcome.networkErrorCode)) {
      return { retry: true, delayMs: backoffDelayMs(outcome.attempt, options, random), reason: "network-error" };
    }
    return { retry: false };
  }
  const status = outcome.status;
  if ((status === 429 || status === 503) && outcome.retryAfterMs !== undefined) {
    return { retry: true, delayMs: Math.min(outcome.retryAfterMs, options.maxRetryAfterMs), reason: "retry-after" };
  }
  if (status === 429) {
    return { retry: true, delayMs: backoffDelayMs(outcome.attempt, options, random), reason: "throttled-backoff" };
  }
  if (isRetryableStatus(status)) {
    return { retry: true, delayMs: backoffDelayMs(outcome.attempt, options, random), reason: "server-error" };
  }
  return { retry: false };
}

export interface RetryLoopOptions {
  retry?: Partial<RetryOptions>;
  clock?: Clock;
  random?: () => number;
  /** Once aborted no attempt is retried: the last attempt's error (or the abort) is thrown. */
  signal?: AbortSignal;
  /** Give up (as after the last retry) when the next wait would end after this time (clock ms). */
  deadline?: number;
  /** Called before each wait. */
  onRetry?: (event: { attempt: number; delayMs: number; reason: Extract<RetryDecision, { retry: true }>["reason"] } & Omit<AttemptOutcome, "attempt">) => void;
}

/** What one attempt got: the value it resolved to, or the error it threw. */
export type AttemptResult<T> = { value: T } | { error: unknown };

/**
 * The one retry loop: runs `attempt`, asks `outcomeOf` whether what it got is worth another attempt (its
 * status, network error code and Retry-After; undefined when it is final), and while decideRetry says so,
 * waits and runs it again. When the retries are spent the last value is returned, or the last error
 * thrown: the caller words the failure.
 */
export async function retrying<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  outcomeOf: (result: AttemptResult<T>) => Omit<AttemptOutcome, "attempt"> | undefined,
  options: RetryLoopOptions = {},
): Promise<T> {
  const retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
  const clock = options.clock ?? systemClock;
  for (let n = 0; ; n++) {
    let result: AttemptResult<T>;
    try {
      result = { value: await attempt(n) };
    } catch (error) {
      result = { error };
    }
    const outcome = options.signal?.aborted ? undefined : outcomeOf(result);
    const decision: RetryDecision = outcome ? decideRetry({ ...outcome, attempt: n }, retry, options.random) : { retry: false };
    if (decision.retry && (options.deadline === undefined || clock.now() + decision.delayMs <= options.deadline)) {
      options.onRetry?.({ ...outcome, attempt: n, delayMs: decision.delayMs, reason: decision.reason });
      try {
        await clock.sleep(decision.delayMs, options.signal);
        continue;
      } catch (aborted) {
        if ("error" in result) throw result.error;
        throw aborted;
      }
    }
    if ("error" in result) throw result.error;
    return result.value;
  }
}
