import { derivePublicKey } from "../eddsa.ts";
import { DEV_DOMAIN } from "../genesis.ts";
import { type ProtocolParams, TEST_PARAMS } from "../params.ts";
import { applyTx } from "../state/apply.ts";
import { beginBatch, closeBatch, type OpenBatch } from "../state/batch.ts";
import { RollupState } from "../state/state.ts";
import { TEST_GOVERNANCE, TEST_L1_ADDRESS, TEST_PROVER } from "../testing.ts";
import { signTx } from "../tx/sign.ts";
import { CurationMode, type L2Tx, type QueueOp, type SignedTx, TxType } from "../tx/types.ts";
import type { EpochEnd, Settlement } from "./settlement.ts";

/** An L2 transaction before its nonce and fee are filled in. */
type Unsigned<T = L2Tx> = T extends L2Tx ? Omit<T, "nonce" | "fee"> : never;

/** The test key of the ledger's account `id` (accounts are opened in order, from 1). */
export function ledgerKey(id: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (id * 29 + i) & 0xff);
}

/** Stakes a ledger's contributions and models put up: TEST_GOVERNANCE's minimums by default. */
export interface LedgerStakes {
  readonly contribution: bigint;
  readonly model: bigint;
}

/**
 * Builds a state for the reward tests and benchmark through the real state transition: signed
 * transactions in one batch, each account with a deterministic test key (`ledgerKey`). `txs`
 * keeps them in order, for a sequencer to take the same ones.
 */
export class RewardLedger {
  readonly state: RollupState;
  readonly txs: (QueueOp | SignedTx)[] = [];
  private readonly batch: OpenBatch;
  private readonly nonces = new Map<number, number>();
  private readonly stakes: LedgerStakes;

  constructor(options: { witness?: boolean; params?: ProtocolParams; stakes?: LedgerStakes } = {}) {
    this.state = new RollupState(
      { domain: DEV_DOMAIN, params: options.params ?? TEST_PARAMS, governance: TEST_GOVERNANCE },
      { witness: options.witness },
    );
    this.batch = beginBatch(this.state);
    this.stakes = options.stakes ?? { contribution: 100n, model: 1000n };
  }

  /** Opens an account by a deposit from `l1Sender`; returns its id. */
  account(l1Sender = TEST_L1_ADDRESS, amount = 1_000_000n): number {
    const id = this.state.counters.accounts + 1;
    this.apply({
      type: TxType.Deposit,
      queueIndex: BigInt(id - 1),
      l1Sender,
      to: 0,
      publicKey: derivePublicKey(ledgerKey(id)),
      amount,
    });
    return this.state.counters.accounts;
  }

  send(tx: Unsigned): void {
    const nonce = this.nonces.get(tx.from) ?? 0;
    this.nonces.set(tx.from, nonce + 1);
    const full = { ...tx, nonce, fee: 1n } as L2Tx;
    this.apply(signTx(full, ledgerKey(tx.from), DEV_DOMAIN, this.state.params));
  }

  private apply(tx: QueueOp | SignedTx): void {
    applyTx(this.state, this.batch, tx);
    this.txs.push(tx);
  }

  /** Registers a contribution of `from` to Datanet 1 (open, CC0-1.0, made by the first contributor); returns its id. */
  contribute(from: number, contentRoot: bigint): number {
    if (this.state.counters.datanets === 0) {
      this.send({
        type: TxType.CreateDatanet,
        from,
        metadataHash: 1n,
        licensePolicy: 1 << 1,
        curationMode: CurationMode.Open,
        curators: [],
        minStake: 0n,
      });
    }
    this.send({
      type: TxType.RegisterContribution,
      from,
      datanet: 1,
      contentRoot,
      rowCount: 10,
      license: 1,
      uriCommitment: contentRoot + 1n,
      stake: this.stakes.contribution,
    });
    return this.state.counters.contributions;
  }

  /** Stakes for and registers a model of `from` on `contributions`; returns its id. */
  model(
    from: number,
    contributions: number[],
    baseModel = 0,
    checkpointCommitment = 300n + BigInt(from),
  ): number {
    this.send({ type: TxType.Stake, from, amount: this.stakes.model });
    this.send({
      type: TxType.RegisterModel,
      from,
      modelHash: 100n + BigInt(from),
      trainingConfigHash: 200n + BigInt(from),
      contributions,
      checkpointCommitment,
      inferenceFee: 5n,
      baseModel,
    });
    return this.state.counters.models;
  }

  /** An inference of `model` paid by `from`; returns its id. */
  infer(from: number, model: number, payment: bigint, featureCommitment = payment + 2n): number {
    this.send({
      type: TxType.Inference,
      from,
      model,
      inputHash: payment,
      outputHash: payment + 1n,
      featureCommitment,
      payment,
    });
    return this.state.counters.inferences;
  }

  /** Closes the batch (fees to `feeRecipient`): the state from here on is the epoch's end. */
  closeEpoch(feeRecipient: number): EpochEnd {
    closeBatch(this.state, this.batch, feeRecipient);
    return { roots: this.state.roots(), counters: this.state.counters };
  }
}

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
  const l = rewardFixtureLedger(options);
  return { state: l.state, end: l.closeEpoch(6), settlement: REWARD_FIXTURE_SETTLEMENT };
}

/**
 * The fixture's ledger before its epoch closes: `txs` are what a sequencer takes to reach the
 * same records. `deposit` and `stakes` for a sequencer under other governance than the fixture's.
 */
export function rewardFixtureLedger(
  options: { witness?: boolean; deposit?: bigint; stakes?: LedgerStakes } = {},
): RewardLedger {
  const l = new RewardLedger(options);
  for (let i = 0; i < 6; i++) l.account(i === 4 ? TEST_PROVER : TEST_L1_ADDRESS, options.deposit ?? 100_000n);
  l.contribute(1, 11n);
  l.contribute(2, 22n);
  l.contribute(1, 33n);
  l.model(2, [1, 2]);
  l.model(4, [1, 2, 3], 1);
  l.infer(3, 2, 1000n);
  l.infer(3, 1, 500n);
  l.infer(3, 2, 777n);
  l.infer(3, 2, 5n);
  return l;
}

/** The fixture's settlement: inferences 1 and 3 of model 2, prover account 5, treasury account 6. */
export const REWARD_FIXTURE_SETTLEMENT: Settlement = {
  epoch: 0,
  model: 2,
  inferences: [1, 3],
  scores: [
    [5n, 0n, 3n],
    [0n, 0n, 0n],
  ],
  proverAccount: 5,
  treasuryAccount: 6,
};
