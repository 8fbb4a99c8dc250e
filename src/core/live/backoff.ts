/** Exponential back-off with jitter: initial, 2×, 4× … up to max; reset() after a success. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly initialMs = 500,
    private readonly maxMs = 30_000,
    private readonly random = Math.random,
  ) {}

  /** The delay before the next attempt (and counts it). */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt);
    this.attempt++;
    // ±20 %, so many windows do not reconnect in lockstep after an engine restart.
    return Math.round(base * (0.8 + 0.4 * this.random()));
  }

  get attempts(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}
