import { rm } from "node:fs/promises";
import type { Contract, HDNodeWallet } from "ethers";
import { pino, type Logger } from "pino";
import { derivePublicKey } from "../protocol/eddsa.ts";
import { OPEN_DATANET } from "../protocol/testing.ts";
import { fieldToHex } from "../protocol/field.ts";
import { DEV_DOMAIN } from "../protocol/genesis.ts";
import type { ProtocolParams } from "../protocol/params.ts";
import { modelHash } from "../protocol/provenance/model-hash.ts";
import { splitBySizes } from "../prover/datasets/dataset.ts";
import { loadIris } from "../prover/datasets/iris.ts";
import { trainModel } from "../prover/models/pipeline.ts";
import { DEFAULT_TRAIN } from "../prover/models/train.ts";
import { OpenLedgerProvider } from "../sdk/provider.ts";
import { L2Wallet } from "../sdk/wallet.ts";
import { type SequencerNode, startNode } from "../sequencer/node.ts";
import { depositParam, rpc, tempDir, testKey, testNodeConfig } from "../sequencer/testing.ts";
import { StoreClient } from "../store/client.ts";
import { StoreKey } from "../store/identity.ts";
import { type RunningStore, startStore } from "../store/server.ts";
import { terminateSnarkjsCurve } from "../circuits/runtime/snarkjs-curve.ts";
import { InferenceOperatorList } from "../contracts/client/inference-operators.ts";
import { deploySystem, prepareArtifacts, type System } from "../contracts/test/fixture.ts";
import { textRoot, tokenStream } from "../protocol/text/text-root.ts";
import { StoreError, StoreErrorCode } from "../store/errors.ts";
import { type FetchDocuments, trainTextAndRegister } from "../prover/training/text-store-training.ts";
import { InferenceClient } from "./client.ts";
import { type InferenceServiceOptions, type RunningInferenceNode, startInferenceService } from "./service.ts";

/**
 * A real rig for the inference node's tests and benchmark: a sequencer (LevelDB in a temp
 * folder), a store, an iris MLP trained here, stored for the operator and the verifier and
 * registered on L2 by its owner, and funded user accounts; and an L1 (an in-process EDR chain
 * with the system deployed) on which the operator's L1 address, the fixture's bonded prover,
 * is a listed compute operator. Keys are the sequencer tests' `testKey(i)`: 1 the model owner
 * (account 1), 2 the operator, 3 the verifier (a prover), users from 10 (accounts 2, 3, ...).
 */
export const OWNER = 1;
export const OPERATOR = 2;
export const VERIFIER = 3;
export const FIRST_USER = 10;
export const FEE = 50n;

export interface Rig extends Served {
  readonly dir: string;
  readonly sequencer: SequencerNode;
  readonly store: RunningStore;
  readonly params: ProtocolParams;
  /** The L1 chain and deployment. */
  readonly l1: System;
  readonly operators: InferenceOperatorList;
  serve(o?: Partial<InferenceServiceOptions>): Promise<RunningInferenceNode>;
  client(node: RunningInferenceNode, user: L2Wallet): InferenceClient;
  stop(): Promise<void>;
}

export const storeKey = (i: number) => new StoreKey(testKey(i));
const wallet = (key: number, account: number, provider: OpenLedgerProvider, params: ProtocolParams) =>
  new L2Wallet(
    { privateKey: testKey(key), publicKey: derivePublicKey(testKey(key)) },
    account,
    provider,
    DEV_DOMAIN,
    params,
  );

/** What `setupModel` leaves on a sequencer and a store: a registered model and funded users. */
export interface Served {
  readonly provider: OpenLedgerProvider;
  readonly owner: L2Wallet;
  readonly ownerStore: StoreClient;
  /** The verifier's store client: it may read the model and every stored record. */
  readonly verifier: StoreClient;
  readonly modelBytes: Uint8Array;
  readonly model: number;
  /** Held-out iris rows (4 features each). */
  readonly inputs: Float64Array[];
  readonly users: L2Wallet[];
}

