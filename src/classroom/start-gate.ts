import type { Clock } from "../azure/clock";
import { Semaphore } from "../azure/rate-limit";
import { ARM_DELETE_BUCKET, type TokenBucket } from "../azure/pacing";

/**
 * When a class's next lab may start deploying. The engine sends a lab's ARM writes itself (one PUT per
 * Azure resource the program declares), so they cannot be paced request by request; instead a lab
 * starts only when its subscription's write bucket holds all of its writes, and only while fewer than
 * `concurrency` labs are deploying. ARM meters writes per subscription and principal with a token bucket
 * of 200 and a refill of 10 per second (learn.microsoft.com/azure/azure-resource-manager/management/
 * request-limits-and-throttling, the 2024 token-bucket version; the same figures as the delete bucket,
 * see src/cleanup/pacing.ts), so 30 labs of 3 writes start at once and a 100-lab class of 3 writes runs
 * at the bucket's pace after its first 66.
 *
 * Databricks workspace creation has no rate of its own in the documentation: the Azure Databricks
 * resource limits (learn.microsoft.com/azure/databricks/resources/limits, read 2026-12-03) list none for
 * workspaces; the account-level limit that a class meets is 10,000 users and service principals per
 * account. Workspace PUTs are ARM writes like any other and are paced here with them.
 */
export const ARM_WRITE_BUCKET: TokenBucket = ARM_DELETE_BUCKET;

/** Pure token arithmetic: how long until `need` tokens are there, and the bucket after taking them. */
export class WriteBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly bucket: TokenBucket,
    startMs: number,
  ) {
    this.tokens = bucket.capacity;
    this.at = startMs;
  }

  private refill(nowMs: number): void {
    if (nowMs > this.at) {
      this.tokens = Math.min(this.bucket.capacity, this.tokens + ((nowMs - this.at) / 1000) * this.bucket.refillPerSecond);
      this.at = nowMs;
    }
  }

  /** Milliseconds to wait before `need` tokens can be taken (0: now). */
  waitFor(need: number, nowMs: number): number {
    this.refill(nowMs);
    const wanted = Math.min(need, this.bucket.capacity);
    return this.tokens >= wanted ? 0 : Math.ceil(((wanted - this.tokens) / this.bucket.refillPerSecond) * 1000);
  }

  take(need: number, nowMs: number): void {
    this.refill(nowMs);
    this.tokens -= Math.min(need, this.bucket.capacity);
  }
}

/** When lab k (0-based) of `count` labs of `writes` writes each can start, against a full bucket. */
export function plannedStarts(count: number, writes: number, bucket: TokenBucket = ARM_WRITE_BUCKET): number[] {
  const model = new WriteBucket(bucket, 0);
  const starts: number[] = [];
  let now = 0;
  for (let i = 0; i < count; i++) {
    now += model.waitFor(writes, now);
    model.take(writes, now);
    starts.push(now);
  }
  return starts;
}

export class LabStartGate {
  private readonly slots: Semaphore;
  private readonly buckets = new Map<string, { model: WriteBucket; queue: Promise<void> }>();

  constructor(
    private readonly clock: Clock,
    concurrency: number,
    private readonly bucket: TokenBucket = ARM_WRITE_BUCKET,
  ) {
    this.slots = new Semaphore(concurrency);
  }

  /** Runs `deploy` once a slot is free and the subscription's bucket holds `writes` tokens. */
  async run<T>(subscription: string, writes: number, deploy: () => Promise<T>): Promise<T> {
    const release = await this.slots.acquire();
    try {
      await this.admit(subscription.toLowerCase(), writes);
      return await deploy();
    } finally {
      release();
    }
  }

  private admit(subscription: string, writes: number): Promise<void> {
    let entry = this.buckets.get(subscription);
    if (!entry) {
      entry = { model: new WriteBucket(this.bucket, this.clock.now()), queue: Promise.resolve() };
      this.buckets.set(subscription, entry);
    }
    const model = entry.model;
    // First come, first served per subscription: each waits for the one before it to take its tokens.
    const turn = entry.queue.then(async () => {
      for (;;) {
        const wait = model.waitFor(writes, this.clock.now());
        if (wait === 0) break;
        await this.clock.sleep(wait);
      }
      model.take(writes, this.clock.now());
    });
    entry.queue = turn.catch(() => undefined);
    return turn;
  }
}
