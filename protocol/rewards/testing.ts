import { derivePublicKey } from "../eddsa.ts";
import { DEV_DOMAIN } from "../genesis.ts";
import { TEST_PARAMS } from "../params.ts";
import { applyTx } from "../state/apply.ts";
import { beginBatch, closeBatch } from "../state/batch.ts";
import { RollupState } from "../state/state.ts";
import { TEST_GOVERNANCE, TEST_L1_ADDRESS, TEST_PROVER } from "../testing.ts";
import { signTx } from "../tx/sign.ts";
import { type L2Tx, TxType } from "../tx/types.ts";
import type { EpochEnd, Settlement } from "./settlement.ts";

/** An L2 transaction before its nonce and fee are filled in. */
type Unsigned<T = L2Tx> = T extends L2Tx ? Omit<T, "nonce" | "fee"> : never;

/**
 * One closed epoch for the reward tests of the protocol and the circuit (TEST_PARAMS trees):
 *
 * - accounts 1..6 opened by deposits: 1 and 2 contribute data, 3 pays for inferences, 4 owns a
 *   fine-tune, 5 is the prover (the deposit of TEST_PROVER), 6 the treasury;
 * - contributions 1 and 3 by account 1 (one owner, two lanes), 2 by account 2;
 * - model 1 by account 2 on contributions [1, 2]; model 2 by account 4, a fine-tune of model 1,
 *   on [1, 2, 3];
 * - inferences 1, 3, 4 of model 2 (payments 1000, 777, 5) and 2 of model 1 (500), by account 3.
 *
 * `settlement` settles inferences 1 and 3 of model 2: the first scored [5, 0, 3], the second
 * with no score above zero, so its whole data pool goes to the treasury.
 */
export function rewardFixture(options: { witness?: boolean } = {}): {
  state: RollupState;
  end: EpochEnd;
  settlement: Settlement;
} {
  const state = new RollupState(
    { domain: DEV_DOMAIN, params: TEST_PARAMS, governance: TEST_GOVERNANCE },
    options,
  );
  const keys = [1, 2, 3, 4, 5, 6].map((s) => Uint8Array.from({ length: 32 }, (_, i) => (s * 29 + i) & 0xff));
  const batch = beginBatch(state);
  keys.forEach((key, i) =>
    applyTx(state, batch, {
      type: TxType.Deposit,
      queueIndex: BigInt(i),
      l1Sender: i === 4 ? TEST_PROVER : TEST_L1_ADDRESS,
      to: 0,
      publicKey: derivePublicKey(key),
      amount: 100_000n,
    }),
  );
  const nonces = new Map<number, number>();
  const send = (tx: Unsigned) => {
    const nonce = nonces.get(tx.from) ?? 0;
    nonces.set(tx.from, nonce + 1);
    const full = { ...tx, nonce, fee: 1n } as L2Tx;
    applyTx(state, batch, signTx(full, keys[tx.from - 1]!, DEV_DOMAIN, TEST_PARAMS));
  };
  const contribution = (from: number, contentRoot: bigint) =>
    send({
      type: TxType.RegisterContribution,
      from,
      datanet: 1,
      contentRoot,
      rowCount: 10,
      license: 1,
      uriCommitment: contentRoot + 1n,
      stake: 100n,
    });
  contribution(1, 11n);
  contribution(2, 22n);
  contribution(1, 33n);
  const model = (from: number, contributions: number[], baseModel: number) => {
    send({ type: TxType.Stake, from, amount: 1000n });
    send({
      type: TxType.RegisterModel,
      from,
      modelHash: 100n + BigInt(from),
      trainingConfigHash: 200n + BigInt(from),
      contributions,
      checkpointCommitment: 300n + BigInt(from),
      inferenceFee: 5n,
      baseModel,
    });
  };
  model(2, [1, 2], 0);
  model(4, [1, 2, 3], 1);
  const infer = (model: number, payment: bigint) =>
    send({
      type: TxType.Inference,
      from: 3,
      model,
      inputHash: payment,
      outputHash: payment + 1n,
      featureCommitment: payment + 2n,
      payment,
    });
  infer(2, 1000n);
  infer(1, 500n);
  infer(2, 777n);
  infer(2, 5n);
  closeBatch(state, batch, 6);
  return {
    state,
    end: { roots: state.roots(), counters: state.counters },
    settlement: {
      epoch: 0,
      model: 2,
      inferences: [1, 3],
      scores: [
        [5n, 0n, 3n],
        [0n, 0n, 0n],
      ],
      proverAccount: 5,
      treasuryAccount: 6,
    },
  };
}
