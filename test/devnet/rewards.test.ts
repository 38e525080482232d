/**
 * The devnet's prover node attributes reward epochs by itself (docs/protocol.md §11): every
 * part real and wired as `openledger devnet` wires it (EDR, the sequencer on LevelDB, the
 * store and the inference node over HTTP). Two contributors store iris rows and grant them to
 * the prover's store identity; a model is trained on them and registered; a user pays for an
 * inference through the inference node; the epoch closes. With rewards off (`openledger
 * devnet --no-rewards`) nothing is attributed; the same devnet restarted with them on settles
 * the epoch from the first unsettled one, and the fee reaches L2 balances. Batch proving is off
 * here: it is test/e2e/prover.test.ts's and cli/devnet/devnet.test.ts's, and its keys would
 * take minutes. `openledger prover` itself: it refuses to start without what attributing
 * needs (an L2 account, a reward circuit, a store that answers) unless --no-rewards.
 */
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Contract, JsonRpcProvider } from "ethers";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { ROLLUP_ABI } from "../../contracts/client/rollup-abi.ts";
import { depositForKey } from "../../contracts/deploy/bootstrap.ts";
import { OPEN } from "../../contracts/deploy/config.ts";
import { devWallet } from "../../contracts/deploy/dev-accounts.ts";
import type { Domain } from "../../protocol/domain.ts";
import { deriveL2Key, type L2KeyPair } from "../../protocol/keys.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { OPEN_DATANET } from "../../protocol/testing.ts";
import { splitBySizes } from "../../prover/datasets/dataset.ts";
import { loadIris } from "../../prover/datasets/iris.ts";
import { trainAndRegister } from "../../prover/training/store-training.ts";
import { InferenceClient } from "../../inference/client.ts";
import { accountsOfKey } from "../../sdk/accounts.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { L2Wallet } from "../../sdk/wallet.ts";
import { StoreClient } from "../../store/client.ts";
import { contribute } from "../../store/contribute.ts";
import { StoreKey } from "../../store/identity.ts";
import { failure, runCli } from "../../cli/commands/testing.ts";
import { type Devnet, startDevnet, TREASURY_ACCOUNT } from "../../cli/devnet/devnet.ts";
import { inferenceService } from "../../cli/devnet/inference-service.ts";
import { DEV_PROVER } from "../../cli/devnet/prover-key.ts";
import { proverServiceWith } from "../../cli/devnet/prover-service.ts";
import { sequencerService } from "../../cli/devnet/sequencer-service.ts";
import { storeService } from "../../cli/devnet/store-service.ts";
import { IRIS_METADATA, writeIrisRows } from "../iris-rows.ts";

/** Dev accounts by role (0-2 are the deployer, the sequencer and the prover). */
const CONTRIBUTORS = [3, 4];
const OWNER = 5;
const USER = 6;
const FEE = 1_000n;

let dataDir: string;
let devnet: Devnet | undefined;
const start = (rewards: boolean) =>
  startDevnet(
    { host: "127.0.0.1", port: 0, dataDir, fresh: false, users: 4, logger: pino({ level: "silent" }) },
    [sequencerService, storeService, inferenceService, proverServiceWith({ batches: false, rewards })],
  );
