import { systemClock, type Clock } from "./clock";
import { ArmError } from "./errors";
import { parseRetryAfterMs, retrying, type RetryOptions } from "./retry";

/**
 * Errors thrown by the official SDK clients (sdk-clients.ts): their status, a one-line description
 * (which also describes the toolkit's own ArmError), whether they mean "not signed in / not allowed",
 * and an outer retry with the toolkit's rules. The SDK
 * pipeline already retries briefly; a longer 429 storm or a flaky 5xx is retried by persist() as well
 * (honouring Retry-After), so region signals are only reported "unknown" after a real effort.
 */

interface SdkErrorLike {
  statusCode?: number;
  code?: string;
  message?: string;
  response?: { headers?: { get(name: string): string | undefined } };
}

/** The HTTP status of an SDK error (`statusCode`) or of an ArmError (`status`; 0, no answer, is none). */
export function statusOf(error: unknown): number | undefined {
  if (error instanceof ArmError) return error.status > 0 ? error.status : undefined;
  return (error as SdkErrorLike)?.statusCode;
}

/**
 * One short line for an error of an SDK client or of the toolkit's ARM pipeline (ArmError):
 * `HTTP 503 ServiceUnavailable: message`. An SDK error's message is put on one line and cut at 160
 * characters (it can carry a whole response body); an ArmError's is ARM's own message, already taken
 * out of the body, and is kept whole.
 */
export function describeSdkError(error: unknown): string {
  const e = error as SdkErrorLike;
  const statusCode = statusOf(error);
  const status = statusCode ? `HTTP ${statusCode}` : "";
  const code = e?.code && !/^\d+$/.test(e.code) ? e.code : "";
  const message = error instanceof ArmError ? error.message : (e?.message ?? String(error)).replace(/\s+/g, " ").trim().slice(0, 160);
  return [status, code].filter(Boolean).join(" ") + (status || code ? ": " : "") + message;
}

/** Credentials or permissions are wrong: nothing will work, so stop instead of failing open. */
export function isAuthError(error: unknown): boolean {
  const e = error as SdkErrorLike & { name?: string };
  if (e?.statusCode === 401) return true;
  if (e?.name === "CredentialUnavailableError" || e?.name === "AuthenticationRequiredError" || e?.name === "ClientAuthenticationError") return true;
  return e?.statusCode === 403 && /^(AuthorizationFailed|InvalidAuthenticationToken|ExpiredAuthenticationToken|AuthenticationFailed)$/i.test(e.code ?? "");
}

export interface PersistOptions {
  retry?: Partial<RetryOptions>;
  clock?: Clock;
  random?: () => number;
  /** Stops retrying (the last error is thrown) once aborted, e.g. when the run already failed. */
  signal?: AbortSignal;
}

/** Runs a read, retrying throttling, 5xx and network errors with the toolkit's retry loop. */
export function persist<T>(read: () => Promise<T>, options: PersistOptions = {}): Promise<T> {
  const clock = options.clock ?? systemClock;
  return retrying(
    read,
    (result) => {
      if (!("error" in result) || isAuthError(result.error)) return undefined;
      const e = result.error as SdkErrorLike;
      const header = (name: string) => e?.response?.headers?.get(name);
      return { status: e?.statusCode, networkErrorCode: e?.statusCode === undefined ? e?.code : undefined, retryAfterMs: parseRetryAfterMs(header, clock.now()) };
    },
    { retry: options.retry, clock, random: options.random, signal: options.signal },
  );
}
