/**
 * Each sender's next nonce as far as the node knows, so that a payment costs no nonce
 * lookup at the sequencer: asked once, on a sender's first payment (or when the count is
 * dropped), then counted up as the sequencer accepts the node's submissions. A payment
 * carrying any other nonce than the count asks again, since the sender may have sent
 * transactions elsewhere: a stale count never refuses a good nonce. A stale count that
 * happens to match lets the sequencer refuse the transaction instead, after its record was
 * stored: one orphan blob at the operator's cost, never a charge to the user.
 */
export class NonceBook {
  private readonly next = new Map<number, number>();

  constructor(
    private readonly lookup: (account: number) => Promise<number | null>,
    private readonly maxAccounts = 100_000,
  ) {}

  /** `account`'s next nonce: the count if `nonce` matches it, else the sequencer's answer. */
  async expected(account: number, nonce: number): Promise<number | null> {
    const counted = this.next.get(account);
    if (counted === nonce) return counted;
    const fresh = await this.lookup(account);
    if (fresh === null) this.next.delete(account);
    else this.remember(account, fresh);
    return fresh;
  }

  /** The sequencer accepted `account`'s transaction with `nonce`. */
  accepted(account: number, nonce: number): void {
    this.remember(account, nonce + 1);
  }

  /** The sequencer refused one of `account`'s transactions: ask it next time. */
  forget(account: number): void {
    this.next.delete(account);
  }

  private remember(account: number, nonce: number): void {
    this.next.delete(account);
    // Oldest first: the map keeps insertion order and every write re-inserts.
    if (this.next.size >= this.maxAccounts) this.next.delete(this.next.keys().next().value!);
    this.next.set(account, nonce);
  }
}
