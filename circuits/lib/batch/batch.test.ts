/**
 * The batch circuit is the twin of the state transition: batches executed by protocol/state
 * give witnesses whose public input is the one the TypeScript computes (roots, queue hashes,
 * withdrawals root and batch data all inside it), and batches the TypeScript refuses (a bad
 * signature, a replayed nonce, an overdraft) cannot produce a witness. Witness-only: no setup.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCode } from "../../../protocol/errors.ts";
import { encodeFloat40 } from "../../../protocol/float40.ts";
import { poseidon } from "../../../protocol/poseidon.ts";
import { governanceParamsFields, paramsHash } from "../../../protocol/state/leaves.ts";
import type { RollupState } from "../../../protocol/state/state.ts";
import { ContributionStatus } from "../../../protocol/state/leaves.ts";
import { CurationMode, type SignedTx, TxType } from "../../../protocol/tx/types.ts";
import { addressToField } from "../../../protocol/domain.ts";
import { type BatchTx, buildBatchWitness } from "../../../protocol/batch/witness.ts";
import { type CompiledCircuit, compileCircuit } from "../../tools/artifacts.ts";
import { terminateSnarkjsCurve } from "../../runtime/snarkjs-curve.ts";
import { type CircuitInput, calculateWitness, circuitOutputs, firstFailure } from "../../tools/witness.ts";
import { codeOf, TEST_GOVERNANCE, TEST_BINDING } from "../../../protocol/testing.ts";
import {
  contribution,
  deposit,
  forced,
  freshCopy,
  freshCopyWithRegistries,
  freshState,
  inference,
  L1,
  queue,
  refusalAt,
  registerModel,
  SHAPE,
  SHAPE_REG,
  setParam,
  sign,
  slash,
  split,
} from "./fixtures.ts";

const governance = TEST_GOVERNANCE;

let circuit: CompiledCircuit;
let withRegistry: CompiledCircuit;
beforeAll(async () => {
  circuit = await compileCircuit("batch_8x2_2tx", { log: () => {} });
  withRegistry = await compileCircuit("batch_8x2_2tx_1reg", { log: () => {} });
});
afterAll(terminateSnarkjsCurve);

/** Proves the batch in the circuit (witness only) and checks it reaches the TypeScript's public input. */
async function twin(state: RollupState, txs: BatchTx[], feeRecipient = 1) {
  const w = buildBatchWitness(state, txs, feeRecipient, SHAPE, TEST_BINDING);
  expect(await circuitOutputs(circuit, w.input as CircuitInput, 1)).toEqual([w.publicInput]);
  expect(state.root()).toBe(w.claims.postStateRoot);
  return w;
}

/** The witness generator stops at the first violated constraint; `where` names its template and line. */
async function refuses(input: CircuitInput, where: RegExp, c: CompiledCircuit = circuit): Promise<void> {
  expect(await firstFailure(c, input)).toMatch(where);
}

/** Where a refusal must happen: the line of `text` in account_slot.circom (or `file`), in `template`. */
const inSlot = (text: string, template = "AccountSlot", file = "tx/account_slot.circom") =>
  refusalAt(template, file, text);
const inRegistrySlot = (text: string) => inSlot(text, "RegistrySlot", "tx/registry_slot.circom");

/** Two funded accounts (1 and 2) after one batch of deposits. */
async function funded(): Promise<RollupState> {
  const state = freshState();
  await twin(state, [deposit(0, 10n ** 6n), deposit(1, 10n ** 6n, 0, 1)]);
  return state;
}

