import { mkdtempSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet } from "ethers";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metadataHash } from "../../protocol/datanet/metadata.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { deriveL2Key } from "../../protocol/keys.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { OPEN_DATANET } from "../../protocol/testing.ts";
import { CurationMode } from "../../protocol/tx/types.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { L2Wallet } from "../../sdk/wallet.ts";
import { type SequencerNode, startNode } from "../../sequencer/node.ts";
import { depositParam, rpc, tempDir, testNodeConfig } from "../../sequencer/testing.ts";
import { type RunningStore, startStore } from "../../store/server.ts";
import { failure, runCli } from "./testing.ts";

// Well-known throwaway keys (Hardhat's accounts #1, #2 and #3): they guard nothing.
const ALICE = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const BOB = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
const CAROL = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";
// L2 accounts 1, 2, 3 in deposit order; Bob and Carol curate Datanet 1.
const [BOB_ACCOUNT, CAROL_ACCOUNT] = [2, 3];

let node: SequencerNode;
let store: RunningStore;
let dir: string;
let rpcUrl: string;

const storeArgs = () => ["--rpc", rpcUrl, "--store", store.url];
const rowsOf = (as: string, out: string) =>
  runCli(as, ["store", "rows", "--contribution", "1", "--out", out, "--rpc", rpcUrl, "--url", store.url]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "openledger-grant-roles-"));
  node = await startNode(testNodeConfig(tempDir("grant-roles")), pino({ level: "silent" }));
  rpcUrl = `${node.url}/rpc`;
  const provider = new OpenLedgerProvider(rpcUrl);
  store = await startStore({ dataDir: join(dir, "store"), port: 0 });
  for (const [i, key] of [ALICE, BOB, CAROL].entries()) {
    const { publicKey } = await deriveL2Key(new Wallet(key), DEV_DOMAIN);
    await rpc(node.url, "ol_submitDeposit", [
      {
        ...depositParam(i, 0, 1_000_000n),
        l1Sender: new Wallet(key).address,
        publicKey: { x: fieldToHex(publicKey.x), y: fieldToHex(publicKey.y) },
      },
    ]);
  }
  const metadata = {
    version: 1,
    name: "curated rows",
    description: "two numbers and a class",
    schema: { features: { count: 2, kind: "numeric" }, label: { kind: "class", classes: 2 } },
    license: 2,
  } as const;
  await writeFile(join(dir, "metadata.json"), JSON.stringify(metadata));
  await new L2Wallet(
    await deriveL2Key(new Wallet(ALICE), DEV_DOMAIN),
    1,
    provider,
    DEV_DOMAIN,
    TEST_PARAMS,
  ).createDatanet({
    ...OPEN_DATANET,
    metadataHash: metadataHash(metadata),
    curationMode: CurationMode.Curated,
    curators: [BOB_ACCOUNT, CAROL_ACCOUNT],
  });
});

afterAll(async () => {
  await store?.stop();
  await node?.stop();
});

describe("openledger contribute and grant: readers by L2 role", () => {
  it("wraps a contribution for the Datanet's curators, and later for one the store learns of", async () => {
    // Bob has told the store his box key; Carol has not.
    await runCli(BOB, ["store", "whoami", "--register", "--url", store.url]);
    const file = join(dir, "rows.jsonl");
    await writeFile(file, '{"label": 0, "features": [1, 2]}\n{"label": 1, "features": [3, 4]}\n');
    const contributed = await runCli(ALICE, [
      "contribute",
      ...["--datanet", "1", "--file", file, "--schema", join(dir, "metadata.json")],
      ...["--stake", "100", "--wei", "--params", "test", "--state-dir", join(dir, "state"), "--json"],
      ...storeArgs(),
    ]);
    expect(JSON.parse(contributed.stdout)).toMatchObject({ contribution: 1 });
    expect(contributed.stderr).toContain(`curator accounts ${CAROL_ACCOUNT} have not used this store yet`);

    // The curator reads the rows it is to judge without any grant.
    expect((await rowsOf(BOB, join(dir, "bob.jsonl"))).stdout).toMatch(
      /contribution 1: 2 rows of 2 features/,
    );
    const refused = await failure(rowsOf(CAROL, join(dir, "carol.jsonl")));
    expect(refused.stderr).toMatch(/error NOT_GRANTED/);

    // Carol's signed request taught the store her box key: the owner's grant reaches her now.
    const granted = await runCli(ALICE, ["grant", "--contribution", "1", "--curators", ...storeArgs()]);
    expect(granted.stdout).toContain(`granted curator account ${CAROL_ACCOUNT}`);
    expect((await rowsOf(CAROL, join(dir, "carol.jsonl"))).stdout).toMatch(/contribution 1: 2 rows/);
  });

  it("names a prover by L2 account and asks L1 whether it is bonded, and takes one way of naming", async () => {
    const unreachable = await failure(
      runCli(ALICE, [
        "grant",
        "--contribution",
        "1",
        "--prover",
        "2",
        "--l1",
        "http://127.0.0.1:1",
        ...storeArgs(),
      ]),
    );
    expect(unreachable.stderr).toMatch(/L1_UNREACHABLE/);
    const two = await failure(
      runCli(ALICE, ["grant", "--contribution", "1", "--curators", "--prover", "2", ...storeArgs()]),
    );
    expect(two.stderr).toMatch(/one of --to <key:box>, --curators or --prover <account>/);
  });
});
