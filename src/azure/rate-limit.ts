/**
 * The `x-ms-ratelimit-remaining-*` budget ARM reports on each response, kept per header so a caller
 * can pace deletes by `subscription-deletes` even when the last response was a read.
 */
export type RateLimitRemaining = Record<string, number>;

const PREFIX = "x-ms-ratelimit-remaining-";

/** e.g. {"subscription-deletes": 197} from one response's headers. */
export function rateLimitHeaders(entries: Iterable<[string, string]>): RateLimitRemaining {
  const out: RateLimitRemaining = {};
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (!lower.startsWith(PREFIX)) continue;
    const n = Number(value);
    if (Number.isFinite(n)) out[lower.slice(PREFIX.length)] = n;
  }
  return out;
}

/** A small FIFO semaphore bounding how many HTTP attempts are in flight at once. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`concurrency limit must be >= 1, got ${limit}`);
  }
  get inFlight(): number {
    return this.active;
  }
  async acquire(): Promise<() => void> {
    if (this.active < this.limit) {
      this.active++;
    } else {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      // The releaser handed its slot over without decrementing.
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
