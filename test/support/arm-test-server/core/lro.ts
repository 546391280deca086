/**
 * Long-running operations: 201/202 + Azure-AsyncOperation + Location + Retry-After, status monitors
 * (InProgress → Succeeded/Failed/Canceled with error) and Location monitors (202 → 200/204). Time
 * only moves state forward when someone looks (settle() runs before each request), so a manual clock
 * and a scaled clock behave the same.
 */
import type { SimClock } from "./clock";
import type { ArmErrorBody } from "./errors";
import type { RouteResult } from "./router";

export type OperationStatusValue = "InProgress" | "Succeeded" | "Failed" | "Canceled";

export interface OperationSpec {
  subscriptionId: string;
  /** Provider namespace for the monitor URLs (Microsoft.Resources uses the subscription-level form). */
  namespace: string;
  location: string;
  apiVersion: string;
  durationMs: number;
  /** Shown in the status body's name and useful in assertions. */
  kind: string;
  resourceId?: string;
  /** Which monitors the initial response names. Default both. */
  asyncOperationHeader?: boolean;
  locationHeader?: boolean;
  /** Runs once when the time is up; returning an error fails the operation. */
  complete?: () => ArmErrorBody | void;
  /** Decided up front (seeded/injected failures): the operation fails with this error. */
  failWith?: ArmErrorBody;
  /** HTTP status the Location monitor returns when the operation failed. Default 400. */
  failureStatus?: number;
  /** Body/status of the Location monitor once succeeded. Default 200 without body for deletes. */
  locationResult?: () => { status: 200 | 204; body?: unknown };
  /** Internal operations (no client ever polls them), e.g. a managed RG cleanup. */
  internal?: boolean;
}

export interface Operation extends OperationSpec {
  id: string;
  startedAt: number;
  dueAt: number;
  status: OperationStatusValue;
  error?: ArmErrorBody;
  endTime?: number;
}

export class LroEngine {
  private readonly ops = new Map<string, Operation>();
  private seq = 0;

  constructor(
    private readonly clock: SimClock,
    private readonly baseUrl: () => string,
    /** Simulated ms a client is told to wait between polls. */
    private readonly pollIntervalMs: number,
  ) {}

  start(spec: OperationSpec): Operation {
    const now = this.clock.now();
    const id = `${(++this.seq).toString(36).padStart(4, "0")}-${Math.random().toString(36).slice(2, 10)}`;
    const op: Operation = { ...spec, id, startedAt: now, dueAt: now + Math.max(0, spec.durationMs), status: "InProgress" };
    this.ops.set(id, op);
    return op;
  }

  get(id: string): Operation | undefined {
    return this.ops.get(id);
  }

  all(): Operation[] {
    return [...this.ops.values()];
  }

  /** Completes every operation whose time has come, in due order (completions may start more). */
  settle(now = this.clock.now()): void {
    for (;;) {
      const due = [...this.ops.values()].filter((o) => o.status === "InProgress" && o.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
      if (due.length === 0) return;
      for (const op of due) this.finish(op, op.dueAt);
    }
  }

  private finish(op: Operation, at: number): void {
    if (op.status !== "InProgress") return;
    op.endTime = at;
    if (op.failWith) {
      op.status = "Failed";
      op.error = op.failWith;
      // A failed create still has side effects (the resource ends Failed).
      op.complete?.();
      return;
    }
    const err = op.complete?.();
    if (err) {
      op.status = "Failed";
      op.error = err;
    } else {
      op.status = "Succeeded";
    }
  }

  cancel(id: string, error?: ArmErrorBody): void {
    const op = this.ops.get(id);
    if (!op || op.status !== "InProgress") return;
    op.status = "Canceled";
    op.error = error ?? { code: "OperationCanceled", message: "The operation was canceled." };
    op.endTime = this.clock.now();
  }

  asyncOperationUrl(op: Operation): string {
    return `${this.baseUrl()}/subscriptions/${op.subscriptionId}/providers/${op.namespace}/locations/${op.location}/operationStatuses/${op.id}?api-version=${op.apiVersion}`;
  }

  locationUrl(op: Operation): string {
    if (op.namespace.toLowerCase() === "microsoft.resources") {
      return `${this.baseUrl()}/subscriptions/${op.subscriptionId}/operationresults/${op.id}?api-version=${op.apiVersion}`;
    }
    return `${this.baseUrl()}/subscriptions/${op.subscriptionId}/providers/${op.namespace}/locations/${op.location}/operationResults/${op.id}?api-version=${op.apiVersion}`;
  }

  /** Retry-After (integer seconds, as ARM sends) plus retry-after-ms when time is scaled. */
  retryAfterHeaders(op?: Operation): Record<string, string> {
    const remaining = op ? Math.max(0, op.dueAt - this.clock.now()) : this.pollIntervalMs;
    const simMs = Math.min(this.pollIntervalMs, Math.max(remaining, 0));
    const realMs = this.clock.toRealMs(simMs);
    const h: Record<string, string> = { "Retry-After": String(Math.round(realMs / 1000)) };
    if (this.clock.timeScale !== 1) h["retry-after-ms"] = String(Math.round(realMs));
    return h;
  }

  /** Headers for the initial 201/202 response. */
  initialHeaders(op: Operation): Record<string, string> {
    const h: Record<string, string> = { ...this.retryAfterHeaders(op) };
    if (op.asyncOperationHeader !== false) h["Azure-AsyncOperation"] = this.asyncOperationUrl(op);
    if (op.locationHeader !== false) h["Location"] = this.locationUrl(op);
    return h;
  }

  /** GET on the Azure-AsyncOperation URL. */
  statusResponse(op: Operation): RouteResult {
    const body: Record<string, unknown> = {
      id: this.asyncOperationUrl(op).replace(/\?.*$/, "").replace(this.baseUrl(), ""),
      name: op.id,
      status: op.status,
      startTime: new Date(op.startedAt).toISOString(),
    };
    if (op.endTime !== undefined) {
      body.endTime = new Date(op.endTime).toISOString();
      body.percentComplete = 100;
    } else {
      const span = Math.max(1, op.dueAt - op.startedAt);
      body.percentComplete = Math.min(99, Math.floor(((this.clock.now() - op.startedAt) / span) * 100));
    }
    if (op.error) body.error = op.error;
    return { status: 200, body, headers: op.status === "InProgress" ? this.retryAfterHeaders(op) : {} };
  }

  /** GET on the Location URL. */
  locationResponse(op: Operation): RouteResult {
    if (op.status === "InProgress") {
      return { status: 202, headers: { Location: this.locationUrl(op), ...this.retryAfterHeaders(op) } };
    }
    if (op.status === "Succeeded") {
      const r = op.locationResult?.() ?? { status: 200 as const };
      return { status: r.status, body: r.body };
    }
    return { status: op.failureStatus ?? 400, body: { error: op.error } };
  }
}
