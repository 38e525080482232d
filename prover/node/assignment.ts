/**
 * Which prover node proves which batch. Node `index` of `of` takes the batches whose number
 * is `index` modulo `of`, so nodes run in parallel on disjoint batches and none proves a
 * batch another one proves. A batch left unproven `takeoverSeconds` after its commitment
 * (its node is down) is open to every node: liveness over a wasted proof, and a second
 * `proveBatch` for the same batch only reverts, it cannot finalize twice.
 *
 * Why not claims through the rollup contract: a claim is one more L1 transaction per batch
 * and a contract change, to buy what a static split and a takeover delay give for free when
 * the operators agree on the split (they configure it like any other node parameter).
 */
export interface Assignment {
  readonly index: number;
  readonly of: number;
  readonly takeoverSeconds: number;
}

export const SOLO: Assignment = { index: 0, of: 1, takeoverSeconds: 0 };

export function checkAssignment(a: Assignment): Assignment {
  if (!Number.isInteger(a.of) || a.of < 1 || !Number.isInteger(a.index) || a.index < 0 || a.index >= a.of) {
    throw new RangeError(`prover index ${a.index} of ${a.of}: need 0 <= index < of`);
  }
  return a;
}

/** True iff this node should prove batch `batch`, committed at `committedAt` (L1 seconds), at `now`. */
export function assigned(a: Assignment, batch: bigint, committedAt: bigint, now: bigint): boolean {
  return batch % BigInt(a.of) === BigInt(a.index) || now - committedAt >= BigInt(a.takeoverSeconds);
}
