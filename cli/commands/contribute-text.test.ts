import { mkdirSync, mkdtempSync } from "node:fs";
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
import { textDatanetMetadata } from "../../protocol/text/text-datanet.ts";
import { textRoot, tokenStream } from "../../protocol/text/text-root.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { startNode, type SequencerNode } from "../../sequencer/node.ts";
import { depositParam, rpc, tempDir, testNodeConfig } from "../../sequencer/testing.ts";
import { type RunningStore, startStore } from "../../store/server.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { TOKENIZER_HASH } from "../../protocol/text/tokenizer.ts";
import { DEFAULT_TEXT_CONFIG, trainTextArtifact } from "../../prover/training/text-train.ts";
import { failure, runCli } from "./testing.ts";

// A well-known throwaway key (Hardhat's account #1): it guards nothing.
const ALICE = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

let node: SequencerNode;
let store: RunningStore;
let dir: string;
let provider: OpenLedgerProvider;
const docs = ["The first note.\n", "A second note, with a café.\n"];

const common = () => ["--params", "test", "--rpc", `${node.url}/rpc`, "--store", store.url, "--json"];
const contributeText = (path: string) => [
  ...["contribute", "--datanet", "1", "--text", path, "--stake", "100", "--wei"],
  ...["--state-dir", join(dir, "state"), ...common()],
];
const textDir = async (name: string, files: Record<string, string | Uint8Array>) => {
  const path = join(dir, name);
  mkdirSync(path);
  for (const [file, text] of Object.entries(files)) await writeFile(join(path, file), text);
  return path;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "openledger-contribute-text-"));
  node = await startNode(testNodeConfig(tempDir("contribute-text")), pino({ level: "silent" }));
  provider = new OpenLedgerProvider(`${node.url}/rpc`);
  store = await startStore({ dataDir: join(dir, "store"), port: 0 });
  const { publicKey } = await deriveL2Key(new Wallet(ALICE), DEV_DOMAIN);
  await rpc(node.url, "ol_submitDeposit", [
    {
      ...depositParam(0, 0, 1_000_000n),
      l1Sender: new Wallet(ALICE).address,
      publicKey: { x: fieldToHex(publicKey.x), y: fieldToHex(publicKey.y) },
    },
  ]);
});

afterAll(async () => {
  await store?.stop();
  await node?.stop();
});

describe("openledger datanet create --text, contribute --text, model train on a text Datanet", () => {
  it("creates a text Datanet and registers a directory's .txt files as its documents, by name", async () => {
    const created = JSON.parse(
      (
        await runCli(ALICE, [
          ...["datanet", "create", "--text", "--name", "Notes", "--licenses", "CC-BY-4.0,CC0-1.0"],
          ...common(),
        ])
      ).stdout,
    );
    const metadata = textDatanetMetadata({ name: "Notes", license: 1 });
    expect(created).toMatchObject({ datanet: 1, metadataHash: fieldToHex(metadataHash(metadata)) });

    const path = await textDir("notes", {
      "b.txt": docs[1]!,
      "a.txt": docs[0]!,
      "README.md": "not a document",
    });
    const out = JSON.parse((await runCli(ALICE, contributeText(path))).stdout);
    const root = fieldToHex(textRoot(tokenStream(docs)));
    expect(out).toMatchObject({ contribution: 1, status: "executed", rowCount: 2, contentRoot: root });
    expect(await provider.getContribution(1)).toMatchObject({ contentRoot: root, rowCount: 2, license: 1 });
    const shown = (
      await runCli(ALICE, ["datanet", "show", "1", "--rpc", `${node.url}/rpc`, "--store", store.url])
    ).stdout;
    expect(shown).toContain(`schema        text, documents tokenized by ${metadata.schema.tokenizer}`);
  });

  it("model train --datanet trains a text model on the Datanet's documents from the store", async () => {
    // Registering a model takes the test parameters' minimum stake.
    await runCli(ALICE, [
      ...["tx", "stake", "--account", "1", "--amount", "1000", "--wei"],
      ...["--params", "test", "--rpc", `${node.url}/rpc`],
    ]);
    const train = ["model", "train", "--datanet", "1", "--account", "1", "--fee", "5", "--wei"];
    const at = ["--params", "test", "--rpc", `${node.url}/rpc`, "--url", store.url];
    // A classifier's options on a text Datanet are refused, not ignored, and nothing registers.
    expect(
      (await failure(runCli(ALICE, [...train, "--epochs", "3", "--head-l2", "0.5", ...at]))).stderr,
    ).toMatch(
      /error INVALID_TRAINING: --epochs, --head-l2 train classifiers, and Datanet 1 is a text Datanet/,
    );
    expect(await provider.getModel(1)).toBeNull();
    const out = JSON.parse(
      (
        await runCli(ALICE, [
          ...["model", "train", "--datanet", "1", "--account", "1", "--fee", "5", "--wei"],
          ...["--params", "test", "--rpc", `${node.url}/rpc`, "--url", store.url, "--json"],
        ])
      ).stdout,
    );
    // The documents and the default configuration retrain the registered bytes.
    const config = { ...DEFAULT_TEXT_CONFIG, tokenizerHash: TOKENIZER_HASH };
    const again = trainTextArtifact([{ id: 1, documents: docs }], config, TEST_PARAMS);
    expect(out).toMatchObject({
      status: "executed",
      kind: "ngram",
      contributions: [1],
      modelHash: fieldToHex(again.modelHash),
      trainingConfigHash: fieldToHex(again.trainingConfigHash),
    });
    expect(await provider.getModel(out.model)).toMatchObject({
      modelHash: fieldToHex(again.modelHash),
      contributions: [1],
      checkpointCommitment: fieldToHex(0n),
    });
  });

  it("refuses a document that is not UTF-8, naming its file", async () => {
    const latin1 = await textDir("latin1", { "a.txt": Uint8Array.of(0x63, 0x61, 0x66, 0xe9) });
    expect((await failure(runCli(ALICE, contributeText(latin1)))).stderr).toMatch(
      /error INVALID_DOCUMENTS: .*latin1\/a\.txt is not UTF-8/,
    );
  });
});
