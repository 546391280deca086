import type { PipelinePolicy, PipelineResponse } from "@azure/core-rest-pipeline";
import type { Clock } from "./clock";
import { isRetryableStatus, parseRetryAfterMs, retrying, type AttemptOutcome, type RetryOptions } from "./retry";

/**
 * The toolkit's retry loop (retry.ts) as a core-rest-pipeline policy, for the clients built on Azure's
 * HTTP pipeline (the official SDK clients, the Databricks serving client). Every retry goes through the
 * rest of the pipeline again, so a policy placed before signing signs each attempt anew.
 */
export interface RetryPolicyOptions {
  name: string;
  retry?: Partial<RetryOptions>;
  clock?: Clock;
  random?: () => number;
  /**
   * Which answers this policy retries (default: every status the rules retry, with its Retry-After). A
   * policy next to the SDK's own retry policy retries only what that one does not.
   */
  retries?: (response: PipelineResponse, nowMs: number) => Omit<AttemptOutcome, "attempt"> | undefined;
  /** Whether a request that got no answer is retried (by its network error code). Default true. */
  retryNetworkErrors?: boolean;
}

/** Any retryable status, with the Retry-After it carries. */
export function retryableAnswer(response: PipelineResponse, nowMs: number): Omit<AttemptOutcome, "attempt"> | undefined {
  if (!isRetryableStatus(response.status)) return undefined;
  return { status: response.status, retryAfterMs: parseRetryAfterMs((name) => response.headers.get(name), nowMs) };
}

export function retryPipelinePolicy(options: RetryPolicyOptions): PipelinePolicy {
  const retries = options.retries ?? retryableAnswer;
  const now = () => (options.clock ?? { now: () => Date.now() }).now();
  return {
    name: options.name,
    sendRequest(request, next) {
      return retrying(
        () => next(request),
        (result) => {
          if ("value" in result) return retries(result.value, now());
          if (options.retryNetworkErrors === false) return undefined;
          return { networkErrorCode: (result.error as { code?: string })?.code ?? "REQUEST_SEND_ERROR" };
        },
        { retry: options.retry, clock: options.clock, random: options.random, signal: request.abortSignal as AbortSignal | undefined },
      );
    },
  };
}
