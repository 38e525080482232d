import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { derivePublicKey } from "../../protocol/eddsa.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { blobUriCommitment } from "../../protocol/provenance/uri-commitment.ts";
import { OPEN_DATANET, rejectionCode } from "../../protocol/testing.ts";
import { decodeDocuments, encodeDocuments } from "../../protocol/text/documents.ts";
import { textContribution } from "../../protocol/text/text-contribution.ts";
import { textDatanetMetadata } from "../../protocol/text/text-datanet.ts";
import { textRoot, tokenStream } from "../../protocol/text/text-root.ts";
import { loadBrown } from "../../prover/datasets/text-corpora.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { L2Wallet } from "../../sdk/wallet.ts";
import { startNode, type SequencerNode } from "../../sequencer/node.ts";
import { depositParam, rpc, tempDir, testKey, testNodeConfig } from "../../sequencer/testing.ts";
import { StoreClient } from "../../store/client.ts";
import { contribute, type DocumentsRequest } from "../../store/contribute.ts";
import { fetchContributionDocuments } from "../../store/fetch-documents.ts";
import { contributionBlob } from "../../store/fetch-rows.ts";
import { StoreKey } from "../../store/identity.ts";
import { type RunningStore, startStore } from "../../store/server.ts";

/**
 * Text contributions against a real sequencer (temp LevelDB) and a real store server (temp
 * dir): Brown's humor genre (9 documents, about 28,000 tokens) contributed by alice (account
 * 1), read back by her and by bob (account 2) once granted; carol (account 3) lies to the store.
 */
let dir: string;
let node: SequencerNode;
let store: RunningStore;
let provider: OpenLedgerProvider;
const clients: StoreClient[] = [];
const wallet = (k: number) =>
  new L2Wallet(
    { privateKey: testKey(k), publicKey: derivePublicKey(testKey(k)) },
    k + 1,
    provider,
    DEV_DOMAIN,
    TEST_PARAMS,
  );
const client = (k: number) => {
  const c = new StoreClient(store.url, new StoreKey(testKey(k)));
  clients.push(c);
  return c;
};
const TEXT = textDatanetMetadata({ name: "Brown humor", license: 1 });
const humor = loadBrown()
  .filter((d) => d.group === "r")
  .map((d) => d.text);
const request = (k: number, documents: readonly string[]): DocumentsRequest => ({
  documents,
  metadata: TEXT,
  datanet: 1,
  stake: 100n,
  license: 1,
  fee: 0n,
  refuseDuplicates: false,
  stateDir: join(dir, `state-${k}`),
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "openledger-text-"));
  node = await startNode(testNodeConfig(tempDir("text-contribution")), pino({ level: "silent" }));
  provider = new OpenLedgerProvider(`${node.url}/rpc`);
  store = await startStore({ dataDir: join(dir, "store"), port: 0 });
  for (const k of [0, 1, 2]) await rpc(node.url, "ol_submitDeposit", [depositParam(k, k, 10_000n)]);
  await wallet(0).createDatanet(OPEN_DATANET);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await store?.stop();
  await node?.stop();
});

describe("text contributions", () => {
  it("round-trip a Brown genre through the store, its contentRoot the textRoot of its documents", async () => {
    const alice = client(0);
    const bob = client(1);
    const phases = new Set<string>();
    const result = await contribute(request(0, humor), alice, wallet(0), {
      progress: (p) => phases.add(p),
    });
    expect([...phases]).toEqual(["tokenize", "hash", "upload"]);
    const root = fieldToHex(textRoot(tokenStream(humor)));
    expect(result).toMatchObject({
      contribution: 1,
      status: "executed",
      rowCount: humor.length,
      contentRoot: root,
    });
    expect(await provider.getContribution(1)).toMatchObject({
      contentRoot: root,
      rowCount: humor.length,
      uriCommitment: fieldToHex(blobUriCommitment(result.blobId)),
    });
    const read = await fetchContributionDocuments(provider, alice, 1);
    expect(read.documents).toEqual(humor.map((d) => d.normalize("NFC")));
    expect(read.blobId).toBe(result.blobId);
    expect(fieldToHex(textRoot(read.stream))).toBe(root);

    // Bob holds no envelope until alice grants him one, finding the blob as
    // `openledger grant --contribution` does.
    expect(await rejectionCode(fetchContributionDocuments(provider, bob, 1))).toBe("NOT_GRANTED");
    const blobId = await contributionBlob(alice, (await provider.getContribution(1))!);
    expect(blobId).toBe(result.blobId);
    await alice.grant(blobId, bob.key.identity, "reader");
    expect(decodeDocuments(await bob.get(result.blobId))).toEqual(read.documents);
  });

  it("refuses the same documents again as DUPLICATE_CONTENT, whoever sends them", async () => {
    const stored: number[][] = [];
    const again = contribute(request(1, humor), client(1), wallet(1), {
      stored: (_, duplicates) => stored.push([...duplicates]),
    });
    expect(await rejectionCode(again)).toBe("DUPLICATE_CONTENT");
    // The store saw every document in the Datanet already, and said so before registration.
    expect(stored).toEqual([humor.map((_, i) => i)]);
  });

  it("refuses documents that do not give the recorded contentRoot, naming the contribution", async () => {
    const carol = client(2);
    const honest = ["The jury praised the administration.", "It said the election was conducted well."];
    const declared = textContribution(honest);
    const tampered = encodeDocuments([honest[0]!, "It said the election was conducted badly."]);
    const { blob } = await carol.put({
      kind: "documents",
      plaintextLength: tampered.length,
      plaintext: async function* () {
        yield tampered;
      },
      datanet: 1,
      rowHashes: declared.documentHashes,
      contentRoot: fieldToHex(declared.contentRoot),
    });
    const sent = await wallet(2).registerContribution({
      datanet: 1,
      contentRoot: declared.contentRoot,
      rowCount: 2,
      license: 1,
      uriCommitment: blobUriCommitment(blob.id),
      stake: 100n,
    });
    const id = (await provider.getTransactionReceipt(sent.txHash))!.created!.id;
    const refused = fetchContributionDocuments(provider, carol, id);
    await expect(refused).rejects.toThrow(
      new RegExp(`contribution ${id}'s blob ${blob.id} holds 2 documents`),
    );
    expect(await rejectionCode(fetchContributionDocuments(provider, carol, id))).toBe(
      "CONTENT_ROOT_MISMATCH",
    );
  });

  it("refuses documents for a tabular Datanet and rows for a text one", async () => {
    const tabular = {
      version: 1,
      name: "pairs",
      description: "",
      schema: { features: { count: 2, kind: "numeric" }, label: { kind: "class", classes: 3 } },
      license: 1,
    } as const;
    const docs = contribute({ ...request(2, ["a"]), metadata: tabular }, client(2), wallet(2));
    expect(await rejectionCode(docs)).toBe("WRONG_DATANET_KIND");
    const { documents: _, ...fields } = request(2, []);
    const rows = contribute({ ...fields, file: join(dir, "none.csv"), format: "csv" }, client(2), wallet(2));
    expect(await rejectionCode(rows)).toBe("WRONG_DATANET_KIND");
  });
});
