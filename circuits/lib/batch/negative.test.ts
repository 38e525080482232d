/**
 * Tampered batch witnesses the circuit must refuse (issue 19, item 8). The witness generator
 * computes every hint honestly and stops at the first failing assert; each case checks that
 * this is the assert it targets, so everything the generator checked before it held. (That
 * hints cannot be bent to pass is the mutation sweep's part, mutation.test.ts.) Cases that
 * change only what the public input covers check that it changes.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type BatchTx, buildBatchWitness, type BatchWitness } from "../../../protocol/batch/witness.ts";
import { SUBGROUP_ORDER } from "../../../protocol/babyjub.ts";
import { addressToField } from "../../../protocol/domain.ts";
import { signMessage, type Signature } from "../../../protocol/eddsa.ts";
import { hashTxFields, trainingSetRoot, txFields } from "../../../protocol/tx/fields.ts";
import { TEST_PARAMS } from "../../../protocol/params.ts";
import { VECTOR_DOMAIN } from "../../../protocol/vectors/twins.ts";
import { poseidon } from "../../../protocol/poseidon.ts";
import { encodeFloat40 } from "../../../protocol/float40.ts";
import { LAST_NONCE } from "../../../protocol/state/apply.ts";
import type { RollupState } from "../../../protocol/state/state.ts";
import { codeOf, TEST_BINDING, TEST_PROVER } from "../../../protocol/testing.ts";
import { ErrorCode } from "../../../protocol/errors.ts";
import { type L2Tx, type SignedTx, TxType } from "../../../protocol/tx/types.ts";
import { type CompiledCircuit, compileCircuit } from "../../tools/artifacts.ts";
import { type CircuitInput, circuitOutputs, firstFailure } from "../../tools/witness.ts";
import {
  deposit,
  forced,
  freshCopyWithRegistries,
  freshState,
  inference,
  keys,
  L1,
  refusalAt,
  registerModel,
  SHAPE_REG,
  SHAPE_WIDE,
  sign,
  slash,
  contribution,
} from "./fixtures.ts";

let circuit: CompiledCircuit;
/** Two withdrawal entries and two registry slots: the cases that need two of them. */
let wide: CompiledCircuit;
beforeAll(async () => {
  circuit = await compileCircuit("batch_8x2_2tx_1reg", { log: () => {} });
  wide = await compileCircuit("batch_8x2_2tx_2wd_2reg", { log: () => {} });
}, 1_800_000);

const slotAt = (text: string) => refusalAt("AccountSlot", "tx/account_slot.circom", text);
const registryAt = (text: string) => refusalAt("RegistrySlot", "tx/registry_slot.circom", text);

/** The witness generator of `on` refuses `input` first at `where`. */
async function refused(input: CircuitInput, where: RegExp, on = circuit): Promise<void> {
  expect(await firstFailure(on, input)).toMatch(where);
}

/** A signature by `key` over transaction fields no valid transaction has (the TypeScript refuses to sign them). */
const signFields = (fields: bigint[], key: number) =>
  signMessage(keys[key]!, hashTxFields(fields, VECTOR_DOMAIN));

const witness = (state: RollupState, txs: BatchTx[], fee = 1, shape = SHAPE_REG): BatchWitness =>
  buildBatchWitness(state, txs, fee, shape, TEST_BINDING);
const wideWitness = (state: RollupState, txs: BatchTx[]) => witness(state, txs, 1, SHAPE_WIDE);

/** `input` with entry `index` of column `name` replaced. */
function set(input: CircuitInput, name: string, index: number, value: unknown): CircuitInput {
  const column = [...(input[name] as unknown[])];
  column[index] = typeof value === "bigint" ? value.toString() : value;
  return { ...input, [name]: column } as CircuitInput;
}

/** `input` with slot 0's signature replaced by `tx`'s (or `signature`). */
function signedAs(input: CircuitInput, tx: SignedTx | Signature): CircuitInput {
  const sig = "signature" in tx ? tx.signature : tx;
  let out = set(input, "r8x", 0, sig.R8.x);
  out = set(out, "r8y", 0, sig.R8.y);
  return set(out, "s", 0, sig.S);
}

