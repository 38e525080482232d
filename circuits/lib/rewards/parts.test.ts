/**
 * The reward circuit's parts through the witness generator, on hand-made inputs: each part's
 * outputs against values worked out by hand from docs/protocol.md section 11.2, and inputs the
 * part must refuse, each refused at the check it targets (`firstFailure`). That a hint cannot
 * be bent past a check is divisions.test.ts's part (constraint level).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { TEST_PARAMS } from "../../../protocol/params.ts";
import { poseidon } from "../../../protocol/poseidon.ts";
import { SparseMerkleTree } from "../../../protocol/smt.ts";
import { packAccountState } from "../../../protocol/state/leaves.ts";
import { trainingDescriptor } from "../../../protocol/tx/fields.ts";
import { type CompiledCircuit, compileCircuit } from "../../tools/artifacts.ts";
import { type CircuitInput, circuitOutputs, firstFailure } from "../../tools/witness.ts";
import { refusalAt } from "../batch/fixtures.ts";

const NAMES = [
  "reward_payment_split",
  "reward_data_credits_3",
  "reward_account_credit_8x2",
  "reward_training_set_5_4x2",
  "reward_inference_ids_3",
] as const;
const circuits = {} as Record<(typeof NAMES)[number], CompiledCircuit>;
beforeAll(async () => {
  for (const name of NAMES) circuits[name] = await compileCircuit(name, { log: () => {} });
}, 300_000);

const U96_MAX = (1n << 96n) - 1n;
const U64_MAX = (1n << 64n) - 1n;

describe("PaymentSplit: prover, protocol, owner, base, pool", () => {
  const split = (payment: bigint, hasBase: number) =>
    circuitOutputs(
      circuits.reward_payment_split,
      { payment, proverBps: 500, protocolBps: 1000, modelBps: 3000, baseModelBps: 2500, hasBase },
      5,
    );

  it("rounds every share down and leaves the bps dust in the pool", async () => {
    // 12345·500/1e4 = 617.25, ·1000 = 1234.5, ·3000 = 3703.5; base 3703·2500/1e4 = 925.75.
    expect(await split(12345n, 1)).toEqual([617n, 1234n, 2778n, 925n, 6791n]);
  });

  it("gives the base share to the owner when the model has no base", async () => {
    expect(await split(12345n, 0)).toEqual([617n, 1234n, 3703n, 0n, 6791n]);
  });

  it("splits exact multiples exactly, and the largest payment without overflow", async () => {
    expect(await split(20000n, 1)).toEqual([1000n, 2000n, 4500n, 1500n, 11000n]);
    const parts = await split(U96_MAX, 1);
    expect(parts.reduce((a, b) => a + b)).toBe(U96_MAX);
    expect(parts[0]).toBe((U96_MAX * 500n) / 10000n);
  });
});

describe("DataCredits(3): pool · s_j / S, the dust apart", () => {
  const credits = (pool: bigint, scores: bigint[]) =>
    circuitOutputs(circuits.reward_data_credits_3, { pool, scores }, 4);

  it("credits in proportion, rounding down, the rest as dust", async () => {
    // 6791·1/7 = 970.14, 6791·2/7 = 1940.29, 6791·4/7 = 3880.57: dust 1.
    expect(await credits(6791n, [1n, 2n, 4n])).toEqual([970n, 1940n, 3880n, 1n]);
    expect(await credits(700n, [1n, 2n, 4n])).toEqual([100n, 200n, 400n, 0n]);
  });

  it("sends the whole pool to the dust when every score is 0 (S = 0)", async () => {
    expect(await credits(6791n, [0n, 0n, 0n])).toEqual([0n, 0n, 0n, 6791n]);
  });

  it("takes the largest pool and scores (S near 2^66)", async () => {
    const share = U96_MAX / 3n;
    expect(await credits(U96_MAX, [U64_MAX, U64_MAX, U64_MAX])).toEqual([
      share,
      share,
      share,
      U96_MAX - 3n * share,
    ]);
    expect(await credits(U96_MAX, [U64_MAX, 0n, 1n])).toEqual([
      (U96_MAX * U64_MAX) / (1n << 64n),
      0n,
      U96_MAX / (1n << 64n),
      U96_MAX - (U96_MAX * U64_MAX) / (1n << 64n) - U96_MAX / (1n << 64n),
    ]);
  });

  it("refuses a score of 2^64", async () => {
    expect(
      await firstFailure(circuits.reward_data_credits_3, { pool: 10n, scores: [1n, 1n << 64n, 0n] }),
    ).toMatch(refusalAt("DataCredits", "rewards/data_credits.circom", "scoreBits[j].in <== scores[j]"));
  });
});

describe("AccountCredit(8,2): a balance increase as an accounts-tree update", () => {
  const shape = TEST_PARAMS.accounts;
  const fields = (balance: bigint) => [11n, 22n, 33n, packAccountState({ balance, nonce: 7, staked: 900n })];
  const zeros = () => Array.from({ length: shape.depth }, () => Array<bigint>(shape.arity - 1).fill(0n));

  /** A tree with accounts 3 (balance `balance`) and 9, and the input crediting account 3. */
  function credit(balance: bigint, amount: bigint) {
    const tree = new SparseMerkleTree(shape);
    tree.set(9n, poseidon([1n, 2n, 3n, 4n]));
    const rootIn = tree.set(3n, poseidon(fields(balance)));
    const input: CircuitInput = {
      rootIn,
      active: 1,
      index: 3,
      amount,
      fields: fields(balance),
      siblings: tree.proof(3n).siblings as bigint[][],
    };
    return { tree, input };
  }

  it("outputs the root with the credited leaf, balance up to 2^96 - 1", async () => {
    for (const [balance, amount] of [
      [1000n, 500n],
      [U96_MAX - 500n, 500n],
      [1000n, 0n],
    ] as const) {
      const { tree, input } = credit(balance, amount);
      const expected = tree.set(3n, poseidon(fields(balance + amount)));
      expect(await circuitOutputs(circuits.reward_account_credit_8x2, input, 1)).toEqual([expected]);
    }
  });

  it("refuses a credit taking the balance to 2^96", async () => {
    const { input } = credit(U96_MAX - 500n, 501n);
    expect(await firstFailure(circuits.reward_account_credit_8x2, input)).toMatch(
      refusalAt(
        "AccountCredit",
        "rewards/account_credit.circom",
        "balanceAfter.in <== unpack.balance + amount",
      ),
    );
  });

  it("refuses a leaf not under rootIn: another root, an empty slot", async () => {
    const at = refusalAt(
      "AccountCredit",
      "rewards/account_credit.circom",
      "active * (update.oldRoot - rootIn)",
    );
    const { input } = credit(1000n, 500n);
    expect(await firstFailure(circuits.reward_account_credit_8x2, { ...input, rootIn: 5n })).toMatch(at);
    const empty = { ...input, index: 4, fields: [0n, 0n, 0n, 0n] };
    expect(await firstFailure(circuits.reward_account_credit_8x2, empty)).toMatch(at);
  });

  it("leaves the root alone when inactive, with all-0 inputs, and refuses an amount there", async () => {
    const idle = {
      rootIn: 1234n,
      active: 0,
      index: 0,
      amount: 0n,
      fields: [0n, 0n, 0n, 0n],
      siblings: zeros(),
    };
    expect(await circuitOutputs(circuits.reward_account_credit_8x2, idle, 1)).toEqual([1234n]);
    expect(await firstFailure(circuits.reward_account_credit_8x2, { ...idle, amount: 1n })).toMatch(
      refusalAt("AccountCredit", "rewards/account_credit.circom", "(1 - active) * amount === 0"),
    );
  });
});