/**
 * Opens the owner's and `users` users' accounts (deposits over RPC: the sequencer must take
 * them), trains the iris model, stores it for the operator and the verifier, registers it.
 * `sequencerUrl` is the node's base URL (without /rpc).
 */
export async function setupModel(o: {
  sequencerUrl: string;
  storeUrl: string;
  params: ProtocolParams;
  users: number;
}): Promise<Served> {
  const provider = new OpenLedgerProvider(`${o.sequencerUrl}/rpc`);
  const deposit = async (queueIndex: number, key: number, amount: bigint) => {
    const reply = await rpc(o.sequencerUrl, "ol_submitDeposit", [depositParam(queueIndex, key, amount)]);
    if (reply.error) throw new Error(`deposit failed: ${reply.error.message}`);
  };
  await deposit(0, OWNER, 10n ** 21n);
  for (let u = 0; u < o.users; u++) await deposit(u + 1, FIRST_USER + u, 10n ** 9n);
  const owner = wallet(OWNER, 1, provider, o.params);
  const users = Array.from({ length: o.users }, (_, u) => wallet(FIRST_USER + u, u + 2, provider, o.params));

  // A small classifier: iris, 4-16-8-3, trained in well under a second.
  const [train, test] = splitBySizes(loadIris(), [120, 30], "inference/rig");
  const { bytes } = trainModel(train!, { ...DEFAULT_TRAIN, hidden: [16, 8], epochs: 30, batchSize: 16 }, 0.1);
  const inputs = Array.from({ length: 30 }, (_, i) => test!.x.slice(i * 4, i * 4 + 4));

  const ownerStore = new StoreClient(o.storeUrl, storeKey(OWNER));
  const verifier = new StoreClient(o.storeUrl, storeKey(VERIFIER));
  // Stakes above genesis governance's minimums, so a production-configured sequencer takes them too.
  await owner.stake(2n * 10n ** 19n);
  await owner.createDatanet(OPEN_DATANET);
  await owner.registerContribution({
    datanet: 1,
    contentRoot: 1n,
    rowCount: 120,
    license: 1,
    uriCommitment: 0n,
    stake: 10n ** 18n,
  });
  const model = await registerModel(owner, ownerStore, bytes, bytes);
  return { provider, owner, ownerStore, verifier, modelBytes: bytes, model, inputs, users };
}

/** The options `openledger serve` would take for the rig's operator (key OPERATOR, VERIFIER a reader). */
export function operatorOptions(o: {
  sequencerUrl: string;
  storeUrl: string;
  params: ProtocolParams;
  logger: Logger;
  l1: System;
  operators: InferenceOperatorList;
}): InferenceServiceOptions {
  return {
    l1Key: (o.l1.prover as HDNodeWallet).signingKey,
    operators: o.operators,
    sequencer: `${o.sequencerUrl}/rpc`,
    store: o.storeUrl,
    domain: DEV_DOMAIN,
    params: o.params,
    key: testKey(OPERATOR),
    readers: [{ identity: storeKey(VERIFIER).identity, role: "prover" }],
    port: 0,
    logger: o.logger,
  };
}

/** The L1 of a rig: the system deployed on EDR, its prover listed as a compute operator. */
export async function startL1(): Promise<{ l1: System; operators: InferenceOperatorList }> {
  const l1 = await deploySystem(await prepareArtifacts());
  await (await (l1.d.inferenceOperators.connect(l1.prover) as Contract).getFunction("list")()).wait();
  return {
    l1,
    operators: new InferenceOperatorList(String(l1.d.inferenceOperators.target), l1.ethers.provider),
  };
}

