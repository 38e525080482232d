import { existsSync, mkdtempSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet } from "ethers";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metadataHash, parseMetadata } from "../../protocol/datanet/metadata.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { deriveL2Key } from "../../protocol/keys.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { blobUriCommitment } from "../../protocol/provenance/uri-commitment.ts";
import { OPEN_DATANET, rejectionCode } from "../../protocol/testing.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { L2Wallet } from "../../sdk/wallet.ts";
import { startNode, type SequencerNode } from "../../sequencer/node.ts";
import { depositParam, rpc, tempDir, testNodeConfig } from "../../sequencer/testing.ts";
import { StoreClient } from "../../store/client.ts";
import { contribute } from "../../store/contribute.ts";
import { fetchContributionRows } from "../../store/fetch-rows.ts";
import { StoreKey } from "../../store/identity.ts";
import { hashRows, rowsContentRoot } from "../../store/rows.ts";
import { type RunningStore, startStore } from "../../store/server.ts";
import { failure, runCli } from "./testing.ts";

// Well-known throwaway keys (Hardhat's accounts #1 and #2): they guard nothing.
const ALICE = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const BOB = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
const DATANET = 1;
// The test governance's minimum contribution stake, in base units (--wei).
const STAKE = "100";

let node: SequencerNode;
let store: RunningStore;
let dir: string;
let rpcUrl: string;
let provider: OpenLedgerProvider;

const contributeArgs = (file: string, extra: string[] = []) => [
  "contribute",
  ...["--datanet", String(DATANET), "--file", file, "--schema", join(dir, "metadata.json")],
  ...["--stake", STAKE, "--wei", "--params", "test", "--rpc", rpcUrl, "--store", store.url],
  ...["--state-dir", join(dir, "state"), "--json", ...extra],
];

const contributions = async () =>
  ((await rpc(node.url, "ol_getStateRoot")).result as { counters: { contributions: number } }).counters
    .contributions;

/** Rows of width 4, labels 0..2, fixed by (seed, i). */
const rowsOf = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => ({
    label: (i + seed) % 3,
    features: [i, seed, Math.sin(i + seed) * 100, -i / 7],
  }));
const jsonl = (rows: ReturnType<typeof rowsOf>) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
const rootOf = (rows: ReturnType<typeof rowsOf>) =>
  rowsContentRoot(
    hashRows({ count: rows.length, label: (i) => rows[i]!.label, features: (i) => rows[i]!.features })
      .rowHashes,
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "openledger-contribute-"));
  node = await startNode(testNodeConfig(tempDir("contribute")), pino({ level: "silent" }));
  rpcUrl = `${node.url}/rpc`;
  provider = new OpenLedgerProvider(rpcUrl);
  store = await startStore({ dataDir: join(dir, "store"), port: 0 });
  const { publicKey } = await deriveL2Key(new Wallet(ALICE), DEV_DOMAIN);
  // Alice's account 1 is opened by a deposit from her L1 address, as `bridge deposit` does.
  const deposit = {
    ...depositParam(0, 0, 1_000_000n),
    l1Sender: new Wallet(ALICE).address,
    publicKey: { x: fieldToHex(publicKey.x), y: fieldToHex(publicKey.y) },
  };
  await rpc(node.url, "ol_submitDeposit", [deposit]);
  // The Datanet's L2 record names its metadata document by hash; `contribute` checks the file against it.
  const metadata = {
    version: 1,
    name: "test rows",
    description: "four numbers and a class",
    schema: { features: { count: 4, kind: "numeric" }, label: { kind: "class", classes: 3 } },
    license: 2,
  } as const;
  await writeFile(join(dir, "metadata.json"), JSON.stringify(metadata));
  await new L2Wallet(
    await deriveL2Key(new Wallet(ALICE), DEV_DOMAIN),
    1,
    provider,
    DEV_DOMAIN,
    TEST_PARAMS,
  ).createDatanet({ ...OPEN_DATANET, metadataHash: metadataHash(metadata) });
});

afterAll(async () => {
  await store?.stop();
  await node?.stop();
});

