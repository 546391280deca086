/**
 * The one long-running-operation poller. Every ARM operation the toolkit follows goes through it: the
 * ArmClient's beginOperation/pollUntilDone, the paced deletes and purges of cleanup, teardown and the
 * deploy flow (paced-operations.ts), and the endpoint-traffic dynamic resource of the Pulumi program.
 * The rules (lro.ts, after the JS SDK's core-lro, https://learn.microsoft.com/azure/azure-resource-manager/management/async-operations):
 * - Operation-Location, else Azure-AsyncOperation: poll the status monitor (it may move between polls);
 *   else Location: poll until it stops answering 202; else a PUT/PATCH is re-read until its
 *   provisioningState is terminal;
 * - a DELETE/POST answered 202 with nothing to poll counts as accepted and done;
 * - Retry-After (or retry-after-ms) sets the wait before the next poll, else the caller's default;
 * - a poll answered with an error the retry rules do not retry (401, 403, 404, ...) ends the operation
 *   at once as failed, with ARM's code and message, instead of being polled until the wait ends.
 *
 * How a request is sent is the caller's (`send`): the ArmClient itself, a paced budget, or the
 * self-contained fetch of a dynamic provider. This file imports only pure modules (lro, errors, retry),
 * so a Pulumi dynamic provider that uses it can be serialized with it into the provider's own process.
 */
import type { ArmRequest, ArmResponse } from "./arm-client";
import type { Clock } from "./clock";
import { ArmError, operationFailureError } from "./errors";
import { isTerminal, nextPollUrl, planLro, statusFromPoll, type LroMode, type OperationStatus } from "./lro";
import { isRetryableStatus, parseRetryAfterMs } from "./retry";

/** Sends one request; statuses named in `allowStatus` come back as responses instead of errors. */
export type SendRequest = (req: ArmRequest) => Promise<ArmResponse<unknown>>;

/** Enough to follow (or resume) an operation. */
export interface OperationState {
  method: string;
  requestUrl: string;
  mode: LroMode | "none";
  pollUrl?: string;
  finalUrl?: string;
  status: OperationStatus;
}

/** What one response (the initial one or a poll) said about the operation. */
export interface OperationStep {
  status: OperationStatus;
  /** Set when the status is failed or canceled. */
  error?: ArmError;
  /** How long the service asked to wait before the next poll. */
  retryAfterMs?: number;
  response: ArmResponse<unknown>;
}

/**
 * Error statuses a poll (or a delete's first request) reads as an answer rather than retrying: every
 * status >= 400 that the retry rules do not retry (so 408, 429 and the retried 5xx still are).
 */
export const ANSWER_STATUSES: readonly number[] = Array.from({ length: 200 }, (_, i) => 400 + i).filter((status) => !isRetryableStatus(status));

/** The operation an initial response started, and what that response already says about it. */
export function operationFromResponse(method: string, response: ArmResponse<unknown>, nowMs: number): { state: OperationState; step: OperationStep } {
  const header = (name: string) => response.headers[name];
  const plan = planLro(method, response.url, { status: response.status, header, body: response.body });
  const state: OperationState = { method: method.toUpperCase(), requestUrl: response.url, mode: plan.mode, pollUrl: plan.pollUrl, finalUrl: plan.finalUrl, status: plan.initialStatus };
  const failed = plan.initialStatus === "failed" || plan.initialStatus === "canceled";
  return {
    state,
    step: {
      status: plan.initialStatus,
      ...(failed ? { error: operationFailureError(response.status, response.body, plan.initialStatus as "failed" | "canceled") } : {}),
      retryAfterMs: parseRetryAfterMs(header, nowMs),
      response,
    },
  };
}

/** Whether there is anything left to poll. */
export function isRunning(state: OperationState): boolean {
  return !isTerminal(state.status) && state.mode !== "none" && state.pollUrl !== undefined;
}

/**
 * One poll (no waiting): GET the poll URL through `send`, read the status in the operation's mode, and
 * follow a status monitor that moved. Updates `state`. A poll answered with an error status ends the
 * operation as failed.
 */
export async function pollOperation(state: OperationState, send: SendRequest, nowMs: () => number, signal?: AbortSignal): Promise<OperationStep> {
  if (!isRunning(state)) throw new Error(`the operation on ${state.requestUrl} is not running (${state.status})`);
  const response = await send({ method: "GET", url: state.pollUrl!, allowStatus: [...ANSWER_STATUSES], ...(signal ? { abortSignal: signal } : {}) });
  const view = { status: response.status, header: (name: string) => response.headers[name], body: response.body };
  const status = statusFromPoll(state.mode as LroMode, view);
  state.pollUrl = nextPollUrl(state.mode as LroMode, state.pollUrl!, view);
  state.status = status;
  const failed = status === "failed" || status === "canceled";
  return {
    status,
    ...(failed ? { error: operationFailureError(response.status, response.body, status) } : {}),
    retryAfterMs: parseRetryAfterMs(view.header, nowMs()),
    response,
  };
}

export interface OperationWait {
  /** Wait before the first poll (the initial response's Retry-After); default `defaultPollMs`. */
  firstWaitMs?: number;
  /** Poll interval when a response carries no Retry-After. */
  defaultPollMs: number;
  /** A fixed interval that overrides Retry-After (tests). */
  intervalMs?: number;
  /** Stop waiting ("timeout") when the next wait would end later than this; default: no limit. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called after each poll that found the operation still running (progress for people). */
  onStillRunning?: () => void;
}

export type OperationOutcome =
  | { kind: "succeeded"; response: ArmResponse<unknown> }
  /** `status` is the HTTP status of the response that ended it (>= 400: the poll itself was refused). */
  | { kind: "failed"; error: ArmError; status: number }
  | { kind: "timeout" };

/** Polls until the operation is terminal, sleeping Retry-After (or the default interval) between polls. */
export async function waitForOperation(state: OperationState, send: SendRequest, clock: Clock, wait: OperationWait): Promise<OperationOutcome> {
  const deadline = clock.now() + (wait.timeoutMs ?? Number.POSITIVE_INFINITY);
  let delay = wait.intervalMs ?? wait.firstWaitMs ?? wait.defaultPollMs;
  for (;;) {
    if (clock.now() + delay > deadline) return { kind: "timeout" };
    await clock.sleep(delay, wait.signal);
    const step = await pollOperation(state, send, () => clock.now(), wait.signal);
    if (step.status === "succeeded") return { kind: "succeeded", response: step.response };
    if (step.status !== "running") return { kind: "failed", error: step.error!, status: step.response.status };
    wait.onStillRunning?.();
    delay = wait.intervalMs ?? step.retryAfterMs ?? wait.defaultPollMs;
  }
}

/**
 * The resource a succeeded operation produced: none for a DELETE; the last poll's body in Location or
 * re-GET mode when it has one; else the final URL read once more (PUT/PATCH: the resource; POST: Location).
 */
export async function operationResult<T>(state: OperationState, last: ArmResponse<unknown>, send: SendRequest, signal?: AbortSignal): Promise<T | undefined> {
  if (state.method === "DELETE") return undefined;
  if (state.mode === "body" || state.mode === "location") {
    if (last.status !== 204 && last.body !== "" && last.body !== undefined) return last.body as T;
  }
  if (state.finalUrl) return (await send({ method: "GET", url: state.finalUrl, ...(signal ? { abortSignal: signal } : {}) })).body as T;
  return undefined;
}