export async function startRig(o: { params: ProtocolParams; users: number }): Promise<Rig> {
  const logger = pino({ level: "silent" });
  const chain = await startL1();
  const dir = tempDir("inference");
  const sequencer = await startNode(
    testNodeConfig(`${dir}/sequencer`, { domain: DEV_DOMAIN, params: o.params, fsync: false }),
    logger,
  );
  const store = await startStore({ dataDir: `${dir}/store`, port: 0 });
  const urls = { sequencerUrl: sequencer.url, storeUrl: store.url, params: o.params, ...chain };
  const served = await setupModel({ ...urls, users: o.users });
  return {
    ...served,
    dir,
    sequencer,
    store,
    params: o.params,
    ...chain,
    serve: (s = {}) => startInferenceService({ ...operatorOptions({ ...urls, logger }), ...s }),
    client: (node, user) => new InferenceClient(node.url, user),
    stop: async () => {
      served.ownerStore.close();
      served.verifier.close();
      await store.stop();
      await sequencer.stop();
      await rm(dir, { recursive: true, force: true });
      // The circuit build behind the L1's verifier may have started snarkjs's worker threads.
      await terminateSnarkjsCurve();
    },
  };
}

/**
 * Registers a model whose modelHash is that of `registered` and stores `stored` for the
 * operator and the verifier under that hash (the two differ only to test a tampered upload).
 * Returns the model id.
 */
export async function registerModel(
  owner: L2Wallet,
  ownerStore: StoreClient,
  registered: Uint8Array,
  stored: Uint8Array,
): Promise<number> {
  const hash = modelHash(registered);
  await ownerStore.put({
    kind: "model",
    plaintextLength: stored.length,
    plaintext: async function* () {
      yield stored;
    },
    readers: [
      { identity: storeKey(OPERATOR).identity, role: "reader" },
      { identity: storeKey(VERIFIER).identity, role: "prover" },
    ],
    contentHash: fieldToHex(hash),
  });
  const sent = await owner.registerModel({
    modelHash: hash,
    trainingConfigHash: 1n,
    contributions: [1],
    checkpointCommitment: 1n,
    inferenceFee: FEE,
    baseModel: 0,
  });
  const receipt = await owner.provider.getTransactionReceipt(sent.txHash);
  if (!receipt?.created) throw new Error(`model registration ${sent.txHash} created nothing`);
  return receipt.created.id;
}

/**
 * Registers a text contribution of `documents` (contentRoot = textRoot of their token stream)
 * and trains, stores (for the operator and the verifier) and registers an n-gram model on it
 * through `trainTextAndRegister`. The documents come from memory, held to the contribution's
 * contentRoot and rowCount as the store's document fetch holds them. Returns the model id.
 */
export async function registerTextModel(served: Served, documents: readonly string[]): Promise<number> {
  const { owner, ownerStore } = served;
  const sent = await owner.registerContribution({
    datanet: 1,
    contentRoot: textRoot(tokenStream(documents)),
    rowCount: documents.length,
    license: 1,
    uriCommitment: 0n,
    stake: 10n ** 18n,
  });
  const contribution = (await owner.provider.getTransactionReceipt(sent.txHash))?.created?.id;
  if (contribution === undefined) throw new Error(`contribution ${sent.txHash} created nothing`);
  const fromMemory: FetchDocuments = async (id) => {
    const c = await owner.provider.getContribution(id);
    if (!c || BigInt(c.contentRoot) !== textRoot(tokenStream(documents)) || c.rowCount !== documents.length)
      throw new StoreError(StoreErrorCode.ContentRootMismatch, `contribution ${id}: not these documents`);
    return { documents };
  };
  const { model } = await trainTextAndRegister(owner, ownerStore, fromMemory, {
    contributions: [contribution],
    inferenceFee: FEE,
    readers: [
      { identity: storeKey(OPERATOR).identity, role: "reader" },
      { identity: storeKey(VERIFIER).identity, role: "prover" },
    ],
  });
  if (model === undefined) throw new Error("the text model's registration is queued");
  return model;
}
