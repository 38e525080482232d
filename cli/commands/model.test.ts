import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { JsonRpcProvider, Wallet } from "ethers";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { derivePublicKey } from "../../protocol/eddsa.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { deriveL2Key } from "../../protocol/keys.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { OPEN_DATANET } from "../../protocol/testing.ts";
import { modelHash } from "../../protocol/provenance/model-hash.ts";
import { splitBySizes } from "../../prover/datasets/dataset.ts";
import { loadIris } from "../../prover/datasets/iris.ts";
import { contributeRows } from "../../prover/training/testing.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { L2Wallet } from "../../sdk/wallet.ts";
import { type SequencerNode, startNode } from "../../sequencer/node.ts";
import { depositParam, rpc, tempDir, testKey, testNodeConfig } from "../../sequencer/testing.ts";
import { StoreClient } from "../../store/client.ts";
import { fetchModel } from "../../store/fetch-content.ts";
import { StoreKey } from "../../store/identity.ts";
import { type RunningStore, startStore } from "../../store/server.ts";
import { bondOperator, fundAccounts } from "../../contracts/deploy/bootstrap.ts";
import { devDeployConfig } from "../../contracts/deploy/config.ts";
import { deployOpenLedger } from "../../contracts/deploy/deploy.ts";
import { STUB_BATCH_VERIFIER } from "../../contracts/test/fixture.ts";
import { type L1Chain, startL1Chain } from "../devnet/l1-chain.ts";

const run = promisify(execFile);
// Well-known throwaway keys (Hardhat's accounts #1 and #2): they guard nothing.
const TRAINER = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const STRANGER = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
const OWNER = 7;
// L2 account 3 (test key PROVER), opened from an L1 address the rollup bonds as a prover.
const PROVER = 8;
const PROVER_ACCOUNT = 3;

let dir: string;
let node: SequencerNode;
let store: RunningStore;
let provider: OpenLedgerProvider;
let owner: StoreClient;
let prover: StoreClient;
// An L1 the CLI reaches over HTTP: the system deployed (its rollup at DEV_DOMAIN's address, the
// deployer's first creation), one address bonded as a prover.
let l1: L1Chain;
let l1Provider: JsonRpcProvider;

const cli = (ethKey: string, args: string[]) =>
  run(
    "node_modules/.bin/node",
    [
      "bin/openledger.mjs",
      "model",
      ...args,
      "--rpc",
      `${node.url}/rpc`,
      "--url",
      store.url,
      "--params",
      "test",
    ],
    { env: { ...process.env, OPENLEDGER_ETH_KEY: ethKey } },
  );

beforeAll(async () => {
  dir = tempDir("model-cli");
  l1 = await startL1Chain({
    host: "127.0.0.1",
    port: 0,
    journalPath: join(dir, "l1-journal.jsonl"),
    logger: pino({ level: "silent" }),
  });
  l1Provider = new JsonRpcProvider(l1.url, undefined, { staticNetwork: true });
  const [deployer, sequencer, bonded] = await Promise.all([0, 1, 3].map((i) => l1Provider.getSigner(i)));
  const config = devDeployConfig(deployer!.address, sequencer!.address, STUB_BATCH_VERIFIER);
  const d = await deployOpenLedger(deployer!, config);
  expect(String(d.rollup.target)).toBe(DEV_DOMAIN.rollup);
  await fundAccounts(d.token, deployer!, [bonded!.address], config.l1.minProverBond);
  await bondOperator(d.token, d.rollup, bonded!, config.l1.minProverBond, true);
  node = await startNode(
    testNodeConfig(join(dir, "chain"), { domain: DEV_DOMAIN }),
    pino({ level: "silent" }),
  );
  store = await startStore({ dataDir: join(dir, "store"), port: 0 });
  provider = new OpenLedgerProvider(`${node.url}/rpc`);
  // Account 1: the data owner (a test key); account 2: the trainer's key derived from its Ethereum key.
  const trainerKey = await deriveL2Key(new Wallet(TRAINER), DEV_DOMAIN);
  await rpc(node.url, "ol_submitDeposit", [depositParam(0, OWNER, 10n ** 6n)]);
  await rpc(node.url, "ol_submitDeposit", [
    {
      ...depositParam(1, 0, 10n ** 6n),
      publicKey: { x: fieldToHex(trainerKey.publicKey.x), y: fieldToHex(trainerKey.publicKey.y) },
    },
  ]);
  await rpc(node.url, "ol_submitDeposit", [
    { ...depositParam(2, PROVER, 10n ** 6n), l1Sender: bonded!.address },
  ]);
  await new L2Wallet(trainerKey, 2, provider, DEV_DOMAIN, TEST_PARAMS).stake(1000n);
  const data = new L2Wallet(
    { privateKey: testKey(OWNER), publicKey: derivePublicKey(testKey(OWNER)) },
    1,
    provider,
    DEV_DOMAIN,
    TEST_PARAMS,
  );
  owner = new StoreClient(store.url, new StoreKey(testKey(OWNER)));
  prover = new StoreClient(store.url, new StoreKey(testKey(PROVER)));
  // The prover has made a signed request: the store knows its box key.
  await prover.readerIdentity(prover.key.identity.key);
  const trainerIdentity = new StoreKey(trainerKey.privateKey).identity;
  // Two contributions of iris rows in Datanet 1, granted to the trainer.
  await data.createDatanet(OPEN_DATANET);
  for (const ds of splitBySizes(loadIris(), [50, 50], "test/model-cli")) {
    await contributeRows(data, owner, 1, ds, { reader: trainerIdentity });
  }
});