/** Accounts 1 and 2 with 10^6 each, contribution 1 and model 1 (fee 50) of account 1, which stakes 5,000. */
function registries(): RollupState {
  const state = freshState();
  witness(state, [deposit(0, 10n ** 6n), deposit(1, 10n ** 6n, 0, 1)]);
  witness(state, [
    sign({ type: TxType.Stake, from: 1, nonce: 0, fee: 0n, amount: 5000n }, 0),
    contribution(2, 0, 150n),
  ]);
  witness(state, [registerModel(1, [1])]);
  return state;
}

const transfer = (p: Partial<L2Tx> = {}) =>
  sign({ type: TxType.Transfer, from: 1, nonce: 2, fee: 1n, to: 2, amount: 10n, ...p } as L2Tx, 0);

describe("transfers", () => {
  it("to the sender itself", async () => {
    const w = witness(registries(), [transfer()]);
    const self = transfer({ to: 1 } as Partial<L2Tx>);
    await refused(
      signedAs(set(w.input as CircuitInput, "b", 0, 1n), self),
      slotAt("(kind.isTransfer + kind.isCurate) * same.out === 0"),
    );
  });

  it("to an empty id: its leaf cannot be opened", async () => {
    const w = witness(registries(), [transfer()]);
    let input = signedAs(set(w.input as CircuitInput, "b", 0, 9n), transfer({ to: 9 } as Partial<L2Tx>));
    for (const name of ["bx", "by", "l1B", "packedB"]) input = set(input, name, 0, 0n);
    await refused(input, slotAt("updateB.oldRoot === updateA.newRoot"));
  });

  it("a fee alone above the balance", async () => {
    const state = registries();
    const w = witness(freshCopyWithRegistries(state), [transfer()]);
    const fee = 2n * 10n ** 6n;
    const input = signedAs(set(w.input as CircuitInput, "feeF40", 0, encodeFloat40(fee)), transfer({ fee }));
    await refused(input, slotAt("afterDebit.in <=="));
  });

  it("at nonce 2^32 - 1, which the TypeScript refuses too", async () => {
    const state = registries();
    state.setAccount(1, { ...state.accounts.get(1)!, nonce: LAST_NONCE - 1 });
    const w = witness(state, [transfer({ nonce: LAST_NONCE - 1 })]);
    // The same slot with the sender's word one nonce further and the transfer signed for it.
    const packed = BigInt((w.input.packedA as string[])[0]!) + (1n << 96n);
    const input = signedAs(
      set(w.input as CircuitInput, "packedA", 0, packed),
      transfer({ nonce: LAST_NONCE }),
    );
    await refused(input, slotAt("nonceHeadroom * (unpackA.nonce - ((1 << 32) - 1)) === isL2"));
  });

  it("a stake that would take the stake to 2^96", async () => {
    const state = registries();
    state.setAccount(1, { ...state.accounts.get(1)!, staked: (1n << 96n) - 100n });
    const stake = (amount: bigint) => sign({ type: TxType.Stake, from: 1, nonce: 2, fee: 0n, amount }, 0);
    const w = witness(state, [stake(99n)]);
    const input = signedAs(set(w.input as CircuitInput, "amountF40", 0, encodeFloat40(100n)), stake(100n));
    await refused(input, slotAt("newStaked.in <=="));
  });
});

describe("canonical records", () => {
  it("nonzero fields in a no-op slot or a queue slot", async () => {
    const w = witness(registries(), [transfer()]);
    const noopAmount = slotAt("(kind.isNoop + isQueue) * amountF40 === 0");
    await refused(set(w.input as CircuitInput, "amountF40", 1, 5n), noopAmount);
    await refused(
      set(w.input as CircuitInput, "feeF40", 1, 5n),
      slotAt("(kind.isNoop + isQueue) * feeF40 === 0"),
    );
    await refused(
      set(w.input as CircuitInput, "b", 1, 2n),
      slotAt("(1 - kind.isTransfer - kind.isCurate) * b === 0"),
    );
    await refused(
      set(w.input as CircuitInput, "recipient", 1, 7n),
      slotAt("(1 - withdrawFlag) * recipient === 0"),
    );
    const payload = [...(w.input.payload as string[][])];
    payload[1] = ["1", "0", "0", "0", "0"];
    await refused({ ...w.input, payload } as CircuitInput, slotAt("payload[k] * (1 - isRegistry) === 0"));
    const d = witness(registries(), [deposit(0, 5n, 1)]);
    await refused(set(d.input as CircuitInput, "amountF40", 0, 5n), noopAmount);
  });

  it("nonzero fields in an unused registry slot", async () => {
    const w = witness(registries(), [transfer()]);
    for (const name of ["regFrom", "regNonce", "regFee", "regAmount"]) {
      await refused(
        set(w.input as CircuitInput, name, 0, 3n),
        registryAt("(1 - used) * (from + nonce + fee + amount) === 0"),
      );
    }
  });
});

