/**
 * The deployment a reward epoch test runs on, every part real: an EDR chain with the rollup
 * and the real reward verifier, a sequencer posting to it, the store, the inference node;
 * and the epoch's cast: three owners contribute iris rows (one with every label wrong)
 * through `contribute`, a model is trained on them from the store and registered.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Contract, HDNodeWallet } from "ethers";
import { pino } from "pino";
import { InferenceOperatorList } from "../../contracts/client/inference-operators.ts";
import { DEV_REWARD_CIRCUIT } from "../../contracts/deploy/config.ts";
import {
  deploySystem,
  prepareArtifacts,
  STUB_BATCH_VERIFIER,
  type System,
} from "../../contracts/test/fixture.ts";
import type { BatchShape } from "../../protocol/batch/layout.ts";
import { derivePublicKey } from "../../protocol/eddsa.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import type { GovernanceParams } from "../../protocol/state/leaves.ts";
import { OPEN_DATANET, TEST_GOVERNANCE } from "../../protocol/testing.ts";
import { TxType } from "../../protocol/tx/types.ts";
import { type Dataset, splitBySizes } from "../../prover/datasets/dataset.ts";
import { loadIris } from "../../prover/datasets/iris.ts";
import type { RewardCircuit } from "../../prover/node/node.ts";
import { buildRewardCircuit } from "../../prover/node/reward-circuit.ts";
import { trainAndRegister } from "../../prover/training/store-training.ts";
import { type RunningInferenceNode, startInferenceService } from "../../inference/service.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { L2Wallet } from "../../sdk/wallet.ts";
import type { SequencerNode } from "../../sequencer/node.ts";
import { tempDir, testKey } from "../../sequencer/testing.ts";
import { StoreClient } from "../../store/client.ts";
import { contribute } from "../../store/contribute.ts";
import type { StoreIdentity } from "../../store/identity.ts";
import { StoreKey } from "../../store/identity.ts";
import { type RunningStore, startStore } from "../../store/server.ts";
import { IRIS_METADATA, writeIrisRows } from "../iris-rows.ts";
import { startSettlingSequencer } from "./settling-chain.ts";

/** Keys by role; each key's L2 account is opened by a deposit in this order (ids 1..6). */
export const PROVER = 1; // also the treasury account
export const CONTRIBUTORS = [2, 3, 4];
export const NOISY = 4; // every label of its rows is wrong
export const OWNER = 5;
export const USER = 6;
export const OPERATOR = 7; // signs attestations and store requests; no L2 account
export const FEE = 1_000n;
/** Batches are not proven here (test/e2e/prover.test.ts does): a wide layout keeps each phase in one batch. */
export const LAYOUT = { slots: 16, withdrawals: 2, registrySlots: 8 };
/** Epoch e is entries 3e+1..3e+3 (batches and settlements both count). */
export const GOVERNANCE: GovernanceParams = { ...TEST_GOVERNANCE, epochLength: 3 };

/** Iris cut into 120 training rows and 30 held out (the inputs users pay for), the same in every test. */
export const irisSplit = (): [Dataset, Dataset] => {
  const [train, held] = splitBySizes(loadIris(), [120, 30], "e2e/epoch");
  return [train!, held!];
};

export interface EpochFixture {
  readonly s: System;
  readonly seq: SequencerNode;
  readonly store: RunningStore;
  readonly serve: RunningInferenceNode;
  readonly reward: RewardCircuit;
  readonly provider: OpenLedgerProvider;
  wallet(key: number): L2Wallet;
  stop(): Promise<void>;
}

export const storeKey = (key: number) => new StoreKey(testKey(key));

export interface EpochFixtureOptions {
  /** Store identities granted the prover's reads besides PROVER's. */
  readonly readers?: readonly StoreIdentity[];
  /** The sequencer's batch shape. */
  readonly layout?: Required<BatchShape>;
  /** The key of the inference node's operator. */
  readonly operator?: number;
  /** The reward circuit whose verifier is registered and whose lanes the sequencer takes (the devnet's by default). */
  readonly reward?: { readonly name: string; readonly circuitId: number };
  /** The genesis governance, of L1 and L2 (GOVERNANCE by default). */
  readonly governance?: GovernanceParams;
}

