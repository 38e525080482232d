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
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { startNode, type SequencerNode } from "../../sequencer/node.ts";
import { depositParam, rpc, tempDir, testNodeConfig } from "../../sequencer/testing.ts";
import { type RunningStore, startStore } from "../../store/server.ts";
import { failure, runCli } from "./testing.ts";

// Well-known throwaway keys (Hardhat's accounts #1 and #2): they guard nothing.
const CURATOR = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const CONTRIBUTOR = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
const STAKE = 100n;
const FUNDS = 1_000_000n;
const METADATA = {
  version: 1,
  name: "curated rows",
  description: "four numbers and a class, checked by a curator",
  schema: { features: { count: 4, kind: "numeric" }, label: { kind: "class", classes: 3 } },
  license: 1,
} as const;

let node: SequencerNode;
let store: RunningStore;
let dir: string;
let provider: OpenLedgerProvider;

/** Options of the commands that sign (the devnet's tree sizes) and of those that only read. */
const chain = () => ["--params", "test", "--rpc", `${node.url}/rpc`, "--json"];
const reads = () => ["--rpc", `${node.url}/rpc`, "--json"];
const cli = async (key: string, args: string[]) =>
  JSON.parse((await runCli(key, [...args, ...chain()])).stdout);
const read = async (args: string[]) => JSON.parse((await runCli(CURATOR, [...args, ...reads()])).stdout);
const rowsFile = async (name: string, seed: number) => {
  const file = join(dir, name);
  const rows = Array.from({ length: 8 }, (_, i) => ({
    label: (i + seed) % 3,
    features: [i, seed, i * seed, -i],
  }));
  await writeFile(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return file;
};
const contributeArgs = (file: string, extra: string[] = []) => [
  "contribute",
  ...["--datanet", "1", "--file", file, "--stake", String(STAKE), "--wei", "--store", store.url],
  ...["--state-dir", join(dir, "state"), ...extra],
];
const balance = async (id: number) => BigInt((await provider.getAccount(id))!.balance);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "openledger-datanet-"));
  node = await startNode(testNodeConfig(tempDir("datanet-cli")), pino({ level: "silent" }));
  provider = new OpenLedgerProvider(`${node.url}/rpc`);
  store = await startStore({ dataDir: join(dir, "store"), port: 0 });
  // Account 1 (the curator) and account 2 (the contributor), opened by deposits from their L1 addresses.
  for (const [i, key] of [CURATOR, CONTRIBUTOR].entries()) {
    const { publicKey } = await deriveL2Key(new Wallet(key), DEV_DOMAIN);
    await rpc(node.url, "ol_submitDeposit", [
      {
        ...depositParam(i, 0, FUNDS),
        l1Sender: new Wallet(key).address,
        publicKey: { x: fieldToHex(publicKey.x), y: fieldToHex(publicKey.y) },
      },
    ]);
  }
  await writeFile(join(dir, "datanet.json"), JSON.stringify(METADATA, null, 2));
});

afterAll(async () => {
  await store?.stop();
  await node?.stop();
});