describe("batch circuit twin of the state transition", () => {
  it("deposits open accounts, credit existing ones and consume the queue in order", async () => {
    const state = await funded();
    expect(state.counters.accounts).toBe(2);
    // A deposit to account 2 credits it; one to an empty id opens the next account instead.
    const w = await twin(state, [deposit(2, 500n, 2), deposit(2, 700n, 9)]);
    expect(state.accounts.get(2)!.balance).toBe(10n ** 6n + 500n);
    expect(state.accounts.get(3)!.balance).toBe(700n);
    expect(w.closed.queueEnd.next).toBe(4n);
    expect(w.claims.queueStart).not.toBe(w.claims.queueEnd);
  });

  it("transfers, withdraws, stakes and unstakes with fees credited to the fee recipient", async () => {
    const state = await funded();
    const w1 = await twin(
      state,
      [
        sign({ type: TxType.Transfer, from: 1, nonce: 0, fee: 10n, to: 2, amount: 2500n }, 0),
        sign({ type: TxType.Withdraw, from: 2, nonce: 0, fee: 20n, amount: 3000n, recipient: L1[1]! }, 1),
      ],
      1,
    );
    expect(w1.closed.withdrawals).toEqual([{ recipient: L1[1], amount: 3000n }]);
    expect(state.accounts.get(1)!.balance).toBe(10n ** 6n - 2510n + 30n);
    await twin(
      state,
      [
        sign({ type: TxType.Stake, from: 1, nonce: 1, fee: 1n, amount: 4000n }, 0),
        sign({ type: TxType.Unstake, from: 1, nonce: 2, fee: 1n, amount: 1500n }, 0),
      ],
      2,
    );
    expect(state.accounts.get(1)).toMatchObject({ staked: 2500n, nonce: 3 });
  });

  it("pads with no-ops and burns the fees of a fee recipient without account", async () => {
    const state = await funded();
    const w = await twin(
      state,
      [sign({ type: TxType.Transfer, from: 2, nonce: 0, fee: 5n, to: 1, amount: 1n }, 1)],
      7,
    );
    expect(w.closed.feesCredited).toBe(0n);
    const empty = await twin(state, [], 1);
    expect(empty.claims.postStateRoot).toBe(empty.claims.preStateRoot);
  });

  it("refunds a deposit on L1 when the accounts tree is full", async () => {
    const state = freshState();
    // 8^2 = 64 slots, ids 1..63: fill them two per batch, then one more deposit is refunded.
    for (let i = 0; i < 31; i++)
      buildBatchWitness(state, [deposit(0, 1n), deposit(1, 1n)], 1, SHAPE, TEST_BINDING);
    await twin(state, [deposit(0, 1n), deposit(1, 9n, 0, 1)]);
    expect(state.counters.accounts).toBe(63);
    const w = await twin(state, [deposit(2, 5n)]);
    expect(w.closed.withdrawals).toEqual([{ recipient: L1[0], amount: 5n }]);
  });

  it("matches the TypeScript on random batches of every account-slot kind and queue operation", async () => {
    const state = await funded();
    let seed = 12345n;
    const rand = (n: number) => {
      seed = poseidon([seed]);
      return Number(seed % BigInt(n));
    };
    const nonces = new Map<number, number>();
    // Within the balance or stake, or far above it: both sides of every cap.
    const queueAmount = () => (rand(3) === 0 ? 10n ** 12n : BigInt(1 + rand(3_000)));
    // Accounts 1 and 2 (which send L2 transactions) only by the wrong L1 address, so they never
    // run dry; accounts 3 and 4 (opened by deposits from L1[0]) by either; empty ids.
    const forcedAt = (k: number, amount: bigint) =>
      forced([1, 2, 3, 4, 3, 50, 70][k]!, amount, [1, 0, 0, 0, 1, 0, 0][k]);
    for (let round = 0; round < 8; round++) {
      const txs: BatchTx[] = [];
      for (let i = 0; i < 1 + rand(2); i++) {
        const from = 1 + rand(2);
        const nonce = nonces.get(from) ?? 0;
        const kind = rand(8);
        const base = { from, nonce, fee: BigInt(rand(50)) };
        const amount = BigInt(1 + rand(10_000));
        // One withdrawal entry (a withdraw or a forced withdrawal) and one parameter change a batch.
        const withdraws = (t: BatchTx) => t.type === TxType.Withdraw || t.type === TxType.ForcedWithdrawal;
        if ((kind === 2 || kind === 4) && txs.some(withdraws)) continue;
        if (kind === 6 && txs.some((t) => t.type === TxType.SetParameter)) continue;
        const tx =
          kind === 0
            ? deposit(rand(3), amount, rand(4))
            : kind === 1
              ? sign({ type: TxType.Transfer, ...base, to: 3 - from, amount }, from - 1)
              : kind === 2
                ? sign({ type: TxType.Withdraw, ...base, amount, recipient: L1[rand(2)]! }, from - 1)
                : kind === 3
                  ? sign({ type: TxType.Stake, ...base, amount }, from - 1)
                  : kind === 4
                    ? forcedAt(rand(7), queueAmount())
                    : kind === 5
                      ? slash([1, 2, 3, 70][rand(4)]!, queueAmount())
                      : kind === 6
                        ? [
                            () => setParam(3, BigInt(rand(500))),
                            () => setParam(0, split(5000, 3000, rand(10_001), 1000, 1000)),
                            () => setParam(1, BigInt(rand(100))),
                            () => setParam(7, 5n),
                          ][rand(4)]!()
                        : sign({ type: TxType.Unstake, ...base, amount: 0n }, from - 1);
        if ("from" in tx) nonces.set(from, nonce + 1);
        txs.push(tx);
      }
      await twin(state, txs, 1 + rand(3));
    }
    expect(state.queue.next).toBe(queue.next);
  });
});

