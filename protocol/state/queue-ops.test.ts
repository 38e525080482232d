import { describe, expect, it } from "vitest";
import { addressToField } from "../domain.ts";
import { derivePublicKey } from "../eddsa.ts";
import { ErrorCode } from "../errors.ts";
import { TEST_PARAMS } from "../params.ts";
import { poseidon } from "../poseidon.ts";
import { DEV_DOMAIN } from "../genesis.ts";
import { codeOf, TEST_GOVERNANCE } from "../testing.ts";
import { decodeTx, encodeTx } from "../tx/codec.ts";
import { type QueueOp, TxType } from "../tx/types.ts";
import { applyTx, queueOpHash } from "./apply.ts";
import { beginBatch, closeBatch } from "./batch.ts";
import { ParamId } from "./governance.ts";
import { paramsHash } from "./leaves.ts";
import { RollupState } from "./state.ts";

const OWNER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const STRANGER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const key = Uint8Array.from({ length: 32 }, (_, i) => i + 9);

/** Account 1 (opened by OWNER) with 1,000 OPEN units, 300 of them staked; queue at index 1. */
function opened() {
  const state = new RollupState({ domain: DEV_DOMAIN, params: TEST_PARAMS, governance: TEST_GOVERNANCE });
  const batch = beginBatch(state);
  applyTx(state, batch, {
    type: TxType.Deposit,
    queueIndex: 0n,
    l1Sender: OWNER,
    to: 0,
    publicKey: derivePublicKey(key),
    amount: 1000n,
  });
  state.setAccount(1, { ...state.accounts.get(1)!, balance: 700n, staked: 300n });
  return { state, batch };
}

const forced = (account: number, amount: bigint, l1Sender = OWNER, queueIndex = 1n): QueueOp => ({
  type: TxType.ForcedWithdrawal,
  queueIndex,
  l1Sender,
  account,
  amount,
});

