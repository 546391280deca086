/**
 * When to send each DELETE so ARM's delete budget is never overdrawn.
 *
 * ARM meters deletes with a token bucket per subscription and principal (200 burst, 10/s refill by
 * default; lower on trial subscriptions, and other clients of the same principal draw from it too). The
 * pacer keeps its own estimate of the bucket, lowers it to what ARM reports in
 * `x-ms-ratelimit-remaining-subscription-deletes`, and stops sending for the Retry-After of any 429.
 * Pure: time is passed in, so the schedule can be planned and tested without a clock.
 */
export interface TokenBucket {
  capacity: number;
  refillPerSecond: number;
}

/** ARM's documented delete bucket (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling). */
export const ARM_DELETE_BUCKET: TokenBucket = { capacity: 200, refillPerSecond: 10 };

/** What the pacer learns from one DELETE response. */
export interface DeleteResponseSignal {
  /** `x-ms-ratelimit-remaining-subscription-deletes`, when the response carried it. */
  remaining?: number;
  /** The response was a 429. */
  throttled?: boolean;
  /** Retry-After of a 429, in ms. */
  retryAfterMs?: number;
}

/** Identifies a sent DELETE so its response can be read against the sends that followed it. */
export interface SendTicket {
  sentAtMs: number;
  sequence: number;
}

/**
 * Time constants in units of the bucket's own refill interval, so a pacer for a faster bucket (a test
 * server running time faster) behaves the same, only quicker. For ARM's 10/s: backoff from 1 s to 32 s,
 * rate samples over at least 1 s, the learned rate never below 0.5/s.
 */
const BACKOFF_TOKENS = 10;
const MAX_BACKOFF_TOKENS = 320;
const RATE_SAMPLE_TOKENS = 10;
const MIN_RATE_FRACTION = 1 / 20;