describe("queue operations: forced withdrawals, slashes, parameter changes", () => {
  it("a forced withdrawal pays the account's L1 address at most its balance; anyone else's does nothing", async () => {
    const state = await funded();
    // Account 1 was opened from L1[0], account 2 from L1[1].
    const w = await twin(state, [forced(1, 4000n, 0), forced(2, 5n, 0)]);
    expect(w.closed.withdrawals).toEqual([{ recipient: L1[0], amount: 4000n }]);
    expect(state.accounts.get(1)).toMatchObject({ balance: 10n ** 6n - 4000n, nonce: 0 });
    expect(state.accounts.get(2)!.balance).toBe(10n ** 6n);
    expect(w.receipts.map((r) => r.account)).toEqual([1, 2]);
    // More than the balance takes the balance; an empty id in the tree does nothing.
    const all = await twin(state, [forced(2, 10n ** 9n, 1), forced(40, 1n, 0)]);
    expect(all.closed.withdrawals).toEqual([{ recipient: L1[1], amount: 10n ** 6n }]);
    expect(state.accounts.get(2)!.balance).toBe(0n);
    // An id beyond the tree does nothing; an empty balance still emits its (zero) withdrawal.
    const zero = await twin(state, [forced(2 ** 20, 1n, 0), forced(2, 1n, 1)]);
    expect(zero.closed.withdrawals).toEqual([{ recipient: L1[1], amount: 0n }]);
    expect(zero.receipts.map((r) => r.account)).toEqual([0, 2]);
  });

  it("a slash cuts the account's stake, at most all of it; the OPEN leaves L2", async () => {
    const state = await funded();
    await twin(state, [
      sign({ type: TxType.Stake, from: 1, nonce: 0, fee: 0n, amount: 3000n }, 0),
      slash(1, 1000n),
    ]);
    expect(state.accounts.get(1)).toMatchObject({ staked: 2000n, balance: 10n ** 6n - 3000n, nonce: 1 });
    await twin(state, [slash(1, 10n ** 9n), slash(9, 5n)]);
    expect(state.accounts.get(1)).toMatchObject({ staked: 0n, balance: 10n ** 6n - 3000n });
  });

  it("a set-parameter order changes the parameters when its batch closes", async () => {
    const state = await funded();
    const before = state.root();
    await twin(state, [setParam(3, 250n)]);
    expect(state.governance).toEqual({ ...governance, minContributionStake: 250n });
    expect(state.root()).not.toBe(before);
    await twin(state, [setParam(0, split(6000, 3000, 1500, 600, 400))]);
    expect(state.governance).toMatchObject({
      dataBps: 6000,
      modelBps: 3000,
      baseModelBps: 1500,
      proverBps: 600,
      protocolBps: 400,
    });
    const changed = state.governance;
    await twin(state, [setParam(4, 10n ** 20n)]);
    expect(state.governance).toEqual({ ...changed, minModelStake: 10n ** 20n });
    // An unknown id changes nothing.
    await twin(state, [setParam(5, 99n), deposit(0, 1n, 1)]);
    expect(state.governance).toEqual({ ...changed, minModelStake: 10n ** 20n });
  });
});

describe("queue operations: what a prover cannot change", () => {
  const inBatch = (text: string) => inSlot(text, "Batch", "batch/batch.circom");
  const inParamChange = (text: string) => inSlot(text, "ParamChange", "state/param_change.circom");
  const at0 = (w: { input: Record<string, unknown> }, name: string, value: bigint | string) => {
    const column = [...(w.input[name] as string[])];
    column[0] = value.toString();
    return { [name]: column };
  };

  it("a forced withdrawal by the wrong L1 address, above the balance or skipped", async () => {
    const state = await funded();
    // By L1[0] on account 2 (opened by L1[1]): nothing. Claiming account 2's L1 address is
    // L1[0] breaks its leaf, so the Merkle path.
    const wrong = buildBatchWitness(freshCopy(state), [forced(2, 5n, 0)], 1, SHAPE, TEST_BINDING);
    expect(wrong.closed.withdrawals).toEqual([]);
    await refuses(
      {
        ...wrong.input,
        ...at0(wrong, "l1A", addressToField(L1[0]!)),
        ...at0(wrong, "recipient", addressToField(L1[0]!)),
        recipients: [addressToField(L1[0]!).toString()],
      } as CircuitInput,
      inSlot("updateA.oldRoot === rootIn"),
    );
    // A prover cannot skip an order by showing its account empty.
    queue.next--;
    const capped = buildBatchWitness(freshCopy(state), [forced(1, 10n ** 9n, 0)], 1, SHAPE, TEST_BINDING);
    expect(capped.closed.withdrawals).toEqual([{ recipient: L1[0], amount: 10n ** 6n }]);
    await refuses(
      { ...capped.input, ...at0(capped, "existing", 0n), ...at0(capped, "a", 0n) } as CircuitInput,
      inSlot("updateA.oldRoot === rootIn"),
    );
    // Above the balance it is cut to the balance: the cap cannot be denied ...
    await refuses(
      { ...capped.input, ...at0(capped, "capped", 0n) } as CircuitInput,
      inSlot("afterDebit.in <=="),
    );
    // ... nor claimed under the balance.
    queue.next--;
    const within = buildBatchWitness(freshCopy(state), [forced(1, 10n, 0)], 1, SHAPE, TEST_BINDING);
    await refuses(
      { ...within.input, ...at0(within, "capped", 1n) } as CircuitInput,
      inSlot("afterDebit.in <=="),
    );
  });

  it("a slash above the stake cuts the stake, no more and no less", async () => {
    const state = await funded();
    await twin(state, [sign({ type: TxType.Stake, from: 1, nonce: 0, fee: 0n, amount: 300n }, 0)]);
    const w = buildBatchWitness(freshCopy(state), [slash(1, 500n)], 1, SHAPE, TEST_BINDING);
    await refuses({ ...w.input, ...at0(w, "capped", 0n) } as CircuitInput, inSlot("newStaked.in <=="));
    queue.next--;
    const within = buildBatchWitness(freshCopy(state), [slash(1, 200n)], 1, SHAPE, TEST_BINDING);
    await refuses(
      { ...within.input, ...at0(within, "capped", 1n) } as CircuitInput,
      inSlot("newStaked.in <=="),
    );
  });

  it("parameter values out of range, a split not summing to 10,000, two changes in a batch", async () => {
    const state = await funded();
    expect(
      codeOf(() => buildBatchWitness(freshCopy(state), [setParam(1, 2n ** 40n)], 1, SHAPE, TEST_BINDING)),
    ).toBe(ErrorCode.InvalidTransaction);
    queue.next--;
    const w = buildBatchWitness(freshCopy(state), [setParam(1, 5n)], 1, SHAPE, TEST_BINDING);
    await refuses(
      { ...w.input, ...at0(w, "qW1", 2n ** 40n) } as CircuitInput,
      inParamChange("(sel[1] + sel[2]) * above32 === 0"),
    );
    queue.next--;
    const bad = split(5000, 3000, 0, 1000, 999);
    expect(
      codeOf(() => buildBatchWitness(freshCopy(state), [setParam(0, bad)], 1, SHAPE, TEST_BINDING)),
    ).toBe(ErrorCode.InvalidTransaction);
    await refuses(
      { ...w.input, ...at0(w, "qAccount", 0n), ...at0(w, "qW1", bad) } as CircuitInput,
      inParamChange("sel[0] * (limb[0] + limb[1] + limb[3] + limb[4] - 10000) === 0"),
    );
    queue.next--;
    const copy = freshCopy(state);
    const two = [setParam(3, 7n), setParam(4, 9n)];
    expect(codeOf(() => buildBatchWitness(copy, two, 1, SHAPE, TEST_BINDING))).toBe(
      ErrorCode.InvalidTransaction,
    );
    queue.next -= 2n;
    const one = buildBatchWitness(freshCopy(state), [setParam(3, 7n)], 1, SHAPE, TEST_BINDING);
    await refuses(
      {
        ...one.input,
        type: ["10", "10"],
        qAccount: ["3", "4"],
        qW1: ["7", "9"],
      } as CircuitInput,
      inBatch("paramOrders * (paramOrders - 1) === 0"),
    );
  });

  it("queue operations out of order", async () => {
    const state = await funded();
    // Neither changes the tree (a stranger's forced withdrawal, a slash of an empty stake), so
    // every Merkle path holds in either order.
    const first = forced(2, 10n, 0);
    const second = slash(2, 1n);
    expect(codeOf(() => buildBatchWitness(freshCopy(state), [second, first], 1, SHAPE, TEST_BINDING))).toBe(
      ErrorCode.QueueOrder,
    );
    // The circuit hashes the operations in the order of its slots: swapped, it reaches another
    // H_end than the one L1 recorded, so not the public input L1 checks the proof against.
    const w = buildBatchWitness(freshCopy(state), [first, second], 1, SHAPE, TEST_BINDING);
    const swap = (name: string) => [...(w.input[name] as string[])].reverse();
    const names = [
      "type",
      "a",
      "recipient",
      "ax",
      "ay",
      "l1A",
      "packedA",
      "siblingsA",
      "qAccount",
      "qAmount",
      "qW1",
      "existing",
      "capped",
    ];
    const swapped = { ...w.input, ...Object.fromEntries(names.map((n) => [n, swap(n)])) } as CircuitInput;
    const out = await circuitOutputs(circuit, swapped, 1);
    expect(out).toHaveLength(1);
    expect(out).not.toEqual([w.publicInput]);
  });
});