/** Deploys and starts everything. */
export async function startEpochFixture(
  name: string,
  {
    readers = [],
    layout = LAYOUT,
    operator = OPERATOR,
    reward: circuit = DEV_REWARD_CIRCUIT,
    governance = GOVERNANCE,
  }: EpochFixtureOptions = {},
): Promise<EpochFixture> {
  const reward = await buildRewardCircuit(circuit.name, circuit.circuitId, { log: () => {} });
  const s = await deploySystem(await prepareArtifacts(), (c) => ({ ...c, governance }));
  const seq = await startSettlingSequencer({
    s,
    name,
    governance,
    layout,
    batchCircuitId: STUB_BATCH_VERIFIER.circuitId,
    reward: { ...reward, name: circuit.name },
    treasuryAccount: PROVER,
  });
  const provider = new OpenLedgerProvider(`${seq.url}/rpc`);
  const store = await startStore({ dataDir: tempDir(`${name}-store`), port: 0 });
  // The fixture's prover (bonded at deployment) is the compute operator on L1 too.
  await (await (s.d.inferenceOperators.connect(s.prover) as Contract).getFunction("list")()).wait();
  const serve = await startInferenceService({
    l1Key: (s.prover as HDNodeWallet).signingKey,
    operators: new InferenceOperatorList(String(s.d.inferenceOperators.target), s.ethers.provider),
    sequencer: `${seq.url}/rpc`,
    store: store.url,
    domain: DEV_DOMAIN,
    params: TEST_PARAMS,
    key: testKey(operator),
    readers: [storeKey(PROVER).identity, ...readers].map((identity) => ({ identity, role: "prover" })),
    port: 0,
    logger: pino({ level: "warn" }),
  });
  const wallet = (key: number) =>
    new L2Wallet(
      { privateKey: testKey(key), publicKey: derivePublicKey(testKey(key)) },
      key,
      provider,
      DEV_DOMAIN,
      TEST_PARAMS,
    );
  return {
    s,
    seq,
    store,
    serve,
    reward,
    provider,
    wallet,
    async stop() {
      await serve.stop();
      await store.stop();
      await seq.stop();
    },
  };
}

/** Opens one L2 account per key through the L1 queue, in key order (account id = key). */
export async function openAccounts(f: EpochFixture, keys: readonly number[], amount: bigint): Promise<void> {
  const { s, seq } = f;
  const sender = await s.prover.getAddress();
  await (
    await s.tokenAs(s.prover).getFunction("approve")(s.d.rollup.target, amount * BigInt(keys.length))
  ).wait();
  for (const [i, key] of keys.entries()) {
    const pub = derivePublicKey(testKey(key));
    await (await s.rollupAs(s.prover).getFunction("deposit")(0, pub.x, pub.y, amount)).wait();
    await seq.sequencer.executeQueueOp({
      type: TxType.Deposit,
      queueIndex: BigInt(i),
      l1Sender: sender,
      to: 0,
      publicKey: pub,
      amount,
    });
  }
}

/**
 * Key `key`'s rows file contributed to Datanet 1 through the store (stake 100, CC0), its blob
 * granted to each of `readers`; the contribution's id.
 */
export async function contributeRows(
  f: EpochFixture,
  key: number,
  file: string,
  readers: readonly StoreIdentity[],
): Promise<number | null> {
  const client = new StoreClient(f.store.url, storeKey(key));
  try {
    const result = await contribute(
      {
        file,
        format: "jsonl",
        metadata: IRIS_METADATA,
        datanet: 1,
        stake: 100n,
        license: 1,
        fee: 0n,
        refuseDuplicates: false,
        stateDir: join(dirname(file), "state"),
      },
      client,
      f.wallet(key),
    );
    for (const reader of readers) await client.grant(result.blobId, reader, "prover");
    return result.contribution;
  } finally {
    client.close();
  }
}

/**
 * Entries 1 and 2: the accounts, a Datanet and three contributions of `rowsEach` (40) iris rows
 * each (granted to the owner, the prover and `readers`), sealed; then model 1, of `hidden`
 * ([8]) layers, trained on them from the store (stored for the operator, the prover and
 * `readers`) and registered, sealed.
 * Returns the 30 held-out rows, the inputs the user pays for.
 */
export async function contributeAndTrain(
  f: EpochFixture,
  {
    readers = [],
    rowsEach = 40,
    hidden = [8],
  }: { readers?: readonly StoreIdentity[]; rowsEach?: number; hidden?: number[] } = {},
): Promise<Dataset> {
  await openAccounts(f, [PROVER, ...CONTRIBUTORS, OWNER, USER], 10n ** 15n);
  await f.wallet(OWNER).createDatanet(OPEN_DATANET);
  const [train, held] = irisSplit();
  const provers = [storeKey(PROVER).identity, ...readers];
  const dir = mkdtempSync(join(tmpdir(), "openledger-epoch-rows-"));
  for (const [c, key] of CONTRIBUTORS.entries()) {
    const file = join(dir, `rows-${key}.jsonl`);
    writeIrisRows(file, train, c * rowsEach, rowsEach, key === NOISY ? (y) => (y + 1) % 3 : undefined);
    const id = await contributeRows(f, key, file, [storeKey(OWNER).identity, ...provers]);
    if (id !== c + 1) throw new Error(`contribution ${id}, expected ${c + 1}`);
  }
  await f.seq.sequencer.seal();

  const owner = f.wallet(OWNER);
  await owner.stake(1_000n);
  const ownerStore = new StoreClient(f.store.url, storeKey(OWNER));
  const registered = await trainAndRegister(owner, ownerStore, {
    contributions: [1, 2, 3],
    hidden,
    epochs: 20,
    batchSize: 16,
    seed: "e2e/epoch",
    classes: 3,
    inferenceFee: FEE,
    readers: [
      { identity: storeKey(OPERATOR).identity, role: "reader" },
      ...provers.map((identity) => ({ identity, role: "prover" as const })),
    ],
  });
  ownerStore.close();
  if (registered.model !== 1) throw new Error(`model ${registered.model}, expected 1`);
  await f.seq.sequencer.seal();
  return held!;
}