const url = (name: string) => devnet!.services.find((s) => s.name === name)!.url!;
const balanceOn = async (p: OpenLedgerProvider, id: number) => BigInt((await p.getAccount(id))!.balance);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(async () => {
  await devnet?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Polls `check` every 250 ms until it holds, for up to `seconds`. */
async function until(what: string, check: () => Promise<boolean>, seconds = 120): Promise<void> {
  for (let i = 0; i < seconds * 4; i++) {
    if (await check()) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("the devnet's prover attributes reward epochs by itself", () => {
  it(
    "leaves a closed epoch alone with rewards off, settles it once they are on, and credits the fee",
    { timeout: 600_000 },
    async () => {
      dataDir = mkdtempSync(join(tmpdir(), "openledger-devnet-rewards-"));
      devnet = await start(false);
      const domain: Domain = { chainId: devnet.l1.chainId, rollup: devnet.deployment.contracts.rollup };
      const provider = new OpenLedgerProvider(`${url("sequencer")}/rpc`);
      const keys = new Map<number, L2KeyPair>();
      for (const i of [DEV_PROVER, ...CONTRIBUTORS, OWNER, USER])
        keys.set(i, await deriveL2Key(devWallet(i), domain));
      const proverIdentity = new StoreKey(keys.get(DEV_PROVER)!.privateKey).identity;

      // Each user opens an L2 account from L1, as `openledger bridge deposit` does.
      const l1 = new JsonRpcProvider(devnet.l1.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
      const token = new Contract(
        devnet.deployment.contracts.token,
        ["function approve(address,uint256)"],
        l1,
      );
      const rollup = new Contract(devnet.deployment.contracts.rollup, ROLLUP_ABI, l1);
      for (const i of [...CONTRIBUTORS, OWNER, USER]) {
        await depositForKey(
          token,
          rollup,
          await l1.getSigner(devnet.accounts[i]!.address),
          keys.get(i)!.publicKey,
          100n * OPEN,
        );
      }
      l1.destroy();
      const accountOf = new Map<number, number>();
      const accountFor = async (i: number) =>
        (await accountsOfKey(provider, devnet!.accounts[i]!.address, keys.get(i)!.publicKey))[0];
      await until("the deposits to be relayed", async () => (await accountFor(USER)) !== undefined);
      for (const i of [...CONTRIBUTORS, OWNER, USER]) accountOf.set(i, (await accountFor(i))!);
      const wallet = (i: number) =>
        new L2Wallet(keys.get(i)!, accountOf.get(i)!, provider, domain, TEST_PARAMS);
      const storeOf = (i: number) => new StoreClient(url("store"), new StoreKey(keys.get(i)!.privateKey));

      // Rows: two contributions of iris rows, granted to the model owner and the devnet's prover.
      await wallet(OWNER).createDatanet(OPEN_DATANET);
      const [train, held] = splitBySizes(loadIris(), [80, 70], "devnet/rewards");
      const dir = mkdtempSync(join(tmpdir(), "openledger-devnet-rows-"));
      const contributions: number[] = [];
      for (const [c, i] of CONTRIBUTORS.entries()) {
        const file = join(dir, `rows-${i}.jsonl`);
        writeIrisRows(file, train!, c * 40, 40);
        const client = storeOf(i);
        const result = await contribute(
          {
            file,
            format: "jsonl",
            metadata: IRIS_METADATA,
            datanet: 1,
            stake: OPEN,
            license: 1,
            fee: 0n,
            refuseDuplicates: false,
            stateDir: join(dir, "state"),
          },
          client,
          wallet(i),
        );
        contributions.push(result.contribution!);
        for (const reader of [OWNER, DEV_PROVER]) {
          await client.grant(result.blobId, new StoreKey(keys.get(reader)!.privateKey).identity, "prover");
        }
        client.close();
      }

      // The model, stored for the devnet's prover, which is also its inference operator.
      const owner = wallet(OWNER);
      await owner.stake(10n * OPEN);
      const ownerStore = storeOf(OWNER);
      const { model } = await trainAndRegister(owner, ownerStore, {
        contributions,
        hidden: [8],
        epochs: 20,
        batchSize: 16,
        seed: "devnet/rewards",
        classes: 3,
        inferenceFee: FEE,
        readers: [{ identity: proverIdentity, role: "prover" }],
      });
      ownerStore.close();

      // One paid inference through the devnet's inference node.
      const user = new InferenceClient(url("inference"), wallet(USER));
      const { paid } = await user.infer(model!, Array.from(held!.x.subarray(0, 4)));
      const [record] = await provider.listInferences({ offset: 0, limit: 1 });
      expect(record).toMatchObject({ model, payment: String(FEE) });

      // Its epoch closes: transfers until the epoch's last entry is sealed.
      const { epochLength } = await provider.getGovernance();
      const end = (Math.floor((paid.batch! - 1) / epochLength) + 1) * epochLength;
      while ((await provider.getBatchNumber()) < end) {
        const sealed = await provider.getBatchNumber();
        // Two transactions fill a devnet batch, which then seals at once.
        await wallet(USER).transfer(accountOf.get(OWNER)!, 1n);
        await wallet(USER).transfer(accountOf.get(OWNER)!, 1n);
        await until("a batch to seal", async () => (await provider.getBatchNumber()) > sealed, 30);
      }

      // Rewards off: the prover holds no L2 account and the payment stays in escrow.
      await sleep(3_000);
      expect((await provider.getInference(record!.id))!.payment).toBe(String(FEE));
      expect((await provider.getModel(model!))!.escrow).toBe(String(FEE));
      expect(
        await accountsOfKey(provider, devnet.accounts[DEV_PROVER]!.address, keys.get(DEV_PROVER)!.publicKey),
      ).toEqual([]);

      const paidTo = [TREASURY_ACCOUNT, ...[...CONTRIBUTORS, OWNER].map((i) => accountOf.get(i)!)];
      const before = await Promise.all(paidTo.map((id) => balanceOn(provider, id)));

      // The same devnet with rewards on: the prover opens its account and settles the epoch.
      await devnet.stop();
      devnet = await start(true);
      expect(devnet.services.find((s) => s.name === "prover")!.about).toContain(
        `reader ${proverIdentity.key}:${proverIdentity.box}`,
      );
      const after = new OpenLedgerProvider(`${url("sequencer")}/rpc`);
      await until(
        "the epoch's settlement",
        async () => (await after.getInference(record!.id))!.payment === "0",
      );
      expect((await after.getModel(model!))!.escrow).toBe("0");
      const [prover] = await accountsOfKey(
        after,
        devnet.accounts[DEV_PROVER]!.address,
        keys.get(DEV_PROVER)!.publicKey,
      );
      const proverGain = (await balanceOn(after, prover!)) - OPEN;
      const gains = (await Promise.all(paidTo.map((id) => balanceOn(after, id)))).map(
        (b, k) => b - before[k]!,
      );
      // Every unit of the fee reached a balance: data, model owner, prover, treasury (§11.2).
      expect(gains.reduce((a, b) => a + b, 0n) + proverGain).toBe(FEE);
      expect(gains.slice(1, 1 + CONTRIBUTORS.length).reduce((a, b) => a + b, 0n)).toBeGreaterThan(0n);
      expect(proverGain).toBeGreaterThan(0n);
    },
  );

  it(
    "openledger prover refuses to start without what attributing needs, unless --no-rewards",
    { timeout: 120_000 },
    async () => {
      const args = [
        "prover",
        ...["--rpc", `${url("sequencer")}/rpc`, "--store", url("store")],
        ...["--chain-id", String(devnet!.l1.chainId), "--rollup", devnet!.deployment.contracts.rollup],
      ];
      // Dev account #8 has never deposited: no L2 account holds its key.
      const key = devWallet(8).privateKey;
      const refused = await failure(runCli(key, args));
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/CANNOT_ATTRIBUTE.*no L2 account holds your key.*--no-rewards/);
      // With --no-rewards it gets past the account: the next thing it needs is its batch circuit.
      const batchesOnly = await failure(
        runCli(key, [...args, "--no-rewards", "--circuit", "no_such_circuit"]),
      );
      expect(batchesOnly.code).toBe(1);
      expect(batchesOnly.stderr).not.toMatch(/CANNOT_ATTRIBUTE/);
      expect(batchesOnly.stderr).toMatch(/no_such_circuit/);
      // A circuit that is not a reward circuit; a store that does not answer (dev account #6,
      // the user above, has an L2 account).
      const notReward = await failure(runCli(key, [...args, "--reward-circuit", "batch_8x2_2tx_1reg"]));
      expect(notReward.stderr).toMatch(
        /CANNOT_ATTRIBUTE: --reward-circuit: .*not a RewardSettlement circuit.*--no-rewards/,
      );
      const user = devWallet(USER).privateKey;
      const noStore = await failure(runCli(user, [...args, "--store", "http://127.0.0.1:1"]));
      expect(noStore.stderr).toMatch(
        /CANNOT_ATTRIBUTE: the store at http:\/\/127.0.0.1:1 does not answer.*--no-rewards/,
      );
    },
  );
});