describe("deposits", () => {
  it("`existing` flipped either way", async () => {
    // A deposit that credits account 2, shown as one that opens account 3.
    const credit = witness(registries(), [deposit(0, 5n, 2)]);
    let shown = set(credit.input as CircuitInput, "existing", 0, 0n);
    shown = set(shown, "a", 0, 3n);
    await refused(shown, slotAt("updateA.oldRoot === rootIn"));
    // A deposit to the empty id 9 (it opens account 3), shown as a credit of id 9 (leaf A,
    // then left alone, opened at the always-empty index 0).
    const state = registries();
    const empty = state.proof("accounts", 0).siblings.map((level) => level.map(String));
    const open = witness(state, [deposit(0, 5n, 9)]);
    let input = set(open.input as CircuitInput, "existing", 0, 1n);
    input = set(input, "a", 0, 9n);
    input = set(input, "siblingsA", 0, empty);
    await refused(input, slotAt("updateB.oldRoot === updateA.newRoot"));
  });

  it("an account opened at an id other than count + 1", async () => {
    const w = witness(registries(), [deposit(0, 5n, 9)]);
    expect((w.input.a as string[])[0]).toBe("3");
    await refused(
      set(w.input as CircuitInput, "a", 0, 4n),
      slotAt("a * (1 - isL2) === existingId + openedId"),
    );
  });

  it("changed queue words change the queue hash, so the public input", async () => {
    // A stranger's forced withdrawal writes nothing, so every path holds whatever its words
    // say (a deposit's words are its new leaf: changed, the next paths no longer fit).
    const w = witness(registries(), [forced(2, 5n, 0)]);
    expect(await circuitOutputs(circuit, w.input as CircuitInput, 1)).toEqual([w.publicInput]);
    for (const name of ["qW1", "qW2", "qW3", "qAmount"]) {
      const out = await circuitOutputs(circuit, set(w.input as CircuitInput, name, 0, 12345n), 1);
      expect([name, out]).not.toEqual([name, [w.publicInput]]);
    }
  });
});

describe("forced withdrawals and slashes", () => {
  it("a slash hidden by showing its account empty", async () => {
    const w = witness(registries(), [slash(1, 100n)]);
    let input = set(w.input as CircuitInput, "existing", 0, 0n);
    input = set(input, "a", 0, 0n);
    await refused(input, slotAt("updateA.oldRoot === rootIn"));
  });
});

describe("withdrawals and fees", () => {
  const withdraw = sign(
    { type: TxType.Withdraw, from: 2, nonce: 1, fee: 2n, amount: 300n, recipient: L1[1]! },
    1,
  );

  it("WithdrawalsMatch: another recipient posted than the slot's", async () => {
    const w = witness(registries(), [withdraw]);
    await refused(
      set(w.input as CircuitInput, "recipients", 0, addressToField(L1[0]!)),
      refusalAt("WithdrawalsMatch", "batch/withdrawals_match.circom", "picked === slotRecipients[i]"),
    );
    // A recipient posted where no withdrawal happened.
    const none = witness(registries(), [transfer()]);
    await refused(
      set(none.input as CircuitInput, "recipients", 0, addressToField(L1[0]!)),
      refusalAt(
        "WithdrawalsMatch",
        "batch/withdrawals_match.circom",
        "(1 - used[k][NTX]) * recipients[k] === 0",
      ),
    );
  });

  it("WithdrawalsMatch: more withdrawals than entries", async () => {
    // A withdraw and an authorised forced withdrawal: the TypeScript's input for a layout with
    // two entries fits this circuit but for its one recipient, and the second has no entry.
    const state = registries();
    const txs = [withdraw, forced(1, 5n, 0)];
    expect(codeOf(() => witness(freshCopyWithRegistries(state), txs))).toBe(ErrorCode.TreeFull);
    const two = buildBatchWitness(state, txs, 1, { ...SHAPE_REG, withdrawals: 2 }, TEST_BINDING);
    const recipients = (two.input.recipients as string[]).slice(0, 1);
    await refused(
      { ...two.input, recipients } as CircuitInput,
      refusalAt("WithdrawalsMatch", "batch/withdrawals_match.circom", "count === flags[i]"),
    );
  });

  it("the fee recipient shown as absent", async () => {
    const w = witness(registries(), [transfer()], 2);
    await refused(
      { ...w.input, feeRecipientExists: "0" } as CircuitInput,
      refusalAt("FeeCredit", "batch/fee_credit.circom", "update.oldRoot === rootIn"),
    );
  });
});