afterAll(async () => {
  owner?.close();
  prover?.close();
  l1Provider?.destroy();
  await l1?.close();
  await store?.stop();
  await node?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("openledger model", () => {
  it("trains a Datanet's contributions from the store, registers the model for a bonded prover, and shows it checked", async () => {
    const { stdout, stderr } = await cli(TRAINER, [
      ...["train", "--datanet", "1", "--account", "2", "--fee", "0.5", "--prover", String(PROVER_ACCOUNT)],
      ...["--l1", l1.url],
      ...["--hidden", "8,4", "--epochs", "2", "--batch-size", "8", "--seed", "cli", "--json"],
    ]);
    const trained = JSON.parse(stdout) as {
      model: number;
      modelHash: string;
      contributions: number[];
      rows: number;
    };
    expect(trained).toMatchObject({ model: 1, contributions: [1, 2], rows: 100 });
    // Without a terminal each phase reports one line.
    expect(stderr).toMatch(/^rows: 2 contribution\(s\) fetched and checked$/m);
    expect(stderr).toMatch(/^train: 2 epoch\(s\)$/m);

    const record = JSON.parse((await cli(TRAINER, ["show", "1", "--json"])).stdout);
    expect(record).toMatchObject({
      id: 1,
      owner: 2,
      baseModel: 0,
      inferenceFee: String(5n * 10n ** 17n),
      modelHash: trained.modelHash,
    });
    const { bytes } = await fetchModel(
      new StoreClient(
        store.url,
        new StoreKey((await deriveL2Key(new Wallet(TRAINER), DEV_DOMAIN)).privateKey),
      ),
      BigInt(trained.modelHash),
    );
    expect(fieldToHex(modelHash(bytes))).toBe(record.modelHash);
    // The prover the chain bonds reads the model, under the label that says it was checked.
    const forProver = await fetchModel(prover, BigInt(trained.modelHash));
    expect(forProver.bytes).toEqual(bytes);
    expect((await prover.blobInfo(forProver.blob.id)).envelope.role).toBe("prover");

    const checked = JSON.parse((await cli(TRAINER, ["show", "1", "--training", "--json"])).stdout);
    expect(checked).toMatchObject({ rows: 100, mismatches: [], config: { hidden: [8, 4], seed: "cli" } });
    expect(checked.recomputed.checkpointCommitment).toBe(record.checkpointCommitment);
  });

  it("fails with the store's code and a clear message without a grant", async () => {
    const err = (await cli(STRANGER, [
      "train",
      "--contributions",
      "1,2",
      "--account",
      "3",
      "--fee",
      "1",
    ]).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(
      /^error NOT_FOUND: contribution 1: no rows blob with contentRoot 0x[0-9a-f]{64} that key [0-9a-f]{64} may read: not stored, or not granted to it$/m,
    );
  });

  it("refuses a prover whose L1 address is not bonded, before training anything", async () => {
    const err = (await cli(TRAINER, [
      ...["train", "--datanet", "1", "--account", "2", "--fee", "0.5", "--prover", "2", "--l1", l1.url],
    ]).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(
      /^error NOT_BONDED_PROVER: account 2's L1 address 0x[0-9a-fA-F]{40} is not a bonded prover on L1$/m,
    );
    expect(await provider.getModel(2)).toBeNull();
  });
});