export class DeletePacer {
  private tokens: number;
  private lastRefillMs: number;
  private pausedUntilMs = 0;
  private backoffMs = 0;
  private sent = 0;
  private heardBack = false;
  /** Net refill the pacer can count on: the bucket's refill minus what other clients draw. */
  private ratePerSecond: number;
  private successes = 0;
  private rateSample?: { sentAtMs: number; remaining: number; successes: number };
  private lastRateCutMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly bucket: TokenBucket,
    startMs: number,
    initialTokens: number = bucket.capacity,
  ) {
    this.tokens = initialTokens;
    this.lastRefillMs = startMs;
    this.ratePerSecond = bucket.refillPerSecond;
  }

  /** The refill rate the pacer currently counts on (per second). */
  get refillPerSecond(): number {
    return this.ratePerSecond;
  }

  /**
   * The earliest time (ms) at which the next DELETE may be sent; `Infinity` means "wait for a response".
   * The first DELETE goes alone: its response reports the real remaining budget (a trial subscription's
   * bucket is smaller, and other clients may have drawn from it), so the burst that follows cannot
   * overdraw it.
   */
  nextSendAt(nowMs: number): number {
    if (!this.heardBack && this.sent > 0) return Number.POSITIVE_INFINITY;
    this.refill(nowMs);
    const readyAt =
      this.tokens >= 1 ? nowMs : nowMs + Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
    return Math.max(readyAt, this.pausedUntilMs);
  }

  /** Records a DELETE sent at `nowMs`. */
  take(nowMs: number): SendTicket {
    this.refill(nowMs);
    this.tokens -= 1;
    this.sent += 1;
    return { sentAtMs: nowMs, sequence: this.sent };
  }

  /** Adapts to what ARM said in the response to the DELETE identified by `ticket`. */
  observe(nowMs: number, ticket: SendTicket, signal: DeleteResponseSignal): void {
    this.heardBack = true;
    this.refill(nowMs);
    if (signal.throttled) {
      // The server's bucket is empty; wait as told, or back off when it did not say how long.
      this.tokens = Math.min(this.tokens, 0);
      // The bucket refills slower than assumed (a trial subscription, another client): halve the rate,
      // once per pause; header readings raise it again when they show more.
      if (nowMs >= this.lastRateCutMs) {
        this.ratePerSecond = Math.max(this.minRate(), this.ratePerSecond / 2);
      }
      const unitMs = 1000 / this.bucket.refillPerSecond;
      this.backoffMs =
        signal.retryAfterMs === undefined ? Math.min(MAX_BACKOFF_TOKENS * unitMs, Math.max(BACKOFF_TOKENS * unitMs, this.backoffMs * 2)) : 0;
      const waitMs = signal.retryAfterMs ?? this.backoffMs;
      this.pausedUntilMs = Math.max(this.pausedUntilMs, nowMs + waitMs);
      this.lastRateCutMs = this.pausedUntilMs;
      return;
    }
    this.backoffMs = 0;
    this.successes += 1;
    if (signal.remaining !== undefined && Number.isFinite(signal.remaining)) {
      this.sampleRate(ticket, signal.remaining);
      // `remaining` was counted when ARM processed this DELETE: since then the bucket refilled and our
      // later DELETEs drew from it. Only ever lower the estimate (another client may share the bucket).
      const sendsSince = this.sent - ticket.sequence;
      const refillSince = ((nowMs - ticket.sentAtMs) / 1000) * this.ratePerSecond;
      const reported = Math.min(this.bucket.capacity, signal.remaining + refillSince) - sendsSince;
      this.tokens = Math.min(this.tokens, reported);
    }
  }

  /**
   * Two readings of the remaining budget, a second or more apart, tell how fast the bucket really refills
   * for us: (later reading - earlier reading + our deletes processed in between) / time between. Only
   * readings below capacity count (a full bucket stops refilling, which would understate the rate).
   */
  private sampleRate(ticket: SendTicket, remaining: number): void {
    const below = remaining < this.bucket.capacity - 2;
    const previous = this.rateSample;
    if (!below) {
      this.rateSample = undefined;
      return;
    }
    if (!previous) {
      this.rateSample = { sentAtMs: ticket.sentAtMs, remaining, successes: this.successes };
      return;
    }
    const elapsedMs = ticket.sentAtMs - previous.sentAtMs;
    if (elapsedMs < (RATE_SAMPLE_TOKENS * 1000) / this.bucket.refillPerSecond) return;
    const consumed = this.successes - previous.successes;
    const measured = ((remaining - previous.remaining + consumed) / elapsedMs) * 1000;
    const clamped = Math.min(this.bucket.refillPerSecond, Math.max(this.minRate(), measured));
    this.ratePerSecond = (this.ratePerSecond + clamped) / 2;
    this.rateSample = { sentAtMs: ticket.sentAtMs, remaining, successes: this.successes };
  }

  private minRate(): number {
    return this.bucket.refillPerSecond * MIN_RATE_FRACTION;
  }

  private refill(nowMs: number): void {
    if (nowMs > this.lastRefillMs) {
      this.tokens = Math.min(
        this.bucket.capacity,
        this.tokens + ((nowMs - this.lastRefillMs) / 1000) * this.ratePerSecond,
      );
      this.lastRefillMs = nowMs;
    }
  }
}

/**
 * The send times (ms after the start) of `count` DELETEs against a full bucket when ARM answers at once
 * and as expected: the first `capacity` at the start, then one per refill interval. The lower bound any
 * client of that bucket can reach.
 */
export function planDeleteSchedule(count: number, bucket: TokenBucket = ARM_DELETE_BUCKET): number[] {
  const pacer = new DeletePacer(bucket, 0);
  const times: number[] = [];
  let now = 0;
  for (let i = 0; i < count; i++) {
    now = pacer.nextSendAt(now);
    const ticket = pacer.take(now);
    times.push(now);
    if (i === 0) pacer.observe(now, ticket, { remaining: bucket.capacity - 1 });
  }
  return times;
}