describe("registry slots", () => {
  it("an inference on model 0", async () => {
    const state = registries();
    const w = witness(state, [inference(2, 1, 60n)]);
    const zero = sign({ ...inference(2, 1, 60n), model: 0 } as L2Tx, 1);
    let input = signedAs(w.input as CircuitInput, zero);
    const payload = [...(w.input.payload as string[][])];
    payload[0] = ["0", ...payload[0]!.slice(1)];
    input = { ...input, payload, regPayload: [payload[0]!] } as CircuitInput;
    await refused(input, registryAt("mUpdate.oldRoot === modelsIn"));
  });

  it("an inference on a model id no model has (2: only model 1 is registered)", async () => {
    const state = registries();
    const before = freshCopyWithRegistries(state);
    const tx = sign({ ...inference(2, 1, 60n), model: 2 } as L2Tx, 1);
    expect(codeOf(() => witness(freshCopyWithRegistries(state), [tx]))).toBe(ErrorCode.UnknownModel);
    const w = witness(state, [inference(2, 1, 60n)]);
    const payload = [...(w.input.payload as string[][])];
    payload[0] = ["2", ...payload[0]!.slice(1)];
    const input = {
      ...signedAs(w.input as CircuitInput, tx),
      payload,
      regPayload: [payload[0]!],
      // The path to index 2, empty: no leaf fields hash to the empty leaf, neither zeros nor
      // model 1's.
      regSiblingsM: [before.proof("models", 2).siblings.map((level) => level.map(String))],
    } as CircuitInput;
    const model1 = (w.input.regModel as string[][])[0]!;
    for (const fields of [model1.map(() => "0"), model1]) {
      await refused(
        { ...input, regModel: [fields] } as CircuitInput,
        registryAt("mUpdate.oldRoot === modelsIn"),
      );
    }
  });

  it("payload, amount or fee differing from the account slot's transaction", async () => {
    const w = witness(registries(), [inference(2, 1, 60n)]);
    const match = refusalAt(
      "RegistryMatch",
      "batch/registry_match.circom",
      "hash === used[j] * registryHashes[j]",
    );
    const payload = [...(w.input.regPayload as string[][])[0]!];
    payload[1] = "99";
    await refused({ ...w.input, regPayload: [payload] } as CircuitInput, match);
    await refused(set(w.input as CircuitInput, "regAmount", 0, 61n), match);
    await refused(set(w.input as CircuitInput, "regFee", 0, 3n), match);
  });

  it("a registry transaction left without its registry slot", async () => {
    // The registry slot shown as a no-op: zero fields, and paths that open index 0.
    const state = registries();
    const before = freshCopyWithRegistries(state);
    const w = witness(state, [inference(2, 1, 60n)]);
    const path = (tree: "contributions" | "models" | "inferences") => [
      before.proof(tree, 0).siblings.map((level) => level.map(String)),
    ];
    const input = {
      ...w.input,
      regType: ["0"],
      regFrom: ["0"],
      regNonce: ["0"],
      regFee: ["0"],
      regAmount: ["0"],
      regPayload: [["0", "0", "0", "0", "0"]],
      regModel: [["0", "0", "0", "0", "0", "0", "0"]],
      regSiblingsC: path("contributions"),
      regSiblingsM: path("models"),
      regSiblingsI: path("inferences"),
    } as CircuitInput;
    await refused(
      input,
      refusalAt("RegistryMatch", "batch/registry_match.circom", "usedTotal === flagTotal"),
    );
  });

  it("a contribution into a full tree", async () => {
    const w = witness(registries(), [contribution(2, 1, 150n)]);
    const counters = [...(w.input.counters as string[])];
    counters[1] = "63";
    await refused(
      { ...w.input, counters } as CircuitInput,
      registryAt("isContribution * (1 - cFull.out) === 0"),
    );
  });

  it("a model whose training max is 0, under a descriptor signed for it", async () => {
    const tx = registerModel(2, [1]);
    const w = witness(registries(), [tx]);
    const root = trainingSetRoot([1], TEST_PARAMS);
    const fields = txFields(tx, TEST_PARAMS);
    fields[5] = poseidon([6n, root, 0n]);
    let input = signedAs(w.input as CircuitInput, signFields(fields, 0));
    const payload = [...(w.input.payload as string[][])];
    payload[0] = [payload[0]![0]!, fields[5].toString(), ...payload[0]!.slice(2)];
    input = {
      ...input,
      payload,
      regPayload: [payload[0]!],
      regTraining: [["6", root.toString(), "0"]],
    } as CircuitInput;
    await refused(input, registryAt("maxFrom1.in <=="));
  });

  it("a model whose inference fee is 2^96 or more, which float40 reaches and the TypeScript refuses", async () => {
    // 10^29 > 2^96 has the float40 form (1, 29): the witness of a fee of 10^28, with the
    // amount, the payload and the signature changed to 10^29.
    const tx = registerModel(2, [1], 0, 1, 10n ** 28n);
    const w = witness(registries(), [tx]);
    const fee = 10n ** 29n;
    const fields = txFields(tx, TEST_PARAMS);
    fields[7] = fee;
    let input = signedAs(
      set(w.input as CircuitInput, "amountF40", 0, encodeFloat40(fee)),
      signFields(fields, 0),
    );
    const payload = [...(w.input.payload as string[][])];
    payload[0] = [...payload[0]!.slice(0, 3), fee.toString(), payload[0]![4]!];
    input = { ...input, payload, regPayload: [payload[0]!], regAmount: [fee.toString()] } as CircuitInput;
    await refused(input, registryAt("paid.in <=="));
  });
});

