/**
 * Batches for the batch circuit's tests: keys, L1 addresses, queue operations numbered in L1
 * order, signed transactions and states built through protocol/state, shared by the twin tests
 * (batch.test.ts) and the constraint-level ones (mutation.test.ts).
 */
import { readFileSync } from "node:fs";
import { derivePublicKey } from "../../../protocol/eddsa.ts";
import { ErrorCode, OpenLedgerError } from "../../../protocol/errors.ts";
import { TEST_PARAMS } from "../../../protocol/params.ts";
import { RollupState } from "../../../protocol/state/state.ts";
import { TEST_GOVERNANCE } from "../../../protocol/testing.ts";
import { signTx } from "../../../protocol/tx/sign.ts";
import type { Datanet } from "../../../protocol/state/leaves.ts";
import {
  CurationMode,
  type Deposit,
  type ForcedWithdrawal,
  type L2Tx,
  type SetParameter,
  type SignedTx,
  type Slash,
  TxType,
} from "../../../protocol/tx/types.ts";
import { VECTOR_DOMAIN } from "../../../protocol/vectors/twins.ts";

/** `batch_8x2_2tx`: two account slots, one withdrawal entry. */
export const SHAPE = { slots: 2, withdrawals: 1 };
/** `batch_8x2_2tx_1reg`: the same and one registry slot. */
export const SHAPE_REG = { slots: 2, withdrawals: 1, registrySlots: 1 };
/** `batch_8x2_2tx_2wd_2reg`: two of each, for the order of withdrawals and of registry slots. */
export const SHAPE_WIDE = { slots: 2, withdrawals: 2, registrySlots: 2 };

export const keys = [1, 2, 3, 4].map((s) =>
  Uint8Array.from({ length: 32 }, (_, i) => (s * 29 + i * 7) & 0xff),
);
export const L1 = [
  "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
];

/** The next L1 queue index; `freshState` resets it, a test that drops an operation steps it back. */
export const queue = { next: 0n };

export function deposit(key: number, amount: bigint, to = 0, sender = 0): Deposit {
  return {
    type: TxType.Deposit,
    queueIndex: queue.next++,
    l1Sender: L1[sender]!,
    to,
    publicKey: derivePublicKey(keys[key]!),
    amount,
  };
}
export const forced = (account: number, amount: bigint, sender = 0): ForcedWithdrawal => ({
  type: TxType.ForcedWithdrawal,
  queueIndex: queue.next++,
  l1Sender: L1[sender]!,
  account,
  amount,
});
export const slash = (account: number, amount: bigint): Slash => ({
  type: TxType.Slash,
  queueIndex: queue.next++,
  account,
  amount,
});
export const setParam = (paramId: number, value: bigint): SetParameter => ({
  type: TxType.SetParameter,
  queueIndex: queue.next++,
  paramId,
  value,
});
/** The reward split word of a set-parameter order (id 0): five 16-bit fields. */
export const split = (...bps: number[]) => bps.reduce((w, b, k) => w + (BigInt(b) << BigInt(16 * k)), 0n);
export const sign = <T extends L2Tx>(tx: T, key: number): SignedTx<T> =>
  signTx(tx, keys[key]!, VECTOR_DOMAIN, TEST_PARAMS);

/**
 * Datanet 1 of every fresh state: open, admitting CC-BY-4.0 (license 2), no minimum stake of
 * its own, so that tests of other types can register contributions; creating and curating
 * Datanets have their own twin tests, which create theirs from id 2.
 */
export const DATANET_1: Datanet = {
  owner: 1,
  metadataHash: 1n,
  licensePolicy: 1 << 2,
  curationMode: CurationMode.Open,
  curators: [],
  minStake: 0n,
};

export function freshState(): RollupState {
  queue.next = 0n;
  const state = new RollupState(
    { domain: VECTOR_DOMAIN, params: TEST_PARAMS, governance: TEST_GOVERNANCE },
    { witness: true },
  );
  state.setDatanet(1, DATANET_1);
  state.counters = { ...state.counters, datanets: 1 };
  return state;
}

/** An independent copy of `state`, replayed, so that a refused batch leaves the original as it was. */
export function freshCopy(state: RollupState): RollupState {
  const copy = new RollupState(
    { domain: state.domain, params: state.params, governance: state.governance },
    { witness: true },
  );
  for (const [id, a] of state.accounts) copy.setAccount(id, a);
  for (const [id, d] of state.datanets) copy.setDatanet(id, d);
  copy.counters = state.counters;
  copy.queue = state.queue;
  return copy;
}

/** freshCopy, with the registries too. */
export function freshCopyWithRegistries(state: RollupState): RollupState {
  const copy = freshCopy(state);
  for (const [id, c] of state.contributions) copy.setContribution(id, c);
  for (const [id, m] of state.models) copy.setModel(id, m, state.trainingSets.get(id));
  for (const [id, r] of state.inferences) copy.setInference(id, r);
  copy.counters = state.counters;
  return copy;
}

/** A contribution to `datanet` (Datanet 1 by default), its contentRoot unique per sender and nonce. */
export const contribution = (from: number, nonce: number, stake: bigint, datanet = 1) =>
  sign(
    {
      type: TxType.RegisterContribution,
      from,
      nonce,
      fee: 3n,
      datanet,
      contentRoot: 77n + BigInt(from * 1000 + nonce),
      rowCount: 120,
      license: 2,
      uriCommitment: 88n,
      stake,
    },
    from - 1,
  );

export const inference = (from: number, nonce: number, payment: bigint) =>
  sign(
    {
      type: TxType.Inference,
      from,
      nonce,
      fee: 2n,
      model: 1,
      inputHash: 11n,
      outputHash: 12n,
      featureCommitment: 13n,
      payment,
    },
    from - 1,
  );

export const registerModel = (
  nonce: number,
  contributions: number[],
  baseModel = 0,
  from = 1,
  inferenceFee = 50n,
) =>
  sign(
    {
      type: TxType.RegisterModel,
      from,
      nonce,
      fee: 4n,
      modelHash: 5n + BigInt(nonce),
      trainingConfigHash: 6n,
      contributions,
      checkpointCommitment: 7n,
      inferenceFee,
      baseModel,
    },
    from - 1,
  );

/**
 * The witness generator's message for an assert that fails on the line of `file` (under
 * circuits/lib) holding `text`: "Error in template <template>_<n> line: <line>".
 */
export function refusalAt(template: string, file: string, text: string): RegExp {
  const source = readFileSync(new URL(`../${file}`, import.meta.url), "utf8");
  const line = source.split("\n").findIndex((l) => l.includes(text)) + 1;
  if (line === 0) throw new OpenLedgerError(ErrorCode.InvalidField, `no line of ${file} holds ${text}`);
  return new RegExp(`Error in template ${template}_\\d+ line: ${line}$`, "m");
}
