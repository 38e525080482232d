import { describe, expect, it } from "vitest";
import { derivePublicKey } from "../eddsa.ts";
import { ErrorCode } from "../errors.ts";
import { DEV_DOMAIN } from "../genesis.ts";
import { TEST_PARAMS } from "../params.ts";
import { RollupState } from "../state/state.ts";
import { codeOf, EVERY_L2_TYPE, TEST_GOVERNANCE, TEST_L1_ADDRESS } from "../testing.ts";
import { type QueueOp, type SignedTx, TxType } from "../tx/types.ts";
import { BatchBuilder } from "./builder.ts";
import { decodeBatchLayout } from "./layout.ts";
import { replayBatchData } from "./replay-data.ts";

const SHAPE = { slots: 16, withdrawals: 2, registrySlots: 8 };
const genesis = () =>
  new RollupState({ domain: DEV_DOMAIN, params: TEST_PARAMS, governance: TEST_GOVERNANCE });

/** Three deposits opening accounts 1 to 3, then one transaction of every L2 type, sealed into batch data. */
function sealed() {
  const deposits: QueueOp[] = [0, 1, 2].map((i) => ({
    type: TxType.Deposit,
    queueIndex: BigInt(i),
    l1Sender: TEST_L1_ADDRESS,
    to: 0,
    publicKey: derivePublicKey(Uint8Array.from({ length: 32 }, (_, j) => i + j + 1)),
    amount: 10n ** 6n,
  }));
  const state = genesis();
  const builder = new BatchBuilder(state, SHAPE, 3);
  for (const d of deposits) builder.add(d);
  // Signatures are not what this test is about: the batch data carries none.
  for (const tx of EVERY_L2_TYPE)
    builder.add({ ...tx, signature: { R8: { x: 0n, y: 1n }, S: 0n } } as SignedTx, {
      signatureChecked: true,
    });
  const { data } = builder.close();
  return { state, data, deposits };
}

const training = { trainingConfigHash: 6n, contributions: [1] };

describe("replaying a batch from its posted data alone", () => {
  it("reads the layout back and replays every type to the sealed state's root", () => {
    const { state, data, deposits } = sealed();
    const decoded = decodeBatchLayout(SHAPE, data);
    expect(decoded.feeRecipient).toBe(3);
    expect(decoded.records.map((r) => r.type)).toEqual([...deposits, ...EVERY_L2_TYPE].map((t) => t.type));
    expect(decoded.registryRecords.map((r) => r.type)).toEqual([
      TxType.CreateDatanet,
      TxType.RegisterContribution,
      TxType.Curate,
      TxType.RegisterModel,
      TxType.Inference,
    ]);
    const replayed = genesis();
    const descriptor = state.models.get(1)!.trainingDescriptor;
    const built = replayBatchData(replayed, SHAPE, data, deposits, (d) =>
      d === descriptor ? training : undefined,
    );
    expect(built.withdrawals).toEqual([{ recipient: TEST_L1_ADDRESS.toLowerCase(), amount: 300n }]);
    expect(replayed.root()).toBe(state.root());
    expect(replayed.trainingSets.get(1)).toEqual(training);
  });

  it("refuses what the data does not carry or does not match: queue operations, training lists, the layout", () => {
    const { data, deposits } = sealed();
    const some = () => training;
    expect(codeOf(() => replayBatchData(genesis(), SHAPE, data, deposits.slice(0, 2), some))).toBe(
      ErrorCode.QueueOrder,
    );
    expect(
      codeOf(() =>
        replayBatchData(genesis(), SHAPE, data, [...deposits, { ...deposits[0]!, queueIndex: 3n }], some),
      ),
    ).toBe(ErrorCode.QueueOrder);
    expect(codeOf(() => replayBatchData(genesis(), SHAPE, data, deposits, () => undefined))).toBe(
      ErrorCode.UnknownModel,
    );
    // Another list than the one the model leaf's descriptor hashes: the data does not come out again.
    const other = { trainingConfigHash: 7n, contributions: [1] };
    expect(() => replayBatchData(genesis(), SHAPE, data, deposits, () => other)).toThrow(
      /does not encode to the posted data/,
    );
    expect(codeOf(() => replayBatchData(genesis(), { ...SHAPE, slots: 8 }, data, deposits, some))).toBe(
      ErrorCode.InvalidEncoding,
    );
  });
});