describe("the public input and the primitives", () => {
  it("changes with the versioned hash and the prover", async () => {
    const w = witness(registries(), [transfer()]);
    const vh = [...(w.input.versionedHash as string[])];
    vh[1] = (BigInt(vh[1]!) ^ 1n).toString();
    expect(await circuitOutputs(circuit, { ...w.input, versionedHash: vh } as CircuitInput, 1)).not.toEqual([
      w.publicInput,
    ]);
    expect(
      await circuitOutputs(
        circuit,
        { ...w.input, prover: addressToField(L1[0]!).toString() } as CircuitInput,
        1,
      ),
    ).not.toEqual([w.publicInput]);
    expect(w.input.prover).toBe(addressToField(TEST_PROVER).toString());
  });

  it("float40 is not canonical: another encoding of the same amount is accepted, and it changes the public input", async () => {
    const w = witness(registries(), [transfer({ amount: 100n })]);
    // 100 = 1·10^2 (the encoder's choice) = 10·10^1 = 100·10^0.
    expect(encodeFloat40(100n)).toBe((2n << 35n) | 1n);
    const alternative = set(w.input as CircuitInput, "amountF40", 0, (1n << 35n) | 10n);
    expect(await firstFailure(circuit, alternative)).toBeUndefined();
    expect(await circuitOutputs(circuit, alternative, 1)).not.toEqual([w.publicInput]);
  });

  it("EdDSA: a signature with S + l", async () => {
    const tx = transfer();
    const w = witness(registries(), [tx]);
    await refused(
      set(w.input as CircuitInput, "s", 0, tx.signature.S + SUBGROUP_ORDER),
      /Error in template EdDSAPoseidonVerifier_\d+ line: \d+/,
    );
  });

  it("MerkleUpdate: a sibling changed", async () => {
    const w = witness(registries(), [transfer()]);
    const siblings = JSON.parse(JSON.stringify(w.input.siblingsA)) as string[][][];
    siblings[0]![1]![3] = "7";
    await refused({ ...w.input, siblingsA: siblings } as CircuitInput, slotAt("updateA.oldRoot === rootIn"));
  });
});

