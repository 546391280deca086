/**
 * Long-running deletes and purges through the paced budget: started through the delete (or write)
 * gate, then polled one step at a time through the read gate, so hundreds of operations can be in
 * flight and polled in turn, none blocking another. Polling is the shared poller's (operation.ts).
 */
import type { ArmRequest, ArmResponse } from "./arm-client";
import { ReadPriority, type ArmBudget } from "./arm-budget";
import { ArmError, parseArmError } from "./errors";
import { ANSWER_STATUSES, isRunning, operationFromResponse, waitForOperation, type OperationState, type OperationWait } from "./operation";

/** A running operation of one subscription, and when it was started (clock ms). */
export interface RunningOperation {
  subscriptionId: string;
  state: OperationState;
  /** When reads are short, the oldest operations are polled first. */
  startedAt: number;
}

export type StartResult =
  | { kind: "done" }
  | { kind: "gone" }
  | { kind: "running"; operation: RunningOperation; retryAfterMs?: number }
  | { kind: "failed"; error: ArmError };

/**
 * Sends a DELETE (or purge) through the delete budget (a POST through the write budget). 404 means there
 * was nothing to delete (already gone: success for a cleanup); an ARM error is returned, not thrown, so
 * one item's failure never stops the others.
 */
export async function startDelete(budget: ArmBudget, subscriptionId: string, req: ArmRequest): Promise<StartResult> {
  let response: ArmResponse<unknown>;
  try {
    const send = req.method === "DELETE" ? budget.delete.bind(budget) : budget.write.bind(budget);
    response = await send(subscriptionId, { ...req, allowStatus: [...ANSWER_STATUSES] });
  } catch (error) {
    return { kind: "failed", error: asArmError(error) };
  }
  if (response.status === 404) return { kind: "gone" };
  if (response.status >= 400) return { kind: "failed", error: answerError(response) };
  const { state, step } = operationFromResponse(req.method, response, budget.clock.now());
  if (step.error) return { kind: "failed", error: step.error };
  if (!isRunning(state)) return { kind: "done" };
  return { kind: "running", operation: { subscriptionId, state, startedAt: budget.clock.now() }, retryAfterMs: step.retryAfterMs };
}

/**
 * Waits for a running operation to reach a terminal state, each poll a paced read (oldest operations
 * first), within `wait.timeoutMs`. A poll that fails without an answer ends it as failed.
 */
export async function waitForPacedOperation(
  budget: ArmBudget,
  operation: RunningOperation,
  wait: Omit<OperationWait, "signal" | "intervalMs">,
): Promise<{ kind: "succeeded" } | { kind: "failed"; error: ArmError } | { kind: "timeout" }> {
  const send = (req: ArmRequest) => budget.read(operation.subscriptionId, ReadPriority.poll, req, operation.startedAt);
  try {
    const outcome = await waitForOperation(operation.state, send, budget.clock, wait);
    return outcome.kind === "failed" ? { kind: "failed", error: outcome.error } : { kind: outcome.kind };
  } catch (error) {
    return { kind: "failed", error: asArmError(error) };
  }
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
