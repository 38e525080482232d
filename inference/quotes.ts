import { randomBytes } from "node:crypto";
import { InferenceError, InferenceErrorCode } from "./errors.ts";

/**
 * Open quotes, bounded: at most `maxOpen` at a time, each valid until its `expiresAt`. A
 * quote is claimed while its payment is checked and submitted (so two payments of one
 * quote cannot both go through), released if the payment fails, and removed once paid.
 * Expiry times grow with insertion order (one TTL), so expired quotes sit at the front of
 * the map and a sweep stops at the first live one.
 */
export interface Expiring {
  readonly expiresAt: number;
}

export class QuoteBook<Q extends Expiring> {
  private readonly open = new Map<string, { quote: Q; claimed: boolean }>();

  constructor(
    private readonly maxOpen: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.open.size;
  }

  add(quote: Q): string {
    this.sweep();
    if (this.open.size >= this.maxOpen) {
      throw new InferenceError(
        InferenceErrorCode.Overloaded,
        `${this.open.size} quotes are open, the most this node keeps: try again shortly`,
      );
    }
    const id = randomBytes(16).toString("hex");
    this.open.set(id, { quote, claimed: false });
    return id;
  }

  claim(id: string): Q {
    const entry = this.open.get(id);
    if (!entry) throw new InferenceError(InferenceErrorCode.UnknownQuote, `no open quote ${id}`);
    if (entry.quote.expiresAt <= this.now()) {
      this.open.delete(id);
      throw new InferenceError(InferenceErrorCode.QuoteExpired, `quote ${id} expired: ask for a new one`);
    }
    if (entry.claimed) {
      throw new InferenceError(InferenceErrorCode.QuoteBusy, `quote ${id} is being paid by another request`);
    }
    entry.claimed = true;
    return entry.quote;
  }

  release(id: string): void {
    const entry = this.open.get(id);
    if (entry) entry.claimed = false;
  }

  settle(id: string): void {
    this.open.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, { quote, claimed }] of this.open) {
      if (quote.expiresAt > now) break;
      if (!claimed) this.open.delete(id);
    }
  }
}