describe("batches the TypeScript refuses have no witness", () => {
  it("a bad signature", async () => {
    const state = await funded();
    const tx = sign({ type: TxType.Transfer, from: 1, nonce: 0, fee: 1n, to: 2, amount: 10n }, 0);
    const forged = { ...tx, signature: sign({ ...tx }, 1).signature };
    expect(codeOf(() => buildBatchWitness(freshCopy(state), [forged], 1, SHAPE, TEST_BINDING))).toBe(
      ErrorCode.InvalidSignature,
    );
    const w = buildBatchWitness(state, [tx], 1, SHAPE, TEST_BINDING);
    await refuses(
      {
        ...w.input,
        r8x: [forged.signature.R8.x.toString(), w.input.r8x![1]!],
        r8y: [forged.signature.R8.y.toString(), w.input.r8y![1]!],
        s: [forged.signature.S.toString(), w.input.s![1]!],
      } as CircuitInput,
      inSlot("sig.M <=="),
    );
  });

  it("a replayed nonce", async () => {
    const state = await funded();
    const first = sign({ type: TxType.Transfer, from: 1, nonce: 0, fee: 1n, to: 2, amount: 10n }, 0);
    await twin(state, [first]);
    expect(codeOf(() => buildBatchWitness(freshCopy(state), [first], 1, SHAPE, TEST_BINDING))).toBe(
      ErrorCode.BadNonce,
    );
    // The same transfer at the right nonce has a witness; with the old signature it has none.
    const w = buildBatchWitness(
      state,
      [{ ...first, nonce: 1, signature: sign({ ...first, nonce: 1 }, 0).signature }],
      1,
      SHAPE,
      TEST_BINDING,
    );
    await refuses(
      {
        ...w.input,
        r8x: [first.signature.R8.x.toString(), w.input.r8x![1]!],
        r8y: [first.signature.R8.y.toString(), w.input.r8y![1]!],
        s: [first.signature.S.toString(), w.input.s![1]!],
      } as CircuitInput,
      inSlot("sig.M <=="),
    );
  });

  it("an overdraft, an unstake beyond the stake, a wrong pre-state root, an unknown type", async () => {
    const state = await funded();
    const big = 2n * 10n ** 6n;
    const overdraft = sign({ type: TxType.Transfer, from: 1, nonce: 0, fee: 1n, to: 2, amount: big }, 0);
    expect(codeOf(() => buildBatchWitness(freshCopy(state), [overdraft], 1, SHAPE, TEST_BINDING))).toBe(
      ErrorCode.InsufficientBalance,
    );
    const w = buildBatchWitness(
      freshCopy(state),
      [{ ...overdraft, amount: 10n, signature: sign({ ...overdraft, amount: 10n }, 0).signature }],
      1,
      SHAPE,
      TEST_BINDING,
    );
    const withSig = (tx: SignedTx, extra: Partial<CircuitInput>) =>
      ({
        ...w.input,
        r8x: [tx.signature.R8.x.toString(), w.input.r8x![1]!],
        r8y: [tx.signature.R8.y.toString(), w.input.r8y![1]!],
        s: [tx.signature.S.toString(), w.input.s![1]!],
        ...extra,
      }) as CircuitInput;
    await calculateWitness(
      circuit,
      withSig(
        {
          ...overdraft,
          amount: 10n,
          signature: sign({ ...overdraft, amount: 10n }, 0).signature,
        } as SignedTx,
        {},
      ),
    );
    await refuses(
      withSig(overdraft, { amountF40: [encodeFloat40(big).toString(), "0"] }),
      inSlot("afterDebit.in <=="),
    );

    const unstake = sign({ type: TxType.Unstake, from: 1, nonce: 0, fee: 1n, amount: 5n }, 0);
    expect(codeOf(() => buildBatchWitness(freshCopy(state), [unstake], 1, SHAPE, TEST_BINDING))).toBe(
      ErrorCode.InsufficientStake,
    );
    await refuses(
      withSig(unstake, { type: ["4", "0"], b: ["0", "0"], amountF40: [encodeFloat40(5n).toString(), "0"] }),
      inSlot("newStaked.in <=="),
    );

    await refuses({ ...w.input, accountsRoot: "1" } as CircuitInput, inSlot("updateA.oldRoot === rootIn"));
    // No kind takes an unknown type.
    await refuses({ ...w.input, type: ["14", "0"] } as CircuitInput, inSlot("kind.type <=="));
  });
});

