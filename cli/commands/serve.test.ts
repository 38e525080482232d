import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { type Contract, JsonRpcProvider, Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FEE, type Rig, startRig } from "../../inference/testing.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { deriveL2Key } from "../../protocol/keys.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { modelHash } from "../../protocol/provenance/model-hash.ts";
import { depositParam, rpc } from "../../sequencer/testing.ts";
import { StoreClient } from "../../store/client.ts";
import { StoreKey } from "../../store/identity.ts";
import { pino } from "pino";
import { L2Wallet } from "../../sdk/wallet.ts";
import { InferenceOperatorList } from "../../contracts/client/inference-operators.ts";
import { bondOperator, fundAccounts } from "../../contracts/deploy/bootstrap.ts";
import { devDeployConfig } from "../../contracts/deploy/config.ts";
import { type Deployment, deployOpenLedger } from "../../contracts/deploy/deploy.ts";
import { STUB_BATCH_VERIFIER } from "../../contracts/test/fixture.ts";
import { onnxLoader } from "../../inference/model-cache.ts";
import { checkEvidence, type SlashEvidence } from "../../inference/evidence.ts";
import { decodeMlp } from "../../prover/models/onnx.ts";
import { type L1Chain, startL1Chain } from "../devnet/l1-chain.ts";

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
  // An L1 the child processes reach over HTTP, the system deployed, OPERATOR bonded and listed.
  let l1: L1Chain;
  let l1Provider: JsonRpcProvider;
  let d: Deployment;
  const l1Args = () => ["--l1", l1.url, "--operators", String(d.inferenceOperators.target)];

  const cli = (ethKey: string, args: string[]) =>
    run("node_modules/.bin/node", ["bin/openledger.mjs", ...args], {
      env: { ...process.env, OPENLEDGER_ETH_KEY: ethKey },
    });
  const storeIdentity = async (ethKey: string) =>
    new StoreKey((await deriveL2Key(new Wallet(ethKey), DEV_DOMAIN)).privateKey).identity;

  beforeAll(async () => {
    rig = await startRig({ params: TEST_PARAMS, users: 0 });
    l1 = await startL1Chain({
      host: "127.0.0.1",
      port: 0,
      journalPath: join(rig.dir, "l1-journal.jsonl"),
      logger: pino({ level: "silent" }),
    });
    l1Provider = new JsonRpcProvider(l1.url, undefined, { staticNetwork: true });
    const deployer = await l1Provider.getSigner(0);
    const sequencer = await l1Provider.getSigner(1);
    const operator = await l1Provider.getSigner(5);
    const verifierL1 = await l1Provider.getSigner(6);
    const config = devDeployConfig(deployer.address, sequencer.address, STUB_BATCH_VERIFIER);
    d = await deployOpenLedger(deployer, config);
    await fundAccounts(d.token, deployer, [operator.address, verifierL1.address], config.l1.minProverBond);
    await bondOperator(d.token, d.rollup, operator, config.l1.minProverBond, false);
    // The verifier is a bonded prover: the node names it by L2 account, checked on L1.
    await bondOperator(d.token, d.rollup, verifierL1, config.l1.minProverBond, true);
    await (await (d.inferenceOperators.connect(operator) as Contract).getFunction("list")()).wait();
    // The user's account, opened for the L2 key its Ethereum key derives.
    const key = await deriveL2Key(new Wallet(USER), DEV_DOMAIN);
    const opening = {
      ...depositParam(1, 0, 10n ** 6n),
      publicKey: { x: fieldToHex(key.publicKey.x), y: fieldToHex(key.publicKey.y) },
    };
    expect((await rpc(rig.sequencer.url, "ol_submitDeposit", [opening])).error).toBeUndefined();
    userAccount = (await rig.provider.call<{ counters: { accounts: number } }>("ol_getStateRoot")).counters
      .accounts;
    // The verifier's account, opened from its bonded L1 address; a signed request tells the
    // store its box key.
    const verifierKey = await deriveL2Key(new Wallet(VERIFIER), DEV_DOMAIN);
    const verifierOpening = {
      ...depositParam(2, 0, 10n ** 6n),
      l1Sender: verifierL1.address,
      publicKey: { x: fieldToHex(verifierKey.publicKey.x), y: fieldToHex(verifierKey.publicKey.y) },
    };
    expect((await rpc(rig.sequencer.url, "ol_submitDeposit", [verifierOpening])).error).toBeUndefined();
    const verifierAccount = userAccount + 1;
    const verifierStore = new StoreClient(rig.store.url, new StoreKey(verifierKey.privateKey));
    await verifierStore.readerIdentity(verifierStore.key.identity.key).finally(() => verifierStore.close());
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
        ...["--params", "test", "--prover", String(verifierAccount)],
        ...l1Args(),
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
  }, 180_000);

  afterAll(async () => {
    serve?.kill("SIGTERM");
    l1Provider?.destroy();
    await l1?.close();
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

  it("refuses to serve for an Ethereum key that is not a listed operator", async () => {
    const refused = await cli(USER, [
      ...["serve", "--sequencer", `${rig.sequencer.url}/rpc`, "--store", rig.store.url, "--port", "0"],
      ...["--params", "test", ...l1Args()],
    ]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toMatch(
      new RegExp(`^error NOT_OPERATOR: ${new Wallet(USER).address} is not a listed compute operator on L1`),
    );
  });

  it("refuses to serve for a --prover reader whose L1 address the rollup does not bond", async () => {
    const refused = await cli(OPERATOR, [
      ...["serve", "--sequencer", `${rig.sequencer.url}/rpc`, "--store", rig.store.url, "--port", "0"],
      ...["--params", "test", "--prover", String(userAccount), ...l1Args()],
    ]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toMatch(
      new RegExp(
        `^error NOT_BONDED_PROVER: account ${userAccount}'s L1 address 0x[0-9a-fA-F]{40} is not a bonded prover on L1`,
        "m",
      ),
    );
  });

  it("verify writes the evidence of a wrong output and proposes to slash the operator", async () => {
    // The same listed operator, its runtime now returning the classes in reverse order.
    const dishonest = await rig.serve({
      key: (await deriveL2Key(new Wallet(OPERATOR), DEV_DOMAIN)).privateKey,
      l1Key: new Wallet(OPERATOR).signingKey,
      operators: new InferenceOperatorList(String(d.inferenceOperators.target), l1Provider),
      readers: [{ identity: await storeIdentity(VERIFIER), role: "prover" }],
      load: async (bytes, dim) => {
        const inner = await onnxLoader(bytes, dim);
        return {
          release: () => inner.release(),
          run: async (x, n) => {
            const { probs } = await inner.run(x, n);
            for (let r = 0; r < n; r++) probs.subarray(r * 3, r * 3 + 3).reverse();
            return { probs };
          },
        };
      },
    });
    let id: number;
    try {
      const key = await deriveL2Key(new Wallet(USER), DEV_DOMAIN);
      const user = new L2Wallet(key, userAccount, rig.provider, DEV_DOMAIN, TEST_PARAMS);
      await rig.client(dishonest, user).infer(rig.model, Array.from(rig.inputs[1]!));
      id = (await rig.provider.call<{ counters: { inferences: number } }>("ol_getStateRoot")).counters
        .inferences;
    } finally {
      await dishonest.stop();
    }
    const evidence = join(rig.dir, "evidence.json");
    const verify = await cli(VERIFIER, [
      ...["serve", "verify", "--inference", String(id), "--evidence", evidence, "--propose-slash", "100"],
      ...["--sequencer", `${rig.sequencer.url}/rpc`, "--store", rig.store.url, ...l1Args()],
    ]).then(
      () => undefined,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(verify?.code).toBe(1);
    expect(verify?.stdout).toMatch(new RegExp(`^WRONG inference ${id}:\n  - the output disagrees`));
    const e = JSON.parse(await readFile(evidence, "utf8")) as SlashEvidence;
    expect(e.operator).toBe(new Wallet(OPERATOR).address);
    expect(checkEvidence(e, decodeMlp(rig.modelBytes))).toEqual([]);
    const proposalId = /proposal \d+ \(id (\d+)\) submitted/.exec(verify?.stderr ?? "")?.[1];
    expect(proposalId).toBeDefined();
    // The proposal read back from L1 in words, as `openledger gov status` shows it.
    expect(verify?.stderr).toContain(`  - slash up to 100 OPEN of operator ${e.operator}'s L1 bond`);
    expect(verify?.stderr).toContain(
      `  - record that compute operator ${e.operator} attested a wrong output for inference ${id}`,
    );
    // Pending: the Governor holds the proposal; a vote and the timelock do the rest.
    expect(await d.governor.connect(l1Provider).getFunction("state")(BigInt(proposalId!))).toBe(0n);

    // A voter checks the evidence against the chains and the store; a doctored copy fails.
    const where = ["--sequencer", `${rig.sequencer.url}/rpc`, "--store", rig.store.url, ...l1Args()];
    const stands = await cli(VERIFIER, ["serve", "check-evidence", "--evidence", evidence, ...where]);
    expect(stands.stdout).toMatch(new RegExp(`^STANDS: ${e.operator} attested output`));
    const doctored = join(rig.dir, "doctored.json");
    await writeFile(doctored, JSON.stringify({ ...e, inference: 1 }));
    const fails = await cli(VERIFIER, ["serve", "check-evidence", "--evidence", doctored, ...where]).then(
      () => undefined,
      (err: { code: number; stdout: string }) => err,
    );
    expect(fails?.code).toBe(1);
    expect(fails?.stdout).toMatch(/^DOES NOT STAND:\n {2}- the L2 record carries another outputHash/);
  });
});
