/**
 * Simulated time. Every duration the server knows (LRO times, token-bucket refill, provider
 * registration, Resource Graph lag) is in simulated milliseconds; `timeScale` is real seconds per
 * simulated second (0.01 runs 100× faster). A manual clock moves only when a test calls advance().
 */
export class SimClock {
  private readonly realStart = Date.now();
  private readonly simStart: number;
  private offset = 0;

  constructor(
    readonly timeScale = 1,
    readonly manual = false,
    start = Date.now(),
  ) {
    if (!(timeScale > 0)) throw new Error(`timeScale must be > 0, got ${timeScale}`);
    this.simStart = start;
  }

  now(): number {
    const realElapsed = this.manual ? 0 : Date.now() - this.realStart;
    return this.simStart + realElapsed / this.timeScale + this.offset;
  }

  advance(simMs: number): void {
    this.offset += simMs;
  }

  /** Real milliseconds a client must wait for `simMs` of simulated time to pass. */
  toRealMs(simMs: number): number {
    return simMs * this.timeScale;
  }

  iso(t = this.now()): string {
    return new Date(t).toISOString();
  }
}