describe("openledger contribute", () => {
  const first = rowsOf(40, 1);

  it("registers a JSONL file whose contentRoot is its rows' root, once", async () => {
    const file = join(dir, "rows.jsonl");
    await writeFile(file, jsonl(first));
    const out = JSON.parse((await runCli(ALICE, contributeArgs(file))).stdout);
    expect(out).toMatchObject({ contribution: 1, status: "executed", rowCount: 40, duplicates: [] });
    expect(out.contentRoot).toBe(rootOf(first));
    const record = await provider.getContribution(1);
    expect(record).toMatchObject({
      owner: 1,
      datanet: DATANET,
      contentRoot: rootOf(first),
      rowCount: 40,
      license: 2,
      stake: STAKE,
      uriCommitment: fieldToHex(blobUriCommitment(out.blobId)),
    });
    // The run is recorded: a second run finds the registration on L2 and adds nothing.
    const again = JSON.parse((await runCli(ALICE, contributeArgs(file))).stdout);
    expect(again).toMatchObject({ contribution: 1, resumed: { registration: true } });
    expect(await contributions()).toBe(1);
  });

  it("registers a CSV file, reporting rows already in the Datanet; refuses them when asked", async () => {
    const rows = [...rowsOf(5, 2), first[3]!];
    const csv = ["label,a,b,c,d", ...rows.map((r) => `${r.label},${r.features.join(",")}`)].join("\r\n");
    const file = join(dir, "rows.csv");
    await writeFile(file, csv);
    const refused = await failure(runCli(ALICE, contributeArgs(file, ["--refuse-duplicates"])));
    expect(refused.stderr).toMatch(/error DUPLICATE_ROWS: 1 rows repeat rows already in the Datanet/);
    expect(await contributions()).toBe(1);

    const { stdout, stderr } = await runCli(ALICE, contributeArgs(file, ["--license", "5"]));
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ contribution: 2, rowCount: 6, duplicates: [5], contentRoot: rootOf(rows) });
    expect(stderr).toMatch(/1 rows repeat rows already in Datanet 1 or earlier in the file: #6/);
    expect(await provider.getContribution(2)).toMatchObject({ contentRoot: rootOf(rows), license: 5 });
  });

  it("refuses bad rows naming their lines, and registers nothing", async () => {
    const bad = join(dir, "bad.jsonl");
    await writeFile(
      bad,
      [
        JSON.stringify({ label: 0, features: [1, 2, 3, 4] }),
        JSON.stringify({ label: 0, features: [1, 2, 3] }),
        '{"label": 1, "features": [1, NaN, 3, 4]}',
        JSON.stringify({ label: "1", features: [1, 2, 3, 4] }),
        JSON.stringify({ label: 3, features: [1, 2, 3, 4] }),
      ].join("\n"),
    );
    const jsonlFailure = await failure(runCli(ALICE, contributeArgs(bad)));
    expect(jsonlFailure.code).toBe(1);
    expect(jsonlFailure.stderr).toContain("error INVALID_ROWS: ");
    expect(jsonlFailure.stderr).toContain("4 lines do not fit the Datanet's schema");
    expect(jsonlFailure.stderr).toContain("line 2: 3 features, the schema has 4");
    expect(jsonlFailure.stderr).toContain("line 3: holds NaN or Infinity");
    expect(jsonlFailure.stderr).toContain('line 4: label "1" is not a class index in [0, 2]');
    expect(jsonlFailure.stderr).toContain("line 5: label 3 is not a class index in [0, 2]");
    expect(jsonlFailure.stderr).not.toContain("stored as blob");

    const badCsv = join(dir, "bad.csv");
    await writeFile(badCsv, "1,1,2,3,4\n1,1,x,3,4\n2,1,2,inf,4\n1.5,1,2,3,4\n");
    const csvFailure = await failure(runCli(ALICE, contributeArgs(badCsv)));
    expect(csvFailure.stderr).toContain('line 2: feature 2 is "x", not a number');
    expect(csvFailure.stderr).toContain("line 3: feature 3 is Infinity");
    expect(csvFailure.stderr).toContain("line 4: label 1.5 is not a class index");

    const empty = join(dir, "empty.csv");
    await writeFile(empty, "label,a,b,c,d\n\n");
    expect((await failure(runCli(ALICE, contributeArgs(empty)))).stderr).toMatch(
      /error EMPTY_FILE: .*empty\.csv holds no row/,
    );
    expect(await contributions()).toBe(2);
  });

  it("keeps the upload when the registration is refused, and reuses it on the next run", async () => {
    const rows = rowsOf(8, 9);
    const file = join(dir, "later.jsonl");
    await writeFile(file, jsonl(rows));
    const args = contributeArgs(file);
    const tooMuch = args.map((a) => (a === STAKE ? "100000000" : a));
    const refused = await failure(runCli(ALICE, tooMuch));
    expect(refused.stderr).toMatch(/error INSUFFICIENT_BALANCE/);
    expect(refused.stderr).toMatch(/nothing was registered; the rows stay stored as blob [0-9a-f]{64}/);
    expect(await contributions()).toBe(2);
    const out = JSON.parse((await runCli(ALICE, args)).stdout);
    // Had it uploaded again, the store would report every row as already in the Datanet.
    expect(out).toMatchObject({ contribution: 3, resumed: { upload: true }, duplicates: [] });
  });

  it("lets a reader fetch a contribution's rows only once granted, checked against L2", async () => {
    const bob = JSON.parse((await runCli(BOB, ["store", "whoami", "--json", "--url", store.url])).stdout);
    const out = join(dir, "fetched.jsonl");
    const rowsArgs = [
      "store",
      "rows",
      "--contribution",
      "1",
      "--out",
      out,
      "--rpc",
      rpcUrl,
      "--url",
      store.url,
    ];
    expect((await failure(runCli(BOB, rowsArgs))).stderr).toMatch(
      /error NOT_GRANTED: contribution 1's rows are blob [0-9a-f]{64}, which you may not read/,
    );
    // Only the owner grants.
    const byBob = ["grant", "--to", `${bob.key}:${bob.box}`, "--contribution", "1", "--rpc", rpcUrl];
    expect((await failure(runCli(BOB, [...byBob, "--store", store.url]))).stderr).toMatch(
      /NOT_GRANTED|NOT_OWNER/,
    );
    const granted = await runCli(ALICE, [...byBob, "--store", store.url]);
    expect(granted.stdout).toMatch(/^granted [0-9a-f]{64} \(reader\) on blob [0-9a-f]{64}/);
    const fetched = await runCli(BOB, rowsArgs);
    expect(fetched.stdout).toMatch(/contribution 1: 40 rows of 4 features .* checked/);
    const lines = (await readFile(out, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.label)).toEqual(first.map((r) => r.label));
    // The features come back as the fixed-point values the row hashes commit to.
    expect(lines[5].features[2]).toBeCloseTo(first[5]!.features[2]!, 4);
  });

  it("refuses a contribution record whose contentRoot is not its blob's rows", async () => {
    const { privateKey } = await deriveL2Key(new Wallet(ALICE), DEV_DOMAIN);
    const wallet = new L2Wallet(
      await deriveL2Key(new Wallet(ALICE), DEV_DOMAIN),
      1,
      provider,
      DEV_DOMAIN,
      TEST_PARAMS,
    );
    const one = (await provider.getContribution(1))!;
    // A record pointing at contribution 1's blob with another root (and another row count).
    await wallet.registerContribution({
      datanet: DATANET,
      contentRoot: BigInt(rootOf(rowsOf(3, 4))),
      rowCount: 3,
      license: 1,
      uriCommitment: BigInt(one.uriCommitment),
      stake: 100n,
    });
    const client = new StoreClient(store.url, new StoreKey(privateKey));
    try {
      expect(await rejectionCode(fetchContributionRows(provider, client, 4))).toBe("CONTENT_ROOT_MISMATCH");
      expect(await rejectionCode(fetchContributionRows(provider, client, 99))).toBe("UNKNOWN_CONTRIBUTION");
      expect((await fetchContributionRows(provider, client, 1)).count).toBe(40);
      // Fields the transaction cannot carry are refused before the file is read or anything stored.
      const request = {
        file: join(dir, "rows.jsonl"),
        format: "jsonl",
        metadata: parseMetadata(await readFile(join(dir, "metadata.json"))),
        datanet: DATANET,
        stake: 100n,
        license: 70_000,
        fee: 0n,
        refuseDuplicates: false,
        stateDir: join(dir, "unused-state"),
      } as const;
      expect(await rejectionCode(contribute(request, client, wallet))).toBe("INVALID_FIELD");
      expect(existsSync(request.stateDir)).toBe(false);
    } finally {
      client.close();
    }
  });
});
