/**
 * A gate that lets requests through no faster than one ARM token bucket allows (reads or deletes of one
 * subscription), highest priority first. The pacing arithmetic is DeletePacer's (pure); this file only
 * adds waiting: a timer until the next token, or the next response when the pacer waits for one.
 *
 * A request answered with 429 goes back to the front of its priority and is sent again when the
 * bucket allows, so throttling costs time, never a failure.
 */
import type { Clock } from "./clock";
import { DeletePacer, type DeleteResponseSignal, type SendTicket, type TokenBucket } from "./pacing";

export interface GateResponse<T> {
  value: T;
  signal: DeleteResponseSignal;
}

interface Waiter {
  priority: number;
  order: number;
  send: () => Promise<GateResponse<unknown>>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class PacedGate {
  private readonly pacer: DeletePacer;
  private readonly queue: Waiter[] = [];
  private order = 0;
  private pumping = false;
  private wake?: () => void;
  private inFlight = 0;
  /** Requests answered with 429 and sent again (for reports and benchmarks). */
  throttled = 0;

  constructor(
    bucket: TokenBucket,
    private readonly clock: Clock,
  ) {
    this.pacer = new DeletePacer(bucket, clock.now());
  }

  /**
   * Runs `send` when the bucket allows; lower `priority` numbers go first, then lower `order` (default:
   * first come, first served).
   */
  run<T>(priority: number, send: () => Promise<GateResponse<T>>, order?: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.enqueue({ priority, order: order ?? this.order++, send, resolve: resolve as (v: unknown) => void, reject });
    });
  }

  private enqueue(waiter: Waiter): void {
    // Keep the queue sorted: by priority, then first come first served.
    let i = this.queue.length;
    while (i > 0 && compare(this.queue[i - 1], waiter) > 0) i--;
    this.queue.splice(i, 0, waiter);
    this.poke();
    void this.pump();
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const now = this.clock.now();
        const at = this.pacer.nextSendAt(now);
        if (at > now) {
          await this.waitUntil(at);
          continue;
        }
        const waiter = this.queue.shift()!;
        const ticket = this.pacer.take(now);
        this.dispatch(waiter, ticket);
      }
    } finally {
      this.pumping = false;
    }
  }

  private dispatch(waiter: Waiter, ticket: SendTicket): void {
    this.inFlight++;
    waiter.send().then(
      (response) => {
        this.inFlight--;
        this.pacer.observe(this.clock.now(), ticket, response.signal);
        if (response.signal.throttled) {
          this.throttled++;
          // Throttled: back to the front of its priority.
          this.enqueue({ ...waiter, order: Number.NEGATIVE_INFINITY });
        } else {
          waiter.resolve(response.value);
          this.poke();
        }
      },
      (error: unknown) => {
        this.inFlight--;
        // A request that failed without an answer still tells the pacer the first response came back.
        this.pacer.observe(this.clock.now(), ticket, {});
        waiter.reject(error);
        this.poke();
      },
    );
  }

  /** Sleeps until `at` (or until a response arrives, when the pacer waits for one). */
  private waitUntil(at: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        resolve();
      };
      this.wake = finish;
      if (Number.isFinite(at)) {
        void this.clock.sleep(Math.max(1, at - this.clock.now())).then(finish, finish);
      } else if (this.inFlight === 0) {
        // Nothing in flight can wake us: treat the pacer's wait as answered.
        finish();
      }
    });
  }
}

function compare(a: Waiter, b: Waiter): number {
  return a.priority - b.priority || a.order - b.order;
}
