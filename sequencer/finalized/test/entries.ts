/**
 * Finalized entries for the mirror's tests, made the same way each time: entry n opens an
 * account by an L1 deposit and credits an earlier one, so every entry changes the trees. Each
 * carries the root a plain in-memory replay reaches, which the mirror must reach too.
 */
import { derivePublicKey } from "../../../protocol/eddsa.ts";
import { DEV_DOMAIN } from "../../../protocol/genesis.ts";
import { TEST_PARAMS } from "../../../protocol/params.ts";
import { replayBatch } from "../../../protocol/state/replay.ts";
import { type Genesis, RollupState } from "../../../protocol/state/state.ts";
import { type Deposit, TxType } from "../../../protocol/tx/types.ts";
import type { BatchRecord } from "../../storage/schema.ts";
import { L1_SENDER, TEST_GOVERNANCE, testKey } from "../../testing.ts";
import type { FinalEntry } from "../mirror.ts";

export const MIRROR_GENESIS: Genesis = {
  domain: DEV_DOMAIN,
  params: TEST_PARAMS,
  governance: TEST_GOVERNANCE,
};

const deposit = (queueIndex: bigint, to: number, key: number): Deposit => ({
  type: TxType.Deposit,
  queueIndex,
  l1Sender: L1_SENDER,
  to,
  publicKey: derivePublicKey(testKey(key)),
  amount: 1000n + queueIndex,
});

/** Entries 1..count, in order. */
export function* finalEntries(count: number): Generator<FinalEntry> {
  const reference = new RollupState(MIRROR_GENESIS);
  for (let n = 1; n <= count; n++) {
    const q = BigInt(2 * (n - 1));
    const txs = [deposit(q, 0, n), deposit(q + 1n, 1 + ((n * 5 + 3) % n), n)];
    const closed = replayBatch(reference, txs, 0);
    // The fields of a sealed batch the mirror reads; the rest (its data, its blob) it never does.
    const record = {
      kind: "batch",
      number: n,
      feeRecipient: 0,
      postStateRoot: closed.stateRoot,
      withdrawalsRoot: closed.withdrawalsRoot,
    } as BatchRecord;
    yield { record, txs };
  }
}
