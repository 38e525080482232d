/**
 * Per-client token buckets: each client may make `perSecond` calls a second on average and
 * `burst` at once. A batch request costs one token per call in it. Buckets of clients that
 * stayed away long enough to be full again are forgotten, so the map stays small.
 */
export interface RateLimitConfig {
  readonly perSecond: number;
  readonly burst: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly config: RateLimitConfig) {}

  /** Takes `cost` tokens from `client` at time `now` (ms); false when it has too few. */
  take(client: string, cost: number, now: number): boolean {
    const { perSecond, burst } = this.config;
    const b = this.buckets.get(client) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    if (this.buckets.size > 10_000) this.prune(now);
    this.buckets.set(client, b);
    if (b.tokens < cost) return false;
    b.tokens -= cost;
    return true;
  }

  private prune(now: number): void {
    const fullAfterMs = (this.config.burst / this.config.perSecond) * 1000;
    for (const [k, b] of this.buckets) if (now - b.at > fullAfterMs) this.buckets.delete(k);
  }
}
