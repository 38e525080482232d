import { rm, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { derivePublicKey } from "../../protocol/eddsa.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { modelHash } from "../../protocol/provenance/model-hash.ts";
import { OPEN_DATANET, rejectionCode } from "../../protocol/testing.ts";
import { checkpointCommitment } from "../../prover/attribution/commitment.ts";
import { modelContext } from "../../prover/attribution/context.ts";
import { type Dataset, splitBySizes } from "../../prover/datasets/dataset.ts";
import { loadIris } from "../../prover/datasets/iris.ts";
import { decodeMlp } from "../../prover/models/onnx.ts";
import type { TrainProgress } from "../../prover/models/train.ts";
import { trainingConfigHash } from "../../prover/training/config.ts";
import {
  type LoadProgress,
  loadTrainingSet,
  trainAndRegister,
  trainFromStore,
} from "../../prover/training/store-training.ts";
import { contributeRows } from "../../prover/training/testing.ts";
import { trainArtifact } from "../../prover/training/train.ts";
import { OpenLedgerProvider, RpcCallError } from "../../sdk/provider.ts";
import { L2Wallet } from "../../sdk/wallet.ts";
import { type SequencerNode, startNode } from "../../sequencer/node.ts";
import { depositParam, rpc, tempDir, testKey, testNodeConfig } from "../../sequencer/testing.ts";
import { StoreClient } from "../../store/client.ts";
import { fetchModel } from "../../store/fetch-content.ts";
import { StoreKey } from "../../store/identity.ts";
import { type RunningStore, startStore } from "../../store/server.ts";

/**
 * Training from the store against a real sequencer (temp LevelDB) and a real store server
 * (temp dir): iris rows contributed by alice, a model trained and registered by bob, read back
 * by carol, a prover bob named as a reader of the model but whom alice granted no rows.
 */
const ALICE = 1;
const BOB = 2;
const CAROL = 3;
const SMALL = { hidden: [8, 4], epochs: 2, batchSize: 8, seed: "test/train-from-store" };

let dir: string;
let node: SequencerNode;
let store: RunningStore;
let provider: OpenLedgerProvider;
const stores: StoreClient[] = [];
let alice: L2Wallet;
let bob: L2Wallet;
let aliceStore: StoreClient;
let bobStore: StoreClient;
let carolStore: StoreClient;
let parts: Dataset[];
const chain = () => ({ provider, params: TEST_PARAMS });
const blobOf = new Map<number, string>();

const wallet = (key: number, account: number) =>
  new L2Wallet(
    { privateKey: testKey(key), publicKey: derivePublicKey(testKey(key)) },
    account,
    provider,
    DEV_DOMAIN,
    TEST_PARAMS,
  );

const client = (key: number) => {
  const c = new StoreClient(store.url, new StoreKey(testKey(key)));
  stores.push(c);
  return c;
};

/** Alice contributes `declared` (see contributeRows) and grants bob. */
async function contribute(
  datanet: number,
  declared: Dataset,
  o: { stored?: Dataset; rowCount?: number } = {},
) {
  const { id, blobId } = await contributeRows(alice, aliceStore, datanet, declared, {
    ...o,
    reader: bobStore.key.identity,
  });
  blobOf.set(id, blobId);
  return id;
}

beforeAll(async () => {
  dir = tempDir("train");
  node = await startNode(
    testNodeConfig(join(dir, "chain"), { domain: DEV_DOMAIN }),
    pino({ level: "silent" }),
  );
  store = await startStore({ dataDir: join(dir, "store"), port: 0 });
  provider = new OpenLedgerProvider(`${node.url}/rpc`);
  for (const [i, key] of [ALICE, BOB].entries()) {
    expect(
      (await rpc(node.url, "ol_submitDeposit", [depositParam(i, key, 10n ** 6n)])).error,
    ).toBeUndefined();
  }
  alice = wallet(ALICE, 1);
  bob = wallet(BOB, 2);
  await bob.stake(1000n);
  aliceStore = client(ALICE);
  bobStore = client(BOB);
  carolStore = client(CAROL);
  parts = splitBySizes(loadIris(), [45, 45, 40, 20], "test/train-from-store");
  // Contributions 1 and 2 (Datanet 1) train a model, 3 (Datanet 2) fine-tunes it.
  for (let d = 0; d < 2; d++) await alice.createDatanet(OPEN_DATANET);
  await contribute(1, parts[0]!);
  await contribute(1, parts[1]!);
  await contribute(2, parts[2]!);
});

afterAll(async () => {
  for (const c of stores) c.close();
  await store?.stop();
  await node?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("training from the store", () => {
  it("trains on the contributions' rows and registers the model its bytes hash to", async () => {
    const loads: LoadProgress[] = [];
    const steps: TrainProgress[] = [];
    const { artifact, blob, model } = await trainAndRegister(bob, bobStore, {
      contributions: [1, 2],
      ...SMALL,
      inferenceFee: 5n,
      readers: [{ identity: carolStore.key.identity, role: "prover" }],
      onLoad: (p) => loads.push(p),
      onTrain: (p) => steps.push(p),
    });
    expect(model).toBe(1);
    expect(loads.map((p) => [p.contribution, p.rows, p.totalRows])).toEqual([
      [1, 45, 90],
      [2, 90, 90],
    ]);
    expect(steps.at(-1)).toEqual({
      epoch: 1,
      epochs: 2,
      step: steps.at(-1)!.steps,
      steps: steps.at(-1)!.steps,
    });

    const record = (await provider.getModel(1))!;
    expect(BigInt(record.modelHash)).toBe(modelHash(artifact.bytes));
    expect(record).toMatchObject({ owner: 2, baseModel: 0, contributions: [1, 2], inferenceFee: "5" });
    expect(BigInt(record.trainingConfigHash!)).toBe(trainingConfigHash(artifact.config));
    expect(blob).toMatchObject({ kind: "model", contentHash: record.modelHash });

    // Carol, named as a reader, gets the very bytes back, checked against the record.
    const fetched = await fetchModel(carolStore, BigInt(record.modelHash));
    expect(fetched.bytes).toEqual(artifact.bytes);

    // A prover rebuilds the training set from L2 and the store alone, and the engine
    // recomputes the checkpoint commitment the record holds from the rows fetched again.
    const set = await loadTrainingSet(chain(), client(BOB), 1);
    expect(set.mismatches).toEqual([]);
    expect(set.rows.contributions).toEqual([1n, 2n]);
    expect(set.rows.x).toEqual(artifact.rows.x);
    expect(set.rows.y).toEqual(artifact.rows.y);
    expect(checkpointCommitment(modelContext(set.bytes, set.rows), TEST_PARAMS.trainingSet).root).toBe(
      BigInt(record.checkpointCommitment),
    );
    // The bytes carry their configuration, and it retrains them bit for bit.
    expect(set.config).toEqual(artifact.config);
    expect(trainArtifact(set.rows, set.config!, TEST_PARAMS).bytes).toEqual(set.bytes);
  });

  it("fine-tunes a registered model on new contributions, registered with its base", async () => {
    const base = (await provider.getModel(1))!;
    const { artifact, model } = await trainAndRegister(bob, bobStore, {
      contributions: [3],
      base: 1,
      epochs: 2,
      seed: SMALL.seed,
      inferenceFee: 7n,
    });
    expect(model).toBe(2);
    const record = (await provider.getModel(2))!;
    expect(record).toMatchObject({ owner: 2, baseModel: 1, contributions: [3] });
    expect(record.modelHash).not.toBe(base.modelHash);
    expect(artifact.config).toMatchObject({
      base: BigInt(base.modelHash),
      hidden: SMALL.hidden,
      batchSize: 8,
    });
    const shape = (bytes: Uint8Array) => decodeMlp(bytes).layers.map((l) => [l.inDim, l.outDim]);
    const set = await loadTrainingSet(chain(), bobStore, 2);
    expect(set.mismatches).toEqual([]);
    const baseBytes = (await fetchModel(bobStore, BigInt(base.modelHash))).bytes;
    expect(shape(set.bytes)).toEqual(shape(baseBytes));
    // The warm start matters: the same rows and configuration from scratch give other weights.
    const scratch = trainArtifact(set.rows, { ...set.config!, base: 0n }, TEST_PARAMS);
    expect(decodeMlp(scratch.bytes).layers[0]!.w).not.toEqual(decodeMlp(set.bytes).layers[0]!.w);
    expect(trainArtifact(set.rows, set.config!, TEST_PARAMS, { base: baseBytes }).bytes).toEqual(set.bytes);
  });

  it("refuses, before training, rows that were tampered with or do not give the recorded contentRoot", async () => {
    const tampered = await contribute(1, parts[3]!);
    const path = store.backend.blobPath(blobOf.get(tampered)!);
    const bytes = await readFile(path);
    bytes[bytes.length - 20]! ^= 1;
    await writeFile(path, bytes);
    // Indexed under the row hashes of one set of rows, holding another.
    const ten = { ...parts[3]!, x: parts[3]!.x.slice(0, 40), y: parts[3]!.y.slice(0, 10) };
    const lying = await contribute(1, ten, { stored: parts[2]! });
    // Rows of their own: L2 refuses a contentRoot registered twice.
    const last = { ...parts[3]!, x: parts[3]!.x.slice(40, 80), y: parts[3]!.y.slice(10, 20) };
    const miscounted = await contribute(1, last, { rowCount: 11 });
    let trained = 0;
    const attempt = (id: number) =>
      trainFromStore(chain(), bobStore, { contributions: [1, id], ...SMALL, onTrain: () => trained++ });
    expect(await rejectionCode(attempt(tampered))).toBe("BLOB_CORRUPT");
    expect(await rejectionCode(attempt(lying))).toBe("CONTENT_ROOT_MISMATCH");
    await expect(attempt(miscounted)).rejects.toThrow(
      /contribution \d+ records 11 rows, its stored rows are 10/,
    );
    expect(trained).toBe(0);
    expect(await provider.getModel(3)).toBeNull();
  });

  it("fails with a clear error without a grant on the rows", async () => {
    const err = await trainFromStore(chain(), carolStore, { contributions: [1, 2], ...SMALL }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: "NOT_FOUND" });
    expect((err as Error).message).toMatch(
      /^contribution 1: no rows blob with contentRoot 0x[0-9a-f]{64} that key [0-9a-f]{64} may read: not stored, or not granted to it$/,
    );
  });

  it("lists a Datanet's contributions (ol_listContributions)", async () => {
    const ids = async (f: object) => (await provider.listContributions(f)).map((c) => c.id);
    expect(await ids({ datanet: 2 })).toEqual([3]);
    expect(await ids({ datanet: 1 })).toEqual([1, 2, 4, 5, 6]);
    expect(await ids({ datanet: 1, offset: 2, limit: 2 })).toEqual([4, 5]);
    expect(await ids({ offset: 4 })).toEqual([5, 6]);
    const err = await provider.listContributions({ datanet: -1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcCallError);
    expect((err as RpcCallError).code).toBe(-32602);
  });
});
