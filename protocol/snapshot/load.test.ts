import { describe, expect, it } from "vitest";
import { derivePublicKey } from "../eddsa.ts";
import { ErrorCode } from "../errors.ts";
import { DEV_DOMAIN } from "../genesis.ts";
import { TEST_PARAMS } from "../params.ts";
import { OPEN_DATANET, TEST_GOVERNANCE } from "../testing.ts";
import { replayBatch } from "../state/replay.ts";
import { RollupState } from "../state/state.ts";
import { TxType } from "../tx/types.ts";
import { type SnapshotRecord, snapshotHeader, stateRecords } from "./format.ts";
import { decodeFrames, encodeFrame, snapshotChunks } from "./frames.ts";
import { loadSnapshot } from "./load.ts";

/** Three accounts opened by deposits and a Datanet: two registries, so the order between them counts. */
function smallState(): RollupState {
  const state = new RollupState({ domain: DEV_DOMAIN, params: TEST_PARAMS, governance: TEST_GOVERNANCE });
  const deposits = [0, 1, 2].map((i) => ({
    type: TxType.Deposit,
    queueIndex: BigInt(i),
    l1Sender: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    to: 0,
    publicKey: derivePublicKey(Uint8Array.from({ length: 32 }, (_, k) => k + i + 1)),
    amount: 1000n * BigInt(i + 1),
  }));
  replayBatch(state, deposits, 0);
  state.setDatanet(1, { owner: 1, ...OPEN_DATANET });
  state.counters = { ...state.counters, datanets: 1 };
  return state;
}

async function* chunks(values: unknown[]) {
  for (const v of values) yield encodeFrame(v);
}

describe("snapshot frames and their loader", () => {
  const state = smallState();
  const header = snapshotHeader(state, 7, 0n, []);
  const records = [...stateRecords(state)];
  const trailer = { end: header.format, records: records.length };
  const load = (values: unknown[]) => loadSnapshot(decodeFrames(chunks(values)));

  it("round-trips a state through its frames to the same root, one chunk at a time or one byte at a time", async () => {
    const bytes: Buffer[] = [];
    for await (const c of snapshotChunks(header, stateRecords(state))) bytes.push(c);
    const all = Buffer.concat(bytes);
    async function* byteByByte() {
      for (const b of all) yield Uint8Array.of(b);
    }
    const seen: number[] = [];
    const loaded = await loadSnapshot(decodeFrames(byteByByte()), { progress: (n) => seen.push(n) });
    expect(loaded.state.root()).toBe(state.root());
    expect(loaded.header.entry).toBe(7);
    expect(loaded.state.datanets.get(1)).toEqual(state.datanets.get(1));
    expect(seen.at(-1)).toBe(4);
  });

  it("refuses records out of order, beyond their counter, a registry left short, and frames after the trailer", async () => {
    const [a1, a2, a3, d1] = records as [SnapshotRecord, SnapshotRecord, SnapshotRecord, SnapshotRecord];
    await expect(load([header, a2, a1, a3, d1, trailer])).rejects.toMatchObject({
      code: ErrorCode.SnapshotInvalid,
      message: "accounts record 1 is missing: the header counts 3 accounts, and a snapshot holds every one",
    });
    await expect(load([header, a1, a2, a3, d1, a3, trailer])).rejects.toMatchObject({
      code: ErrorCode.SnapshotInvalid,
      message: expect.stringMatching(/accounts record 3 is out of the canonical order/),
    });
    await expect(load([header, a1, a2, d1, trailer])).rejects.toMatchObject({
      message: "accounts record 3 is missing: the header counts 3 accounts, and a snapshot holds every one",
    });
    await expect(load([header, a1, a2, a3, { ...a3, id: 4 }, d1, trailer])).rejects.toMatchObject({
      message: "accounts record 4 is beyond the header's count of 3",
    });
    await expect(load([header, ...records, trailer, trailer])).rejects.toMatchObject({
      message: "frames follow the trailer",
    });
    await expect(load([header, ...records])).rejects.toMatchObject({
      message: "the stream ends after 4 of 4 records, without its trailer: it was cut",
    });
    await expect(load([{ ...header, format: "openledger.state.v1" }])).rejects.toMatchObject({
      code: ErrorCode.SnapshotInvalid,
      message: expect.stringMatching(/is not a openledger.snapshot.v1 header/),
    });
    await expect(load([{ ...header, counters: undefined }])).rejects.toMatchObject({
      message: "the snapshot header's counters is missing or malformed",
    });
  });
});