describe("registry slots: register contribution and inference", () => {
  it("reproduces the shared batch vectors (protocol/vectors/twins.json): a contribution, a curate", async () => {
    const vectors = JSON.parse(
      readFileSync(new URL("../../../protocol/vectors/twins.json", import.meta.url), "utf8"),
    ) as Record<"batch" | "curate", { input: CircuitInput; publicInput: string }>;
    for (const v of [vectors.batch, vectors.curate]) {
      expect(await circuitOutputs(withRegistry, v.input, 1)).toEqual([BigInt(v.publicInput)]);
    }
  });

  async function twinReg(state: RollupState, txs: BatchTx[]) {
    const w = buildBatchWitness(state, txs, 1, SHAPE_REG, TEST_BINDING);
    expect(await circuitOutputs(withRegistry, w.input as CircuitInput, 1)).toEqual([w.publicInput]);
    return w;
  }

  /**
   * Accounts 1 and 2 funded, contribution 1 by account 2, and model 1 of staked account 1
   * trained on it, each through the circuit.
   */
  async function withModel(): Promise<RollupState> {
    const state = freshState();
    await twinReg(state, [deposit(0, 10n ** 6n), deposit(1, 10n ** 6n, 0, 1)]);
    await twinReg(state, [
      sign({ type: TxType.Stake, from: 1, nonce: 0, fee: 0n, amount: 5000n }, 0),
      contribution(2, 0, 150n),
    ]);
    expect(state.contributions.get(1)).toMatchObject({ owner: 2, stake: 150n, rowCount: 120 });
    await twinReg(state, [registerModel(1, [1])]);
    expect(state.models.get(1)).toMatchObject({ owner: 1, inferenceFee: 50n, baseModel: 0, escrow: 0n });
    return state;
  }

  it("registers models and fine-tunes: descriptor, contributions, base model, fee, as the TypeScript does", async () => {
    const state = await withModel();
    // One registry slot: one registry transaction a batch.
    await twinReg(state, [contribution(2, 1, 150n)]);
    await twinReg(state, [contribution(2, 2, 150n)]);
    expect(state.counters.contributions).toBe(3);
    // A fine-tune of model 1 on contributions 1 and 3.
    const w = await twinReg(state, [registerModel(2, [1, 3], 1)]);
    expect(w.receipts[0]!.created).toEqual({ registry: "model", id: 2 });
    expect(state.models.get(2)).toMatchObject({ owner: 1, baseModel: 1, escrow: 0n });
    expect(state.trainingSets.get(2)).toEqual({ trainingConfigHash: 6n, contributions: [1, 3] });
    expect(state.counters).toMatchObject({ contributions: 3, models: 2 });
  });

  it("refuses a model naming a missing contribution, a wrong training max, a missing base model, too little stake", async () => {
    const state = await withModel();
    const realC = {
      counters: Object.values(state.counters).map(String),
      contributionsRoot: state.roots().contributions.toString(),
      regSiblingsC: [state.proof("contributions", 0).siblings.map((l) => l.map(String))],
    };
    // Contribution 2 does not exist. Unsorted or repeated ids have no descriptor at all.
    const missing = registerModel(2, [1, 2]);
    expect(
      codeOf(() => buildBatchWitness(freshCopyWithRegistries(state), [missing], 1, SHAPE_REG, TEST_BINDING)),
    ).toBe(ErrorCode.UnknownContribution);
    expect(codeOf(() => registerModel(2, [2, 1]))).toBe(ErrorCode.InvalidEncoding);
    // With a contribution 2 added, it has a witness; against the real registry it has none.
    const more = freshCopyWithRegistries(state);
    more.setContribution(2, state.contributions.get(1)!);
    more.counters = { ...more.counters, contributions: 2 };
    const w = buildBatchWitness(more, [missing], 1, SHAPE_REG, TEST_BINDING);
    await refuses({ ...w.input, ...realC } as CircuitInput, inRegistrySlot("maxExists.in <=="), withRegistry);
    // The training max is bound by the signed descriptor: claiming 1 instead of 2 fails.
    const training = (w.input.regTraining as string[][])[0]!;
    await refuses(
      { ...w.input, ...realC, regTraining: [[training[0]!, training[1]!, "1"]] } as CircuitInput,
      inRegistrySlot("isModel * (descriptor.out - payload[1]) === 0"),
      withRegistry,
    );
    // A fine-tune of model 1 has a witness; with the models count shown as 0, none.
    const tune = buildBatchWitness(
      freshCopyWithRegistries(state),
      [registerModel(2, [1], 1)],
      1,
      SHAPE_REG,
      TEST_BINDING,
    );
    const counters = [...(tune.input.counters as string[])];
    counters[2] = "0";
    await refuses(
      { ...tune.input, counters } as CircuitInput,
      inRegistrySlot("baseExists.in <=="),
      withRegistry,
    );
    expect(
      codeOf(() =>
        buildBatchWitness(
          freshCopyWithRegistries(state),
          [registerModel(2, [1], 2)],
          1,
          SHAPE_REG,
          TEST_BINDING,
        ),
      ),
    ).toBe(ErrorCode.UnknownModel);
    // Account 2 stakes nothing: refused; under a minimum of 0 it has a witness, under the real
    // parameters (minimum 1,000) none.
    const unstaked = registerModel(1, [1], 0, 2);
    expect(
      codeOf(() => buildBatchWitness(freshCopyWithRegistries(state), [unstaked], 1, SHAPE_REG, TEST_BINDING)),
    ).toBe(ErrorCode.InsufficientStake);
    const lenient = freshCopyWithRegistries(state);
    lenient.governance = { ...governance, minModelStake: 0n };
    const free = buildBatchWitness(lenient, [unstaked], 1, SHAPE_REG, TEST_BINDING);
    await refuses(
      {
        ...free.input,
        paramsHash: paramsHash(governance).toString(),
        governance: governanceParamsFields(governance).map(String),
      } as CircuitInput,
      inSlot("newStaked.in <=="),
      withRegistry,
    );
  });

  it("a parameter change applies after the registry transactions of its batch", async () => {
    const state = await withModel();
    // The minimum contribution stake rises to 500 in the batch, after this 150 contribution.
    await twinReg(state, [setParam(3, 500n), contribution(2, 1, 150n)]);
    expect(state.contributions.get(2)).toMatchObject({ stake: 150n });
    expect(state.governance.minContributionStake).toBe(500n);
    expect(
      codeOf(() =>
        buildBatchWitness(
          freshCopyWithRegistries(state),
          [contribution(2, 2, 150n)],
          1,
          SHAPE_REG,
          TEST_BINDING,
        ),
      ),
    ).toBe(ErrorCode.InsufficientStake);
  });

  it("registers contributions and records inferences with the model's escrow, as the TypeScript does", async () => {
    const state = await withModel();
    await twinReg(state, [
      sign({ type: TxType.Transfer, from: 1, nonce: 2, fee: 1n, to: 2, amount: 9n }, 0),
      contribution(2, 1, 400n),
    ]);
    expect(state.contributions.get(2)).toMatchObject({ owner: 2, stake: 400n });
    await twinReg(state, [deposit(2, 5n, 2), inference(2, 2, 60n)]);
    expect(state.models.get(1)!.escrow).toBe(60n);
    expect(state.inferences.get(1)).toMatchObject({ user: 2, model: 1, payment: 60n });
    await twinReg(state, [inference(2, 3, 50n)]);
    // A batch without registry transactions leaves the registry slot a no-op.
    await twinReg(state, [sign({ type: TxType.Unstake, from: 1, nonce: 3, fee: 1n, amount: 10n }, 0)]);
    expect(state.counters).toMatchObject({ contributions: 2, models: 1, inferences: 2 });
  });

  it("refuses a stake below the minimum, an underpaid inference, a mismatched pairing, a registry transaction without a registry slot", async () => {
    const state = await withModel();
    const low = contribution(2, 1, 99n);
    expect(
      codeOf(() => buildBatchWitness(freshCopyWithRegistries(state), [low], 1, SHAPE_REG, TEST_BINDING)),
    ).toBe(ErrorCode.InsufficientStake);
    // The same accounts and registries under a minimum of 99 accept it; with the real
    // parameters (minimum 100) in the state root, the registry slot refuses it.
    const lenient = freshCopyWithRegistries(state);
    lenient.governance = { ...governance, minContributionStake: 99n };
    const w = buildBatchWitness(lenient, [low], 1, SHAPE_REG, TEST_BINDING);
    const realParams = {
      paramsHash: paramsHash(governance).toString(),
      governance: governanceParamsFields(governance).map(String),
    };
    await refuses(
      { ...w.input, ...realParams } as CircuitInput,
      inRegistrySlot("enough.in <=="),
      withRegistry,
    );

    const cheap = inference(2, 1, 49n);
    expect(
      codeOf(() => buildBatchWitness(freshCopyWithRegistries(state), [cheap], 1, SHAPE_REG, TEST_BINDING)),
    ).toBe(ErrorCode.FeeTooLow);
    // Likewise a model charging 49 takes it; the real model (fee 50) does not.
    const discounted = freshCopyWithRegistries(state);
    discounted.setModel(1, { ...state.models.get(1)!, inferenceFee: 49n });
    const wi = buildBatchWitness(discounted, [cheap], 1, SHAPE_REG, TEST_BINDING);
    const model = (wi.input.regModel as string[][])[0]!;
    await refuses(
      { ...wi.input, regModel: [[...model.slice(0, 4), "50", ...model.slice(5)]] } as CircuitInput,
      inRegistrySlot("paid.in <=="),
      withRegistry,
    );
    // The registry slot must name the account slot holding its transaction.
    const paid = buildBatchWitness(
      freshCopyWithRegistries(state),
      [inference(2, 1, 50n)],
      1,
      SHAPE_REG,
      TEST_BINDING,
    );
    await calculateWitness(withRegistry, paid.input as CircuitInput);
    await refuses(
      { ...paid.input, regSlot: ["1"] } as CircuitInput,
      /RegistryMatch_\d+ line: \d+/,
      withRegistry,
    );
    // Without registry slots there is no witness for a registry transaction.
    expect(
      codeOf(() =>
        buildBatchWitness(freshCopyWithRegistries(state), [inference(2, 1, 50n)], 1, SHAPE, TEST_BINDING),
      ),
    ).toBe(ErrorCode.InvalidTransaction);
  });
});

