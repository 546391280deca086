/**
 * ARM's token buckets (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling): per subscription (tenant-level calls share one "tenant"
 * bucket) and per operation type. Defaults: reads 250 burst / 25 per s, writes and deletes 200 / 10.
 */
import type { SimClock } from "./clock";
import type { OperationKind } from "./router";

export interface BucketConfig {
  burst: number;
  refillPerSecond: number;
}

export interface ThrottleOptions {
  /** false turns throttling off (headers still report a full bucket). Default true. */
  enabled?: boolean;
  reads?: Partial<BucketConfig>;
  writes?: Partial<BucketConfig>;
  deletes?: Partial<BucketConfig>;
  /** false answers 429 WITHOUT Retry-After (ARM does that sometimes; the SDK then gives up). Default true. */
  retryAfter?: boolean;
}

export const DEFAULT_BUCKETS: Record<OperationKind, BucketConfig> = {
  read: { burst: 250, refillPerSecond: 25 },
  write: { burst: 200, refillPerSecond: 10 },
  delete: { burst: 200, refillPerSecond: 10 },
};

interface Bucket {
  tokens: number;
  at: number;
}

export type TakeResult = { allowed: true; remaining: number } | { allowed: false; remaining: 0; waitSimMs: number };

export class TokenBuckets {
  readonly config: Record<OperationKind, BucketConfig>;
  readonly enabled: boolean;
  readonly sendRetryAfter: boolean;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: ThrottleOptions | false | undefined, private readonly clock: SimClock) {
    const o = options === false ? { enabled: false } : (options ?? {});
    this.enabled = o.enabled !== false;
    this.sendRetryAfter = o.retryAfter !== false;
    this.config = {
      read: { ...DEFAULT_BUCKETS.read, ...o.reads },
      write: { ...DEFAULT_BUCKETS.write, ...o.writes },
      delete: { ...DEFAULT_BUCKETS.delete, ...o.deletes },
    };
  }

  private bucket(scope: string, kind: OperationKind): Bucket {
    const key = `${scope.toLowerCase()}|${kind}`;
    const cfg = this.config[kind];
    const now = this.clock.now();
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: cfg.burst, at: now };
      this.buckets.set(key, b);
    }
    const refill = ((now - b.at) / 1000) * cfg.refillPerSecond;
    b.tokens = Math.min(cfg.burst, b.tokens + refill);
    b.at = now;
    return b;
  }

  take(scope: string, kind: OperationKind): TakeResult {
    if (!this.enabled) return { allowed: true, remaining: this.config[kind].burst - 1 };
    const b = this.bucket(scope, kind);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, remaining: Math.floor(b.tokens) };
    }
    const waitSimMs = Math.ceil(((1 - b.tokens) / this.config[kind].refillPerSecond) * 1000);
    return { allowed: false, remaining: 0, waitSimMs };
  }

  remaining(scope: string, kind: OperationKind): number {
    if (!this.enabled) return this.config[kind].burst;
    return Math.floor(this.bucket(scope, kind).tokens);
  }
}
