import type { ChildProcess } from "node:child_process";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { devWallet } from "../../contracts/deploy/dev-accounts.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { GENESIS_GOVERNANCE } from "../../protocol/genesis.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import type { SettlementData } from "../../protocol/rewards/encoding.ts";
import { signSettlement } from "../../protocol/rewards/sign.ts";
import { REWARD_FIXTURE_SETTLEMENT, ledgerKey, rewardFixtureLedger } from "../../protocol/rewards/testing.ts";
import { encodeTx } from "../../protocol/tx/codec.ts";
import { signTx } from "../../protocol/tx/sign.ts";
import { isQueueOp, TxType } from "../../protocol/tx/types.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { rpc, spawnSequencer, tempDir } from "../../sequencer/testing.ts";
import { type Devnet, startDevnet } from "../devnet/devnet.ts";

let child: ChildProcess | undefined;
let devnet: Devnet | undefined;
afterEach(async () => {
  child?.kill("SIGKILL");
  await devnet?.stop();
  devnet = undefined;
});

const start = async (dataDir: string, extra: string[], env: NodeJS.ProcessEnv) => {
  const started = await spawnSequencer(dataDir, extra, env);
  child = started.proc;
  return started;
};

/**
 * An acknowledged settlement survives kill -9: the sequencer (with its L1, which it asks
 * whether the submitter is a bonded prover) is killed right after answering a settlement and
 * the transfer that follows it, three times; after each restart the settlement is the same
 * entry with the same payout, its records are settled, and the transfer is where it was put.
 * (Whether the settlement's entry landed before the kill is up to the race; the replay of its
 * write-ahead entry alone is tested deterministically in sequencer/core/settlements.test.ts.)
 * Here rather than in sequencer/kill.test.ts: the L1 is the devnet's.
 */
describe("durability of settlements", () => {
  it("keeps every acknowledged settlement and the transactions after it across kill -9", async () => {
    devnet = await startDevnet(
      {
        host: "127.0.0.1",
        port: 0,
        dataDir: tempDir("kill-settle-l1"),
        fresh: false,
        users: 1,
        logger: pino({ level: "silent" }),
      },
      [],
    );
    const { deployment } = devnet;
    const domain = { chainId: BigInt(deployment.chainId), rollup: deployment.contracts.rollup };
    const args = [
      ...["--chain-id", deployment.chainId, "--rollup", deployment.contracts.rollup],
      ...["--l1", devnet.l1.url, "--l1-from-block", String(deployment.deployedAtBlock)],
      ...["--l1-batch-circuit", String(deployment.batchCircuitId)],
      ...["--treasury-account", "6", "--reward-circuit", "3:2x4"],
    ];
    // The sequencer's key posts entries; L1 refuses the deposits made over RPC, which only delays posting.
    const env = { ...process.env, OPENLEDGER_SEQUENCER_KEY: devWallet(1).privateKey };
    const dir = tempDir("kill-settle");
    let { proc, url } = await start(dir, args, env);
    const call = async (method: string, params: unknown[]) => {
      const r = await rpc(url, method, params);
      if (r.error) throw new Error(`${method} refused: ${r.error.message}`);
      return r.result;
    };
    const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;
    // The reward fixture under genesis governance: stakes of 10^18 and 10^19.
    const fixture = rewardFixtureLedger({
      deposit: 10n ** 21n,
      stakes: { contribution: 10n ** 18n, model: 10n ** 19n },
    }).txs;
    let lastBatch = 0;
    for (const tx of fixture) {
      if (tx.type === TxType.Deposit) {
        const pub = { x: fieldToHex(tx.publicKey.x), y: fieldToHex(tx.publicKey.y) };
        const d = { ...tx, queueIndex: String(tx.queueIndex), publicKey: pub, amount: tx.amount.toString() };
        const { type: _type, ...param } = d;
        await call("ol_submitDeposit", [param]);
      } else if (!isQueueOp(tx)) {
        lastBatch = ((await call("ol_sendTransaction", [hex(encodeTx(tx))])) as { batch: number }).batch;
      }
    }
    let nonce = (await call("ol_getNonce", [1])) as number; // after the fixture's transactions
    const transfer = () =>
      call("ol_sendTransaction", [
        hex(
          encodeTx(
            signTx(
              { type: TxType.Transfer, from: 1, nonce: nonce++, fee: 1n, to: 2, amount: 1n },
              ledgerKey(1),
              domain,
              TEST_PARAMS,
            ),
          ),
        ),
      ]) as Promise<{ txHash: string; batch: number; position: number }>;
    // The epoch of the fixture's last batch (a loaded machine seals one batch per transaction):
    // one transfer per batch until its last entry is sealed.
    const { epochLength } = GENESIS_GOVERNANCE;
    const epoch = Math.floor((lastBatch - 1) / epochLength);
    while (((await call("ol_getBatchNumber", [])) as number) < (epoch + 1) * epochLength) {
      await transfer();
      await new Promise((r) => setTimeout(r, 60));
    }
    const { treasuryAccount: _treasury, ...base } = REWARD_FIXTURE_SETTLEMENT;
    const settled: { entry: unknown; inference: number }[] = [];
    for (const [i, inference] of [1, 3, 4].entries()) {
      const data: SettlementData = { ...base, epoch, inferences: [inference], scores: [base.scores[0]!] };
      const answer = await new OpenLedgerProvider(`${url}/rpc`).submitSettlement(
        signSettlement(data, ledgerKey(data.proverAccount), domain),
      );
      const after = await transfer();
      expect(after.batch).toBe(answer.entry + 1);
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGKILL");
      await exited;
      ({ proc, url } = await start(dir, args, env));
      const entry = (await call("ol_getBatch", [answer.entry])) as { kind: string; paid: string };
      expect(entry, `settlement ${i} at entry ${answer.entry}`).toMatchObject({
        kind: "settlement",
        inferences: [inference],
        paid: answer.paid,
      });
      settled.push({ entry, inference });
      expect(await call("ol_getTransactionReceipt", [after.txHash])).toMatchObject({
        batch: after.batch,
        position: after.position,
      });
    }
    // Every settlement is still there, unchanged, and its record paid out.
    for (const { entry, inference } of settled) {
      expect(await call("ol_getBatch", [(entry as { number: number }).number])).toEqual(entry);
      expect(await call("ol_getInference", [inference])).toMatchObject({ payment: "0" });
    }
    proc.kill("SIGKILL");
  }, 300_000);
});