describe("queue operations in the state transition", () => {
  it("a forced withdrawal by the account's L1 address withdraws min(amount, balance), nonce unchanged", () => {
    const { state, batch } = opened();
    const r = applyTx(state, batch, forced(1, 200n, OWNER.toLowerCase())).receipt;
    expect(r).toMatchObject({ account: 1, fee: 0n, withdrawal: { amount: 200n } });
    expect(state.accounts.get(1)).toMatchObject({ balance: 500n, staked: 300n, nonce: 0 });
    applyTx(state, batch, forced(1, 10n ** 20n, OWNER, 2n));
    expect(batch.withdrawals.map((w) => w.amount)).toEqual([200n, 500n]);
    expect(state.accounts.get(1)).toMatchObject({ balance: 0n, staked: 300n });
    expect(state.queue.next).toBe(3n);
  });

  it("a forced withdrawal by anyone else, or naming no account, is consumed and does nothing", () => {
    const { state, batch } = opened();
    const accounts = state.roots().accounts;
    expect(applyTx(state, batch, forced(1, 200n, STRANGER)).receipt).toMatchObject({ account: 1 });
    expect(applyTx(state, batch, forced(7, 200n, OWNER, 2n)).receipt.account).toBe(0);
    expect(applyTx(state, batch, forced(2 ** 30, 200n, OWNER, 3n)).receipt.account).toBe(0);
    expect(batch.withdrawals).toEqual([]);
    expect(state.queue.next).toBe(4n);
    // Only the queue moved: the accounts are as they were.
    expect(state.roots().accounts).toBe(accounts);
    expect(state.accounts.get(1)!.balance).toBe(700n);
  });

  it("a forced withdrawal waits for the next batch when the withdrawals tree is full, leaving the state as it was", () => {
    const { state, batch } = opened();
    for (let i = 0; i < 2 ** TEST_PARAMS.withdrawalsDepth; i++)
      batch.withdrawals.push({ recipient: OWNER, amount: 0n });
    const root = state.root();
    expect(codeOf(() => applyTx(state, batch, forced(1, 5n)))).toBe(ErrorCode.TreeFull);
    expect(state.root()).toBe(root);
    expect(state.queue.next).toBe(1n);
  });

  it("a slash removes min(amount, staked) from the stake, never the balance", () => {
    const { state, batch } = opened();
    applyTx(state, batch, { type: TxType.Slash, queueIndex: 1n, account: 1, amount: 100n });
    expect(state.accounts.get(1)).toMatchObject({ balance: 700n, staked: 200n });
    applyTx(state, batch, { type: TxType.Slash, queueIndex: 2n, account: 1, amount: 10n ** 20n });
    expect(state.accounts.get(1)).toMatchObject({ balance: 700n, staked: 0n });
    expect(
      applyTx(state, batch, { type: TxType.Slash, queueIndex: 3n, account: 5, amount: 1n }).receipt.account,
    ).toBe(0);
  });

  it("a set-parameter order takes effect when its batch closes, one per batch", () => {
    const { state, batch } = opened();
    const set = (paramId: number, value: bigint, queueIndex = 1n): QueueOp => ({
      type: TxType.SetParameter,
      queueIndex,
      paramId,
      value,
    });
    applyTx(state, batch, set(ParamId.MinContributionStake, 555n));
    expect(state.governance).toEqual(TEST_GOVERNANCE);
    expect(codeOf(() => applyTx(state, batch, set(ParamId.EpochLength, 3n, 2n)))).toBe(
      ErrorCode.InvalidTransaction,
    );
    const closed = closeBatch(state, batch, 1);
    expect(state.governance).toEqual({ ...TEST_GOVERNANCE, minContributionStake: 555n });
    expect(state.roots().params).toBe(paramsHash(state.governance));
    expect(closed.stateRoot).toBe(state.root());

    const next = beginBatch(state);
    const word = 6000n + (3000n << 16n) + (10_000n << 32n) + (500n << 48n) + (500n << 64n);
    applyTx(state, next, set(ParamId.RewardSplit, word, 2n));
    closeBatch(state, next, 1);
    expect(state.governance).toMatchObject({ dataBps: 6000, modelBps: 3000, baseModelBps: 10_000 });

    const refused = (paramId: number, value: bigint) =>
      codeOf(() => applyTx(state, beginBatch(state), set(paramId, value, 3n)));
    expect(refused(ParamId.RewardSplit, word + 1n)).toBe(ErrorCode.InvalidTransaction);
    expect(refused(ParamId.RewardSplit, word + (1n << 80n))).toBe(ErrorCode.InvalidTransaction);
    expect(refused(ParamId.RewardSplit, word - (10_000n << 32n) + (10_001n << 32n))).toBe(
      ErrorCode.InvalidTransaction,
    );
    expect(refused(ParamId.AttributionMethod, 1n << 32n)).toBe(ErrorCode.InvalidTransaction);
    expect(refused(ParamId.MinModelStake, 1n << 96n)).toBe(ErrorCode.InvalidTransaction);
    // An unknown id is consumed and changes nothing.
    const last = beginBatch(state);
    const before = state.governance;
    applyTx(state, last, set(9, 1n << 200n, 3n));
    closeBatch(state, last, 1);
    expect(state.governance).toEqual(before);
  });

  it("refuses an operation out of queue order, before any write", () => {
    const { state, batch } = opened();
    const root = state.root();
    expect(codeOf(() => applyTx(state, batch, forced(1, 5n, OWNER, 2n)))).toBe(ErrorCode.QueueOrder);
    expect(state.root()).toBe(root);
    expect(state.queue.next).toBe(1n);
  });

  it("hashes each kind into the rolling hash as the Rollup contract does, and round-trips the wire", () => {
    const ops: QueueOp[] = [
      forced(3, 77n, STRANGER, 4n),
      { type: TxType.SetParameter, queueIndex: 5n, paramId: 2, value: 12n },
      { type: TxType.Slash, queueIndex: 6n, account: 9, amount: 40n },
    ];
    const h = [
      poseidon([5n, 2n + (3n << 8n) + (77n << 40n), addressToField(STRANGER), 0n, 0n]),
      poseidon([5n, 3n + (2n << 8n), 12n, 0n, 0n]),
      poseidon([5n, 4n + (9n << 8n) + (40n << 40n), 0n, 0n, 0n]),
    ];
    expect(ops.map((op) => queueOpHash(5n, op))).toEqual(h);
    for (const op of ops) expect(decodeTx(encodeTx(op))).toEqual(op);
  });
});
