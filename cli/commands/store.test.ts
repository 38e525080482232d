import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fieldToHex } from "../../protocol/field.ts";
import { modelHash } from "../../protocol/provenance/model-hash.ts";
import { type RunningStore, startStore } from "../../store/server.ts";
import { failure, runCli } from "./testing.ts";

// Well-known throwaway keys (Hardhat's accounts #1 and #2): they guard nothing.
const ALICE = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const BOB = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";

let store: RunningStore;
let dir: string;

const cli = (ethKey: string, args: string[]) => runCli(ethKey, ["store", ...args, "--url", store.url]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "openledger-store-cli-"));
  store = await startStore({ dataDir: join(dir, "store"), port: 0 });
});

afterAll(async () => {
  await store?.stop();
});

describe("openledger store", () => {
  it("puts a file, reads it back, and lets another key read it only once granted", async () => {
    const file = join(dir, "model.onnx");
    const plain = randomBytes(1_500_000);
    await writeFile(file, plain);
    const blob = JSON.parse((await cli(ALICE, ["put", file, "--kind", "model"])).stdout);
    // Declared under its modelHash, so a reader finds it by the chain's value.
    expect(blob).toMatchObject({
      kind: "model",
      size: expect.any(Number),
      contentHash: fieldToHex(modelHash(new Uint8Array(plain))),
    });

    await cli(ALICE, ["get", blob.id, "--out", join(dir, "alice.out")]);
    expect(await readFile(join(dir, "alice.out"))).toEqual(plain);

    const bob = JSON.parse((await cli(BOB, ["whoami", "--json"])).stdout) as { key: string; box: string };
    const refused = await failure(cli(BOB, ["get", blob.id, "--out", join(dir, "bob.out")]));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error NOT_GRANTED: /);
    await expect(readFile(join(dir, "bob.out"))).rejects.toThrow(/ENOENT/);

    await cli(ALICE, ["grant", blob.id, "--to", `${bob.key}:${bob.box}`]);
    await cli(BOB, ["get", blob.id, "--out", join(dir, "bob.out")]);
    expect(await readFile(join(dir, "bob.out"))).toEqual(plain);
  });
});