describe("TrainingSet(5, 4, 2): the descriptor from the contribution lanes", () => {
  const config = 0xc0ffeen;
  const run = (ids: number[]) =>
    circuitOutputs(circuits.reward_training_set_5_4x2, { configHash: config, ids }, 6);

  it("is trainingDescriptor of the used lanes (protocol/tx/fields.ts), with their flags", async () => {
    for (const set of [[7], [2, 9], [1, 2, 3, 4], [1, 2, 3, 4, 5], [3, 100, 1000, 65535, 2 ** 32 - 1]]) {
      const ids = [...set, ...Array<number>(5 - set.length).fill(0)];
      const used = ids.map((id) => (id === 0 ? 0n : 1n));
      expect(await run(ids)).toEqual([trainingDescriptor(config, set, TEST_PARAMS), ...used]);
    }
  });

  it("refuses a used lane after an unused one", async () => {
    expect(
      await firstFailure(circuits.reward_training_set_5_4x2, { configHash: config, ids: [1, 0, 3, 0, 0] }),
    ).toMatch(refusalAt("LaneFlags", "rewards/lane_flags.circom", "used[i] * (1 - used[i - 1]) === 0"));
  });
});

describe("InferenceIds(3): used lanes first, strictly increasing, within the epoch", () => {
  const ids = (list: number[], lastInference = 10) => ({ ids: list, lastInference }) satisfies CircuitInput;
  const at = (text: string) => refusalAt("InferenceIds", "rewards/inference_ids.circom", text);

  it("flags the used lanes", async () => {
    expect(await circuitOutputs(circuits.reward_inference_ids_3, ids([3, 5, 10]), 3)).toEqual([1n, 1n, 1n]);
    expect(await circuitOutputs(circuits.reward_inference_ids_3, ids([4, 0, 0]), 3)).toEqual([1n, 0n, 0n]);
    expect(
      await circuitOutputs(circuits.reward_inference_ids_3, ids([1, 2 ** 32 - 1, 0], 2 ** 32 - 1), 3),
    ).toEqual([1n, 1n, 0n]);
  });

  it("refuses no used lane, a repeated or decreasing id, an id past lastInference, a gap", async () => {
    const cases: [number[], RegExp][] = [
      [[0, 0, 0], at("used[0] === 1")],
      [[5, 5, 0], at("increasing[i].in <== used[i] * (ids[i] - ids[i - 1] - 1)")],
      [[5, 4, 0], at("increasing[i].in <== used[i] * (ids[i] - ids[i - 1] - 1)")],
      [[5, 11, 0], at("inEpoch[i].in <== lastInference - ids[i]")],
      [[11, 0, 0], at("inEpoch[i].in <== lastInference - ids[i]")],
      [[3, 0, 4], refusalAt("LaneFlags", "rewards/lane_flags.circom", "used[i] * (1 - used[i - 1]) === 0")],
    ];
    for (const [list, where] of cases) {
      expect([list, await firstFailure(circuits.reward_inference_ids_3, ids(list))]).toEqual([
        list,
        expect.stringMatching(where),
      ]);
    }
  });
});
