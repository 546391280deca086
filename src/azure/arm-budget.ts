/**
 * Sends ARM requests (cleanup's, teardown's and the deploy flow's group reads, deletes and purges) through
 * per-subscription gates paced to ARM's read and delete buckets,
 * and turns each response into the signal the pacer learns from (remaining-budget header, 429 and its
 * Retry-After). 429s come back to the gate (allowStatus) instead of being retried blindly inside the
 * pipeline, so the gate can hold every other request of that subscription back as well.
 */
import { listPages, pageItems, type ArmClient, type ArmRequest, type ArmResponse } from "./arm-client";
import type { Clock } from "./clock";
import { parseRetryAfterMs } from "./retry";
import { PacedGate } from "./paced-gate";
import { ARM_DELETE_BUCKET, type DeleteResponseSignal, type TokenBucket } from "./pacing";

export const ARM_READ_BUCKET: TokenBucket = { capacity: 250, refillPerSecond: 25 };

/** Read priorities: what feeds the next DELETE first, then verification, then polling. */
export const ReadPriority = {
  reRead: 0,
  verify: 1,
  poll: 2,
  background: 3,
} as const;

export interface ArmBudgetOptions {
  reads?: TokenBucket;
  deletes?: TokenBucket;
  /** ARM's write bucket has the same documented size as the delete bucket. */
  writes?: TokenBucket;
}

interface SubscriptionGates {
  reads: PacedGate;
  deletes: PacedGate;
  writes: PacedGate;
}

export class ArmBudget {
  private readonly gates = new Map<string, SubscriptionGates>();

  constructor(
    readonly client: ArmClient,
    readonly clock: Clock,
    private readonly options: ArmBudgetOptions = {},
  ) {}

  /** A GET (or other read) in a subscription, paced to its read bucket. */
  read<T = unknown>(subscriptionId: string, priority: number, req: ArmRequest, order?: number): Promise<ArmResponse<T>> {
    return this.gatesFor(subscriptionId).reads.run(priority, () => this.send<T>(req, "subscription-reads"), order);
  }

  /**
   * Every page of an ARM list, each page a paced read, following nextLink until it is absent, null or "".
   * A 404 ends the listing: `gone` says so, `items` holds what came before it.
   */
  async readAllPages<T>(subscriptionId: string, priority: number, path: string, apiVersion: string): Promise<{ items: T[]; gone: boolean }> {
    const items: T[] = [];
    const first: ArmRequest = { method: "GET", path, apiVersion, allowStatus: [404] };
    for await (const page of listPages<T>(first, (req) => this.read(subscriptionId, priority, req))) {
      if (page.status === 404) return { items, gone: true };
      items.push(...pageItems(page));
    }
    return { items, gone: false };
  }

  /** A DELETE (or a purge POST, which ARM meters as a write/delete) paced to the delete bucket. */
  delete<T = unknown>(subscriptionId: string, req: ArmRequest): Promise<ArmResponse<T>> {
    return this.gatesFor(subscriptionId).deletes.run(0, () => this.send<T>(req, "subscription-deletes"));
  }

  /** A write (PUT, or a POST such as a Key Vault purge) paced to the write bucket. */
  write<T = unknown>(subscriptionId: string, req: ArmRequest): Promise<ArmResponse<T>> {
    return this.gatesFor(subscriptionId).writes.run(0, () => this.send<T>(req, "subscription-writes"));
  }

  /** 429s absorbed by the gates so far (they cost time, never a failure). */
  throttledCounts(): { reads: number; deletes: number } {
    let reads = 0;
    let deletes = 0;
    for (const g of this.gates.values()) {
      reads += g.reads.throttled;
      deletes += g.deletes.throttled + g.writes.throttled;
    }
    return { reads, deletes };
  }

  private gatesFor(subscriptionId: string): SubscriptionGates {
    const key = subscriptionId.toLowerCase();
    let gates = this.gates.get(key);
    if (!gates) {
      gates = {
        reads: new PacedGate(this.options.reads ?? ARM_READ_BUCKET, this.clock),
        deletes: new PacedGate(this.options.deletes ?? ARM_DELETE_BUCKET, this.clock),
        writes: new PacedGate(this.options.writes ?? ARM_DELETE_BUCKET, this.clock),
      };
      this.gates.set(key, gates);
    }
    return gates;
  }

  private async send<T>(req: ArmRequest, budgetHeader: string): Promise<{ value: ArmResponse<T>; signal: DeleteResponseSignal }> {
    const allowStatus = [...new Set([...(req.allowStatus ?? []), 429])];
    const response = await this.client.request<T>({ ...req, allowStatus });
    return { value: response, signal: signalOf(response, budgetHeader, this.clock.now()) };
  }
}

export function signalOf(response: ArmResponse<unknown>, budgetHeader: string, nowMs: number): DeleteResponseSignal {
  if (response.status === 429) {
    return { throttled: true, retryAfterMs: parseRetryAfterMs((n) => response.headers[n], nowMs) };
  }
  const raw = response.headers[`x-ms-ratelimit-remaining-${budgetHeader}`];
  const remaining = raw === undefined ? undefined : Number(raw);
  return { remaining: remaining !== undefined && Number.isFinite(remaining) ? remaining : undefined };
}