describe("openledger datanet", () => {
  it("creates a curated Datanet whose metadata document is in the store under the hash L2 records", async () => {
    const bad = join(dir, "bad.json");
    await writeFile(
      bad,
      JSON.stringify({ ...METADATA, schema: { features: { count: 0, kind: "numeric" } } }),
    );
    const refused = await failure(
      runCli(CURATOR, [
        "datanet",
        "create",
        "--metadata",
        bad,
        "--licenses",
        "CC0-1.0",
        "--store",
        store.url,
        ...chain(),
      ]),
    );
    expect(refused.stderr).toMatch(/error INVALID_METADATA: .*schema/);
    expect(await provider.listDatanets()).toEqual([]);

    const created = await cli(CURATOR, [
      ...["datanet", "create", "--metadata", join(dir, "datanet.json"), "--licenses", "CC0-1.0,CC-BY-4.0"],
      ...["--curators", "1", "--min-stake", String(STAKE), "--wei", "--store", store.url],
    ]);
    expect(created).toMatchObject({
      status: "executed",
      datanet: 1,
      metadataHash: fieldToHex(metadataHash(METADATA)),
    });
    expect(await read(["datanet", "list"])).toEqual([
      expect.objectContaining({
        id: 1,
        owner: 1,
        curationMode: "curated",
        curators: [1],
        licenses: ["CC0-1.0", "CC-BY-4.0"],
        minStake: String(STAKE),
      }),
    ]);
  });

  it("contributes with the schema read from the store; a document that is not the Datanet's is refused", async () => {
    const file = await rowsFile("a.jsonl", 1);
    const other = join(dir, "other.json");
    await writeFile(other, JSON.stringify({ ...METADATA, name: "another" }));
    const refused = await failure(
      runCli(CONTRIBUTOR, [...contributeArgs(file, ["--schema", other]), ...chain()]),
    );
    expect(refused.stderr).toMatch(
      /error METADATA_MISMATCH: .*other\.json is not Datanet 1's metadata document/,
    );
    expect(await provider.listContributions()).toEqual([]);

    expect(await cli(CONTRIBUTOR, contributeArgs(file))).toMatchObject({ contribution: 1, rowCount: 8 });
    // A row that does not fit the schema fetched from the store is refused by line number.
    const wide = join(dir, "wide.jsonl");
    await writeFile(wide, `${JSON.stringify({ label: 0, features: [1, 2, 3, 4, 5] })}\n`);
    const bad = await failure(runCli(CONTRIBUTOR, [...contributeArgs(wide), ...chain()]));
    expect(bad.stderr).toMatch(/error INVALID_ROWS: [^]*line 1: 5 features, the schema has 4/);

    const shown = await read(["datanet", "show", "1", "--store", store.url]);
    expect(shown).toMatchObject({ id: 1, metadata: { name: "curated rows" } });
    expect(shown.contributions.map((c: { id: number; status: string }) => [c.id, c.status])).toEqual([
      [1, "pending"],
    ]);
  });

  it("a curator accepts one contribution and rejects another, whose stake goes back; no one else may", async () => {
    expect(await cli(CONTRIBUTOR, contributeArgs(await rowsFile("b.jsonl", 2)))).toMatchObject({
      contribution: 2,
    });
    const before = await balance(2);

    const intruder = await failure(runCli(CONTRIBUTOR, ["datanet", "accept", "1", ...chain()]));
    expect(intruder.stderr).toMatch(/error NOT_CURATOR/);
    expect((await provider.getContribution(1))!.status).toBe("pending");

    expect(await cli(CURATOR, ["datanet", "accept", "1"])).toMatchObject({ status: "executed" });
    expect(await cli(CURATOR, ["datanet", "reject", "2"])).toMatchObject({ status: "executed" });
    expect((await provider.getContribution(1))!.status).toBe("accepted");
    expect((await provider.getContribution(2))!.status).toBe("rejected");
    expect(await balance(2)).toBe(before + STAKE);
    // A decided contribution is not decided again.
    expect((await failure(runCli(CURATOR, ["datanet", "reject", "1", ...chain()]))).stderr).toMatch(
      /error [A-Z_]+/,
    );

    const { stdout } = await runCli(CURATOR, [
      "datanet",
      "show",
      "1",
      "--store",
      store.url,
      "--rpc",
      `${node.url}/rpc`,
    ]);
    expect(stdout).toMatch(/accepted {6}1 \(#1: 8 rows\)/);
    expect(stdout).toMatch(/rejected {6}1 \(#2: 8 rows\)/);
  });

  it("shows an unknown Datanet as a coded error, and a store without the document as such", async () => {
    expect((await failure(runCli(CURATOR, ["datanet", "show", "9", ...reads()]))).stderr).toMatch(
      /error UNKNOWN_DATANET: no Datanet 9 on L2/,
    );
    const empty = await startStore({ dataDir: join(dir, "empty-store"), port: 0 });
    try {
      const shown = await read(["datanet", "show", "1", "--store", empty.url]);
      expect(shown).toMatchObject({ id: 1, metadataError: expect.stringMatching(/^NOT_FOUND/) });
    } finally {
      await empty.stop();
    }
  });
});