describe("registry slots: Datanets and curation", () => {
  async function twinReg(state: RollupState, txs: BatchTx[]) {
    const w = buildBatchWitness(state, txs, 1, SHAPE_REG, TEST_BINDING);
    expect(await circuitOutputs(withRegistry, w.input as CircuitInput, 1)).toEqual([w.publicInput]);
    return w;
  }
  const witnessOn = (state: RollupState, tx: BatchTx) =>
    buildBatchWitness(state, [tx], 1, SHAPE_REG, TEST_BINDING);
  const curate = (from: number, nonce: number, id: number, accept: boolean) =>
    sign({ type: TxType.Curate, from, nonce, fee: 1n, contribution: id, accept }, from - 1);
  const withLicense = (nonce: number, license: number, stake = 400n) =>
    sign({ ...contribution(2, nonce, stake, 2), license }, 1);

  /**
   * Accounts 1 to 3; Datanet 2 created by account 1, curated by it, admitting CC-BY and
   * CC-BY-NC with a minimum stake of 300; contribution 1 (account 2) accepted, contribution 2
   * rejected with its stake returned, contribution 3 pending: each through the circuit.
   */
  async function curated(): Promise<RollupState> {
    const state = freshState();
    await twinReg(state, [deposit(0, 10n ** 6n), deposit(1, 10n ** 6n, 0, 1)]);
    await twinReg(state, [deposit(2, 10n ** 6n)]);
    const w = await twinReg(state, [
      sign(
        {
          type: TxType.CreateDatanet,
          from: 1,
          nonce: 0,
          fee: 2n,
          metadataHash: 123n,
          licensePolicy: (1 << 2) | (1 << 4),
          curationMode: CurationMode.Curated,
          curators: [1],
          minStake: 300n,
        },
        0,
      ),
    ]);
    expect(w.receipts[0]!.created).toEqual({ registry: "datanet", id: 2 });
    await twinReg(state, [contribution(2, 0, 400n, 2)]);
    expect(state.contributions.get(1)).toMatchObject({ status: ContributionStatus.Pending, datanet: 2 });
    await twinReg(state, [curate(1, 1, 1, true)]);
    expect(state.contributions.get(1)).toMatchObject({ status: ContributionStatus.Accepted, stake: 400n });
    await twinReg(state, [contribution(2, 1, 500n, 2)]);
    const before = state.accounts.get(2)!.balance;
    await twinReg(state, [curate(1, 2, 2, false)]);
    expect(state.contributions.get(2)).toMatchObject({ status: ContributionStatus.Rejected, stake: 0n });
    expect(state.accounts.get(2)!.balance).toBe(before + 500n);
    await twinReg(state, [contribution(2, 2, 450n, 2)]);
    return state;
  }

  it("creates a curated Datanet, holds contributions pending, accepts one and refunds a rejected one, as the TypeScript does", async () => {
    const state = await curated();
    expect(state.counters).toMatchObject({ datanets: 2, contributions: 3 });
    // A model on the accepted contribution registers; on the rejected one it is refused.
    await twinReg(state, [sign({ type: TxType.Stake, from: 1, nonce: 3, fee: 0n, amount: 5000n }, 0)]);
    await twinReg(state, [registerModel(4, [1])]);
    expect(codeOf(() => witnessOn(freshCopyWithRegistries(state), registerModel(5, [2])))).toBe(
      ErrorCode.ContributionNotAccepted,
    );
  });

  it("refuses a curate by a non-curator and of a contribution that is not pending", async () => {
    const state = await curated();
    const real = {
      datanetsRoot: state.roots().datanets.toString(),
      contributionsRoot: state.roots().contributions.toString(),
    };
    const stranger = curate(3, 0, 3, true);
    expect(codeOf(() => witnessOn(freshCopyWithRegistries(state), stranger))).toBe(ErrorCode.NotCurator);
    // With account 3 among the curators it has a witness; against the real Datanet, none.
    const lenient = freshCopyWithRegistries(state);
    lenient.setDatanet(2, { ...state.datanets.get(2)!, curators: [1, 3] });
    const w = witnessOn(lenient, stranger);
    const datanet = [...(w.input.regDatanet as string[][])[0]!];
    datanet[4] = "1";
    await refuses(
      { ...w.input, ...real, regDatanet: [datanet], regCurators: [["1", "0", "0", "0"]] } as CircuitInput,
      inRegistrySlot("isCurate * notCurator[3] === 0"),
      withRegistry,
    );
    // Contribution 1 is accepted: a second decision is refused; shown pending it has a witness.
    const again = curate(1, 3, 1, false);
    expect(codeOf(() => witnessOn(freshCopyWithRegistries(state), again))).toBe(ErrorCode.NotPending);
    const pending = freshCopyWithRegistries(state);
    pending.setContribution(1, { ...state.contributions.get(1)!, status: ContributionStatus.Pending });
    const wp = witnessOn(pending, again);
    const fields = [...(wp.input.regContribution as string[][])[0]!];
    fields[7] = String(ContributionStatus.Accepted);
    await refuses(
      { ...wp.input, ...real, regContribution: [fields] } as CircuitInput,
      inRegistrySlot("isCurate * contribution[7] === 0"),
      withRegistry,
    );
  });

  it("refuses a rejection's refund to another account or of another amount", async () => {
    const state = await curated();
    // The rejection in the last account slot: a changed refund changes no later slot's root.
    const txs = [
      sign({ type: TxType.Transfer, from: 3, nonce: 0, fee: 1n, to: 1, amount: 5n }, 2),
      curate(1, 3, 3, false),
    ];
    const rejectIn = (s: RollupState) => buildBatchWitness(s, txs, 1, SHAPE_REG, TEST_BINDING);
    const honest = rejectIn(freshCopyWithRegistries(state));
    await calculateWitness(withRegistry, honest.input as CircuitInput);
    const atLink = refusalAt("RegistryMatch", "batch/registry_match.circom", "link === registryLinks[j]");
    // The refund of 450 shown as 449 in the account slot.
    const amountF40 = [...(honest.input.amountF40 as string[])];
    amountF40[1] = encodeFloat40(449n).toString();
    await refuses({ ...honest.input, amountF40 } as CircuitInput, atLink, withRegistry);
    // Paid to account 3: a state where account 3 owns the contribution has a witness; with the
    // real contribution leaf (owner 2) in the registry slot, none.
    const other = freshCopyWithRegistries(state);
    other.setContribution(3, { ...state.contributions.get(3)!, owner: 3 });
    const w = rejectIn(other);
    expect(w.receipts[1]!.curated).toEqual({ owner: 3, refund: 450n });
    await refuses(
      {
        ...w.input,
        contributionsRoot: state.roots().contributions.toString(),
        regContribution: honest.input.regContribution,
      } as CircuitInput,
      atLink,
      withRegistry,
    );
  });

  it("refuses a contribution to a missing Datanet, below its minimum stake, or with a license it does not admit", async () => {
    const state = await curated();
    const real = { datanetsRoot: state.roots().datanets.toString() };
    const dn = state.datanets.get(2)!;
    const realDatanet = (w: { input: Record<string, unknown> }, k: number, value: string) => {
      const fields = [...(w.input.regDatanet as string[][])[0]!];
      fields[k] = value;
      return { ...w.input, ...real, regDatanet: [fields] } as CircuitInput;
    };
    // CC0 (1) is not admitted: refused; under a policy admitting it, a witness; with the real policy, none.
    const cc0 = withLicense(3, 1);
    expect(codeOf(() => witnessOn(freshCopyWithRegistries(state), cc0))).toBe(ErrorCode.LicenseNotAllowed);
    const anyLicense = freshCopyWithRegistries(state);
    anyLicense.setDatanet(2, { ...dn, licensePolicy: dn.licensePolicy | 2 });
    await refuses(
      realDatanet(witnessOn(anyLicense, cc0), 2, String(dn.licensePolicy)),
      inRegistrySlot("admitted === isContribution"),
      withRegistry,
    );
    // 250 is above the global minimum (100), below the Datanet's (300).
    const low = contribution(2, 3, 250n, 2);
    expect(codeOf(() => witnessOn(freshCopyWithRegistries(state), low))).toBe(ErrorCode.InsufficientStake);
    const cheaper = freshCopyWithRegistries(state);
    cheaper.setDatanet(2, { ...dn, minStake: 200n });
    await refuses(
      realDatanet(witnessOn(cheaper, low), 5, "300"),
      inRegistrySlot("enoughForDatanet.in <=="),
      withRegistry,
    );
    // Datanet 3 does not exist: refused; in a state holding it, a witness; against the real tree, none.
    const missing = contribution(2, 3, 400n, 3);
    expect(codeOf(() => witnessOn(freshCopyWithRegistries(state), missing))).toBe(ErrorCode.UnknownDatanet);
    const more = freshCopyWithRegistries(state);
    more.setDatanet(3, { ...dn, curationMode: CurationMode.Open, curators: [] });
    more.counters = { ...more.counters, datanets: 3 };
    const wm = witnessOn(more, missing);
    await refuses(
      { ...wm.input, ...real } as CircuitInput,
      inRegistrySlot("dUpdate.oldRoot === datanetsIn"),
      withRegistry,
    );
  });
});
