/** An L1 block by number and hash. */
export interface BlockRef {
  readonly number: number;
  readonly hash: string;
}

/** The hash of L1's canonical block `n` now; undefined when the chain is shorter than `n`. */
export type CanonicalHash = (n: number) => Promise<string | undefined>;

/**
 * The (number, hash) of the last L1 blocks a scanner read up to, oldest first, so that it
 * notices when L1 reorganised under what it read. A block hash commits to every block before
 * it: while the newest checkpoint is canonical, nothing scanned below it changed. Only the last
 * `limit` are kept; a reorg older than all of them leaves none, and the scanner starts over.
 */
export class BlockCheckpoints {
  private refs: BlockRef[] = [];

  constructor(private readonly limit: number) {}

  get last(): BlockRef | undefined {
    return this.refs.at(-1);
  }

  add(ref: BlockRef): void {
    this.refs.push(ref);
    if (this.refs.length > this.limit) this.refs.shift();
  }

  /** Drops the checkpoints at block `n` and above. */
  dropFrom(n: number): void {
    this.refs = this.refs.filter((r) => r.number < n);
  }

  /**
   * Walks back from the newest checkpoint, dropping those L1's canonical chain no longer holds;
   * returns whether any was dropped (L1 reorganised under the scan).
   */
  async dropOrphaned(canonicalHash: CanonicalHash): Promise<boolean> {
    let dropped = false;
    for (let last = this.last; last && (await canonicalHash(last.number)) !== last.hash; last = this.last) {
      this.refs.pop();
      dropped = true;
    }
    return dropped;
  }
}
