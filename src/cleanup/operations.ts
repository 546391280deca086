/**
 * Long-running deletes as cleanup drives them: start through the delete budget, then poll one step at a
 * time through the read budget so hundreds of operations can be in flight and polled in turn, none
 * blocking another. Polling follows the same rules as the shared pipeline's LRO handling (lro.ts).
 */
import type { ArmRequest, ArmResponse } from "../azure/arm-client";
import { ArmError, operationFailureError, parseArmError } from "../azure/errors";
import { isTerminal, nextPollUrl, planLro, statusFromPoll, type LroMode, type OperationStatus } from "../azure/lro";
import { parseRetryAfterMs } from "../azure/retry";
import { ReadPriority, type ArmBudget } from "../azure/arm-budget";

/** What a running operation needs to be polled. */
export interface RunningOperation {
  subscriptionId: string;
  mode: LroMode;
  pollUrl: string;
  /** When it was started (clock ms): when reads are short, the oldest operations are polled first. */
  startedAt: number;
}

export type StartResult =
  | { kind: "done" }
  | { kind: "gone" }
  | { kind: "running"; operation: RunningOperation; retryAfterMs?: number }
  | { kind: "failed"; error: ArmError };

export type PollResult =
  | { kind: "running"; retryAfterMs?: number }
  | { kind: "succeeded" }
  | { kind: "failed"; error: ArmError };

/** Every 4xx except 408/429 is an answer to read, not a reason to retry. */
const ANSWER_STATUSES = Array.from({ length: 100 }, (_, i) => 400 + i).filter((s) => s !== 408 && s !== 429);

/**
 * Sends a DELETE (or purge) through the delete budget. 404 means there was nothing to delete (already
 * gone: success for a cleanup); an ARM error is returned, not thrown, so one group's failure never
 * stops the others.
 */
export async function startDelete(budget: ArmBudget, subscriptionId: string, req: ArmRequest): Promise<StartResult> {
  let response;
  try {
    const send = req.method === "DELETE" ? budget.delete.bind(budget) : budget.write.bind(budget);
    response = await send(subscriptionId, { ...req, allowStatus: ANSWER_STATUSES });
  } catch (error) {
    return { kind: "failed", error: asArmError(error) };
  }
  if (response.status === 404) return { kind: "gone" };
  if (response.status >= 400) {
    return { kind: "failed", error: answerError(response) };
  }
  const plan = planLro(req.method, response.url, { status: response.status, header: (n) => response.headers[n], body: response.body });
  if (plan.initialStatus === "failed" || plan.initialStatus === "canceled") {
    return { kind: "failed", error: operationFailureError(response.status, response.body, plan.initialStatus) };
  }
  if (plan.mode === "none" || !plan.pollUrl || isTerminal(plan.initialStatus)) return { kind: "done" };
  return {
    kind: "running",
    operation: { subscriptionId, mode: plan.mode, pollUrl: plan.pollUrl, startedAt: budget.clock.now() },
    retryAfterMs: parseRetryAfterMs((n) => response.headers[n], budget.clock.now()),
  };
}

/** One poll of a running operation through the read budget. */
export async function pollOnce(budget: ArmBudget, operation: RunningOperation): Promise<PollResult> {
  let response;
  try {
    // Oldest first: an operation started earlier is more likely to be done.
    response = await budget.read(
      operation.subscriptionId,
      ReadPriority.poll,
      { method: "GET", url: operation.pollUrl, allowStatus: ANSWER_STATUSES },
      operation.startedAt,
    );
  } catch (error) {
    return { kind: "failed", error: asArmError(error) };
  }
  const status: OperationStatus = statusFromPoll(operation.mode, {
    status: response.status,
    header: (n) => response.headers[n],
    body: response.body,
  });
  if (status === "succeeded") return { kind: "succeeded" };
  if (status === "failed" || status === "canceled") return { kind: "failed", error: operationFailureError(response.status, response.body, status) };
  operation.pollUrl = nextPollUrl(operation.mode, operation.pollUrl, { header: (n) => response.headers[n] });
  return { kind: "running", retryAfterMs: parseRetryAfterMs((n) => response.headers[n], budget.clock.now()) };
}

/** An error status answered (allowStatus) instead of thrown: the same ArmError the pipeline would throw. */
function answerError(response: ArmResponse<unknown>): ArmError {
  return parseArmError({
    status: response.status,
    body: response.body,
    bodyText: typeof response.body === "string" ? response.body : undefined,
    requestId: response.headers["x-ms-request-id"],
  });
}

export function asArmError(error: unknown): ArmError {
  if (error instanceof ArmError) return error;
  return new ArmError({ status: 0, code: "RequestFailed", message: error instanceof Error ? error.message : String(error) });
}
