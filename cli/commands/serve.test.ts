import { type ChildProcess, execFile, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FEE, type Rig, startRig } from "../../inference/testing.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { deriveL2Key } from "../../protocol/keys.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { modelHash } from "../../protocol/provenance/model-hash.ts";
import { depositParam, rpc } from "../../sequencer/testing.ts";
import { StoreKey } from "../../store/identity.ts";

const run = promisify(execFile);
// Well-known throwaway keys (Hardhat's accounts #4, #5 and #6): they guard nothing.
const USER = "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a";
const OPERATOR = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
const VERIFIER = "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e";

/** `openledger serve`, `infer` and `serve verify` as a user and an operator run them. */
describe("openledger serve and infer", () => {
  let rig: Rig;
  let serve: ChildProcess;
  let nodeUrl: string;
  let userAccount: number;

  const cli = (ethKey: string, args: string[]) =>
    run("node_modules/.bin/node", ["bin/openledger.mjs", ...args], {
      env: { ...process.env, OPENLEDGER_ETH_KEY: ethKey },
    });
  const storeIdentity = async (ethKey: string) =>
    new StoreKey((await deriveL2Key(new Wallet(ethKey), DEV_DOMAIN)).privateKey).identity;

  beforeAll(async () => {
    rig = await startRig({ params: TEST_PARAMS, users: 0 });
    // The user's account, opened for the L2 key its Ethereum key derives.
    const key = await deriveL2Key(new Wallet(USER), DEV_DOMAIN);
    const opening = {
      ...depositParam(1, 0, 10n ** 6n),
      publicKey: { x: fieldToHex(key.publicKey.x), y: fieldToHex(key.publicKey.y) },
    };
    expect((await rpc(rig.sequencer.url, "ol_submitDeposit", [opening])).error).toBeUndefined();
    userAccount = (await rig.provider.call<{ counters: { accounts: number } }>("ol_getStateRoot")).counters
      .accounts;
    // The model's owner lets this operator run the model, and the verifier read it.
    const [blob] = await rig.ownerStore.findByContent(fieldToHex(modelHash(rig.modelBytes)));
    await rig.ownerStore.grant(blob!.id, await storeIdentity(OPERATOR), "reader");
    const verifier = await storeIdentity(VERIFIER);
    await rig.ownerStore.grant(blob!.id, verifier, "prover");

    serve = spawn(
      "node_modules/.bin/node",
      [
        "bin/openledger.mjs",
        "serve",
        ...["--sequencer", `${rig.sequencer.url}/rpc`, "--store", rig.store.url, "--port", "0"],
        ...["--params", "test", "--reader", `${verifier.key}:${verifier.box}`],
      ],
      { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, OPENLEDGER_ETH_KEY: OPERATOR } },
    );
    nodeUrl = await new Promise<string>((resolve, reject) => {
      createInterface({ input: serve.stdout! }).on("line", (line) => {
        const msg = JSON.parse(line) as { msg?: string; url?: string };
        if (msg.msg === "inference node listening") resolve(msg.url!);
      });
      serve.once("exit", (code) => reject(new Error(`serve exited with ${code}`)));
    });
  }, 60_000);

  afterAll(async () => {
    serve?.kill("SIGTERM");
    await rig?.stop();
  });

  it("pays for an inference, prints the checked output, and a verifier replays it", async () => {
    const input = join(rig.dir, "input.json");
    await writeFile(input, JSON.stringify(Array.from(rig.inputs[0]!)));
    const infer = ["infer", "--model", String(rig.model), "--input", input, "--account", String(userAccount)];
    const where = ["--node", nodeUrl, "--rpc", `${rig.sequencer.url}/rpc`, "--params", "test"];
    const paid = JSON.parse((await cli(USER, [...infer, ...where, "--json"])).stdout) as {
      status: string;
      txHash: string;
      output: { label: number; probs: number[] };
      quote: { payment: string };
    };
    expect(paid.status).toBe("executed");
    expect(paid.quote.payment).toBe(FEE.toString());
    expect(paid.output.probs).toHaveLength(3);
    expect((await rig.provider.getAccount(userAccount))?.balance).toBe((10n ** 6n - FEE).toString());

    const { stdout } = await cli(VERIFIER, [
      ...["serve", "verify", "--inference", "1"],
      ...["--sequencer", `${rig.sequencer.url}/rpc`, "--store", rig.store.url],
    ]);
    expect(stdout).toMatch(/^OK inference 1: /);
    const unknown = await cli(VERIFIER, [
      ...["serve", "verify", "--inference", "9"],
      ...["--sequencer", `${rig.sequencer.url}/rpc`, "--store", rig.store.url],
    ]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(unknown?.code).toBe(1);
    expect(unknown?.stderr).toMatch(/^error UNKNOWN_INFERENCE: no inference 9 on L2/);

    // A refused input: one line with its code, exit code 1, nothing paid.
    await writeFile(input, JSON.stringify([1, 2]));
    const refused = await cli(USER, [...infer, ...where]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toMatch(/^error BAD_SHAPE: model \d+ takes 4 numbers, got 2/);
    expect((await rig.provider.getAccount(userAccount))?.balance).toBe((10n ** 6n - FEE).toString());
  });
});