describe("two withdrawal entries and two registry slots (batch_8x2_2tx_2wd_2reg)", () => {
  const withdraw = (from: number, nonce: number, recipient: number, amount: bigint) =>
    sign({ type: TxType.Withdraw, from, nonce, fee: 2n, amount, recipient: L1[recipient]! }, from - 1);
  const withdrawalsAt = (text: string) =>
    refusalAt("WithdrawalsMatch", "batch/withdrawals_match.circom", text);
  const registryMatchAt = (text: string) => refusalAt("RegistryMatch", "batch/registry_match.circom", text);
  const column = <T>(input: BatchWitness["input"], name: string) => input[name] as T[];

  it("holds the TypeScript's witnesses: the cases below start from them", async () => {
    for (const txs of [
      [withdraw(1, 2, 0, 300n), withdraw(2, 1, 1, 400n)],
      [contribution(1, 2, 150n), inference(2, 1, 60n)],
    ]) {
      const w = wideWitness(registries(), txs);
      expect(await circuitOutputs(wide, w.input as CircuitInput, 1)).toEqual([w.publicInput]);
    }
  });

  it("WithdrawalsMatch: the withdrawals posted in another order", async () => {
    const w = wideWitness(registries(), [withdraw(1, 2, 0, 300n), withdraw(2, 1, 1, 400n)]);
    const recipients = column<string>(w.input, "recipients");
    expect(recipients.every((r) => r !== "0")).toBe(true);
    const swapped = { ...w.input, recipients: [...recipients].reverse() } as CircuitInput;
    await refused(swapped, withdrawalsAt("picked === slotRecipients[i]"), wide);
    // One withdrawal, posted in the second entry instead of the first.
    const one = wideWitness(registries(), [withdraw(2, 1, 1, 400n), transfer()]);
    const [first, second] = column<string>(one.input, "recipients");
    expect(second).toBe("0");
    const moved = { ...one.input, recipients: ["0", first!] } as CircuitInput;
    await refused(moved, withdrawalsAt("picked === slotRecipients[i]"), wide);
  });

  it("registry slots in another order than their account slots", async () => {
    // A contribution and an inference write disjoint trees, so the swapped order reaches the
    // same state and only the order check is left; two inferences swapped take each other's
    // inference ids. The registry side is the TypeScript's for the swapped order.
    for (const [a, b] of [
      [contribution(1, 2, 150n), inference(2, 1, 60n)],
      [inference(1, 2, 60n), inference(2, 1, 70n)],
    ]) {
      const state = registries();
      const swapped = wideWitness(freshCopyWithRegistries(state), [b!, a!]);
      const w = wideWitness(state, [a!, b!]);
      const registrySide = Object.fromEntries(
        Object.entries(swapped.input).filter(([name]) => name.startsWith("reg")),
      );
      expect(column<string>(w.input, "regSlot")).toEqual(["0", "1"]);
      await refused(
        { ...w.input, ...registrySide, regSlot: ["1", "0"] } as CircuitInput,
        registryMatchAt("used[j] * (1 - increasing[j].out) === 0"),
        wide,
      );
    }
  });

  it("a used registry slot after an unused one", async () => {
    const state = registries();
    const before = freshCopyWithRegistries(state);
    const w = wideWitness(state, [inference(2, 1, 60n), transfer()]);
    // The no-op first, opening index 0 of the trees before the batch; the inference second.
    const path = (tree: "contributions" | "models" | "inferences") =>
      before.proof(tree, 0).siblings.map((level) => level.map(String));
    const paths: Record<string, unknown> = {
      regSiblingsC: path("contributions"),
      regSiblingsM: path("models"),
      regSiblingsI: path("inferences"),
    };
    const input = Object.fromEntries(
      Object.entries(w.input).map(([name, value]) => {
        if (!name.startsWith("reg")) return [name, value];
        const [used, unused] = value as unknown[];
        return [name, [paths[name] ?? unused, used]];
      }),
    ) as CircuitInput;
    expect(input.regSlot).toEqual(["0", "0"]);
    await refused(input, registryMatchAt("used[j] * (1 - used[j - 1]) === 0"), wide);
  });
});
