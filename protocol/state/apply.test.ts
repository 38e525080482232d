import { describe, expect, it } from "vitest";
import { derivePublicKey } from "../eddsa.ts";
import { ErrorCode } from "../errors.ts";
import { TEST_PARAMS } from "../params.ts";
import { rootFromProof } from "../smt.ts";
import { signTx } from "../tx/sign.ts";
import { type Deposit, type L2Tx, type SignedTx, TxType } from "../tx/types.ts";
import { applyTx, LAST_NONCE } from "./apply.ts";
import { beginBatch, closeBatch } from "./batch.ts";
import { ContributionStatus, type StateRoots, stateRoot } from "./leaves.ts";
import { RollupState } from "./state.ts";
import { codeOf, EVERY_L2_TYPE, TEST_GOVERNANCE, TEST_L1_ADDRESS } from "../testing.ts";

const domain = { chainId: 31337n, rollup: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
const governance = TEST_GOVERNANCE;
const keys = [1, 2, 3].map((s) => Uint8Array.from({ length: 32 }, (_, i) => (s * 17 + i) & 0xff));
const L1 = TEST_L1_ADDRESS;

function deposit(queueIndex: number, key: number, amount: bigint, to = 0): Deposit {
  return {
    type: TxType.Deposit,
    queueIndex: BigInt(queueIndex),
    l1Sender: L1,
    to,
    publicKey: derivePublicKey(keys[key]!),
    amount,
  };
}

function sign<T extends L2Tx>(tx: T, key: number): SignedTx<T> {
  return signTx(tx, keys[key]!, domain, TEST_PARAMS);
}

/** Three accounts funded by deposits, account 1 staked enough to register models. */
function funded(witness = false) {
  const state = new RollupState({ domain, params: TEST_PARAMS, governance }, { witness });
  const batch = beginBatch(state);
  for (let i = 0; i < 3; i++) applyTx(state, batch, deposit(i, i, 10n ** 6n));
  return { state, batch };
}

/** One of each L2 type, by accounts 1 and 2, valid in order after `funded()`. */
const everyType = (): SignedTx[] => EVERY_L2_TYPE.map((tx) => sign(tx, tx.from - 1));

describe("state transition", () => {
  it("applies every transaction type with the effects section 7 lists", () => {
    const { state, batch } = funded();
    const receipts = everyType().map((tx) => applyTx(state, batch, tx).receipt);
    const a1 = state.accounts.get(1)!;
    const a2 = state.accounts.get(2)!;
    expect(a1).toMatchObject({ nonce: 5, staked: 4000n, balance: 10n ** 6n - 500n - 5000n + 1000n - 50n });
    expect(a2).toMatchObject({ nonce: 3, balance: 10n ** 6n + 500n - 200n - 60n - 300n - 30n });
    expect(state.datanets.get(1)).toMatchObject({ owner: 1, curators: [3], minStake: 150n });
    expect(state.contributions.get(1)).toMatchObject({
      owner: 2,
      stake: 200n,
      contentRoot: 77n,
      status: ContributionStatus.Accepted,
    });
    expect(state.models.get(1)).toMatchObject({ owner: 1, inferenceFee: 50n, escrow: 60n });
    expect(state.trainingSets.get(1)).toEqual({ trainingConfigHash: 6n, contributions: [1] });
    expect(state.inferences.get(1)).toMatchObject({ user: 2, model: 1, payment: 60n });
    expect(state.counters).toEqual({ accounts: 3, contributions: 1, models: 1, inferences: 1, datanets: 1 });
    expect(receipts.map((r) => r.created?.registry)).toEqual([
      undefined,
      undefined,
      undefined,
      "datanet",
      "contribution",
      undefined,
      "model",
      "inference",
      undefined,
    ]);
    expect(receipts[5]!.curated).toEqual({ owner: 2, refund: 0n });
    expect(batch.withdrawals).toEqual([{ recipient: L1, amount: 300n }]);
    expect(batch.feeTotal).toBe(90n);
    const closed = closeBatch(state, batch, 3);
    expect(closed.feesCredited).toBe(90n);
    expect(state.accounts.get(3)!.balance).toBe(10n ** 6n - 10n + 90n);
    expect(closed.queueEnd.next).toBe(3n);
  });

  it("gives the same roots in witness mode, with leaf updates that chain root to root", () => {
    const lazy = funded();
    const eager = funded(true);
    for (const tx of everyType()) {
      applyTx(lazy.state, lazy.batch, tx);
      const { updates } = applyTx(eager.state, eager.batch, tx);
      expect(updates.length).toBeGreaterThan(0);
      for (const u of updates) {
        const shape = TEST_PARAMS[u.tree];
        expect(rootFromProof(shape, BigInt(u.index), u.oldLeaf, u.siblings)).toBe(u.oldRoot);
        expect(rootFromProof(shape, BigInt(u.index), u.newLeaf, u.siblings)).toBe(u.newRoot);
      }
    }
    expect(closeBatch(eager.state, eager.batch, 3).stateRoot).toBe(
      closeBatch(lazy.state, lazy.batch, 3).stateRoot,
    );
  });

  it("refuses each invalid transaction with its code and leaves the state unchanged", () => {
    const { state, batch } = funded();
    const before = state.root();
    const t = (p: Partial<L2Tx> & { type: L2Tx["type"] }, key = 0) =>
      sign({ from: 1, nonce: 0, fee: 10n, to: 2, amount: 5n, ...p } as L2Tx, key);
    const cases: Array<[SignedTx, string]> = [
      [t({ type: TxType.Transfer }, 1), ErrorCode.InvalidSignature],
      [t({ type: TxType.Transfer, nonce: 1 }), ErrorCode.BadNonce],
      [t({ type: TxType.Transfer, amount: 10n ** 7n }), ErrorCode.InsufficientBalance],
      [t({ type: TxType.Transfer, to: 9 }), ErrorCode.UnknownAccount],
      [t({ type: TxType.Transfer, to: 1 }), ErrorCode.InvalidTransaction],
      [t({ type: TxType.Transfer, from: 9 }), ErrorCode.UnknownAccount],
      [t({ type: TxType.Transfer, amount: 123456789012345678n }), ErrorCode.InvalidTransaction],
      [t({ type: TxType.Unstake, amount: 1n }), ErrorCode.InsufficientStake],
      [
        t({
          type: TxType.RegisterContribution,
          datanet: 1,
          contentRoot: 1n,
          rowCount: 1,
          license: 1,
          uriCommitment: 1n,
          stake: 200n,
        } as never),
        ErrorCode.UnknownDatanet,
      ],
      [
        t({
          type: TxType.RegisterModel,
          modelHash: 1n,
          trainingConfigHash: 1n,
          contributions: [1],
          checkpointCommitment: 1n,
          inferenceFee: 1n,
          baseModel: 0,
        } as never),
        ErrorCode.UnknownContribution,
      ],
      [
        t({
          type: TxType.Inference,
          model: 1,
          inputHash: 1n,
          outputHash: 1n,
          featureCommitment: 1n,
          payment: 1n,
        } as never),
        ErrorCode.UnknownModel,
      ],
    ];
    for (const [tx, code] of cases)
      expect([tx.type, codeOf(() => applyTx(state, batch, tx))]).toEqual([tx.type, code]);
    expect(state.root()).toBe(before);
    expect(batch.feeTotal).toBe(0n);

    // A replayed transaction fails on its nonce; an underpaid inference and a missing base model fail too.
    const ok = everyType();
    for (const tx of ok.slice(0, 7)) applyTx(state, batch, tx);
    expect(codeOf(() => applyTx(state, batch, ok[0]!))).toBe(ErrorCode.BadNonce);
    const cheap = sign({ ...(ok[7] as SignedTx & { payment: bigint }), payment: 40n } as L2Tx, 1);
    expect(codeOf(() => applyTx(state, batch, cheap))).toBe(ErrorCode.FeeTooLow);
    const fineTune = sign({ ...(ok[6] as L2Tx), nonce: 5, baseModel: 7 } as L2Tx, 0);
    expect(codeOf(() => applyTx(state, batch, fineTune))).toBe(ErrorCode.UnknownModel);
  });

  it("spends nonces up to 2^32 - 2: the next one must fit the account word's 32 bits", () => {
    const { state, batch } = funded();
    const account = state.accounts.get(1)!;
    const transfer = (nonce: number) =>
      sign({ type: TxType.Transfer, from: 1, nonce, fee: 1n, to: 2, amount: 5n } as L2Tx, 0);
    state.setAccount(1, { ...account, nonce: LAST_NONCE - 1 });
    applyTx(state, batch, transfer(LAST_NONCE - 1));
    expect(state.accounts.get(1)!.nonce).toBe(LAST_NONCE);
    const before = state.root();
    expect(codeOf(() => applyTx(state, batch, transfer(LAST_NONCE)))).toBe(ErrorCode.BadNonce);
    expect(state.root()).toBe(before);
  });

  it("consumes deposits in queue order, credits existing accounts and refunds when the tree is full", () => {
    const state = new RollupState({ domain, params: TEST_PARAMS, governance });
    const batch = beginBatch(state);
    expect(codeOf(() => applyTx(state, batch, deposit(1, 0, 5n)))).toBe(ErrorCode.QueueOrder);
    applyTx(state, batch, deposit(0, 0, 5n));
    applyTx(state, batch, deposit(1, 0, 7n, 1));
    expect(state.accounts.get(1)!.balance).toBe(12n);
    // Fill the 4^3 = 64-slot tree (ids 1..63), then one more deposit is refunded on L1.
    for (let i = 2; i < 64; i++) applyTx(state, batch, deposit(i, 1, 1n));
    const { receipt } = applyTx(state, batch, deposit(64, 1, 9n));
    expect(receipt.withdrawal).toEqual({ recipient: L1, amount: 9n });
    expect(state.counters.accounts).toBe(63);
  });

  it("hashes a root snapshot later, unaffected by writes made meanwhile", () => {
    const txs = everyType();
    const reference = funded();
    for (const tx of txs.slice(0, 3)) applyTx(reference.state, reference.batch, tx);
    const expected = reference.state.root();

    const { state, batch } = funded();
    for (const tx of txs.slice(0, 3)) applyTx(state, batch, tx);
    const snapshot = state.snapshotForRoot();
    for (const tx of txs.slice(3)) applyTx(state, batch, tx);
    expect(() => state.root()).toThrow(/still being hashed/);
    const steps = state.hashSnapshot(snapshot);
    let n = 0;
    let next = steps.next();
    for (; !next.done && n < 10_000; n++) next = steps.next();
    expect(n).toBeGreaterThan(1);
    expect(stateRoot(next.value as StateRoots)).toBe(expected);
    // The later writes are still dirty and land in the next root.
    for (const tx of txs.slice(3)) applyTx(reference.state, reference.batch, tx);
    expect(state.root()).toBe(reference.state.root());
  });
});
