/**
 * The long-running-operation state machine (pure): which URL to poll and how to read each poll
 * response, exactly as the JS SDK's core-lro does (https://github.com/Azure/azure-sdk-for-js/tree/main/sdk/core/core-lro;
 * https://learn.microsoft.com/azure/azure-resource-manager/management/async-operations):
 * Operation-Location > Azure-AsyncOperation > Location > (PUT/PATCH) re-GET of the request URL.
 */

export type LroMode = "status-monitor" | "location" | "body";
export type OperationStatus = "running" | "succeeded" | "failed" | "canceled";

export interface LroResponseView {
  status: number;
  header: (name: string) => string | undefined;
  body: unknown;
}

export interface LroPlan {
  mode: LroMode | "none";
  /** URL to poll; absent when the initial response was already terminal. */
  pollUrl?: string;
  /** Where the final resource is read after success (PUT/PATCH: request URL; POST: Location). */
  finalUrl?: string;
  /** Status implied by the initial response alone. */
  initialStatus: OperationStatus;
}

// No module-level Set here or in the other modules the dynamic resources use: Pulumi cannot serialize one.
export function isTerminal(status: OperationStatus): boolean {
  return status === "succeeded" || status === "failed" || status === "canceled";
}

/** Maps a status string (status monitor `status` or `provisioningState`) to our four states. */
export function statusFromString(raw: string | undefined): OperationStatus | undefined {
  if (raw === undefined || raw === null) return undefined;
  const s = String(raw).toLowerCase();
  if (s.includes("succeeded")) return "succeeded";
  if (s.includes("fail")) return "failed";
  if (s === "canceled" || s === "cancelled") return "canceled";
  return "running";
}

export function provisioningStateOf(body: unknown): string | undefined {
  if (!body || typeof body !== "object") return undefined;
  const o = body as Record<string, unknown>;
  const props = o.properties;
  if (props && typeof props === "object") {
    const ps = (props as Record<string, unknown>).provisioningState;
    if (typeof ps === "string") return ps;
  }
  return typeof o.provisioningState === "string" ? o.provisioningState : undefined;
}

function resolve(url: string, base: string): string {
  return new URL(url, base).toString();
}

/** Decides how to follow an operation from its initial response. */
export function planLro(method: string, requestUrl: string, initial: LroResponseView): LroPlan {
  const m = method.toUpperCase();
  const operationLocation = initial.header("operation-location") ?? initial.header("azure-asyncoperation");
  const location = initial.header("location");
  const finalUrl = m === "PUT" || m === "PATCH" ? requestUrl : m === "POST" && location ? resolve(location, requestUrl) : undefined;

  if (operationLocation) {
    return { mode: "status-monitor", pollUrl: resolve(operationLocation, requestUrl), finalUrl, initialStatus: initialRunningOr(initial) };
  }
  if (location) {
    return { mode: "location", pollUrl: resolve(location, requestUrl), finalUrl, initialStatus: initialRunningOr(initial) };
  }
  if ((m === "PUT" || m === "PATCH") && initial.status < 300) {
    const status = statusFromString(provisioningStateOf(initial.body)) ?? "succeeded";
    return { mode: isTerminal(status) ? "none" : "body", pollUrl: isTerminal(status) ? undefined : requestUrl, finalUrl, initialStatus: status };
  }
  // DELETE/POST answered synchronously (200/204), or a 202 that names nowhere to poll: with nothing to
  // follow the request counts as accepted and done (as cleanup's startDelete has always treated it;
  // "running" here left ArmOperation.pollUntilDone waiting forever on a poll it could never send).
  return { mode: "none", finalUrl, initialStatus: "succeeded" };
}

/** With a polling header present the initial body only matters when it already says Failed/Canceled. */
function initialRunningOr(initial: LroResponseView): OperationStatus {
  const s = statusFromString(provisioningStateOf(initial.body));
  return s === "failed" || s === "canceled" ? s : "running";
}

/**
 * The URL of the next poll: a status monitor may move between polls (Operation-Location, else
 * Azure-AsyncOperation, on the poll response); the other modes keep polling the same URL.
 */
export function nextPollUrl(mode: LroMode, pollUrl: string, response: Pick<LroResponseView, "header">): string {
  if (mode !== "status-monitor") return pollUrl;
  const moved = response.header("operation-location") ?? response.header("azure-asyncoperation");
  return moved ? resolve(moved, pollUrl) : pollUrl;
}

/** Reads one poll response in the given mode. */
export function statusFromPoll(mode: LroMode, response: LroResponseView): OperationStatus {
  if (response.status >= 400) return "failed";
  switch (mode) {
    case "status-monitor": {
      const body = response.body as Record<string, unknown> | undefined;
      const s = body && typeof body === "object" ? statusFromString(body.status as string | undefined) : undefined;
      if (s) return s;
      return response.status === 202 ? "running" : "succeeded";
    }
    case "location":
      return response.status === 202 ? "running" : "succeeded";
    case "body": {
      if (response.status === 202) return "running";
      return statusFromString(provisioningStateOf(response.body)) ?? "succeeded";
    }
  }
}
