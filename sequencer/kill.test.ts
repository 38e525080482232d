import type { ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { TEST_PARAMS } from "../protocol/params.ts";
import { poseidon } from "../protocol/poseidon.ts";
import { verifyProof } from "../protocol/smt.ts";
import { TxType } from "../protocol/tx/types.ts";
import { depositParam, rpc, signedHex, spawnSequencer, tempDir } from "./testing.ts";

/**
 * Durability under kill -9: a real sequencer process takes transfers from several
 * concurrent clients, sealing small batches all the time, and is killed with SIGKILL at a
 * random moment, again and again, often while a batch and its tree nodes are being written.
 * After every restart each transaction that was answered "executed" must be found at the batch
 * and position it was given, and every account's proof, read from the tree nodes on disk,
 * must verify against the state root the node serves.
 */
const ROUNDS = 8;
const SENDERS = 6;
const PER_SENDER = 100;

interface Confirmed {
  readonly txHash: string;
  readonly batch: number;
  readonly position: number;
}

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill("SIGKILL");
});

const start = async (dataDir: string) => {
  const started = await spawnSequencer(dataDir);
  child = started.proc;
  return started;
};

interface AccountAnswer {
  readonly proof: {
    stateRoot: string;
    accountsRoot: string;
    registriesHash: string;
    leaf: string;
    siblings: string[][];
  };
}

/** Each account's path leads to the accounts root, and that root to the state root. */
async function checkRoots(url: string): Promise<void> {
  for (let id = 1; id <= SENDERS + 1; id++) {
    const { proof } = (await rpc(url, "ol_getAccount", [id])).result as AccountAnswer;
    expect(BigInt(proof.leaf)).not.toBe(0n);
    const path = {
      index: BigInt(id),
      leaf: BigInt(proof.leaf),
      siblings: proof.siblings.map((l) => l.map(BigInt)),
    };
    expect(verifyProof(TEST_PARAMS.accounts, BigInt(proof.accountsRoot), path), `account ${id}`).toBe(true);
    expect(poseidon([BigInt(proof.accountsRoot), BigInt(proof.registriesHash)])).toBe(
      BigInt(proof.stateRoot),
    );
  }
}

describe("durability", () => {
  it(`loses no confirmed transaction across ${ROUNDS} kill -9 under load`, async () => {
    const dir = tempDir("kill");
    // Signed up front so that the clients only send: after a restart each resumes at its account's nonce.
    const signed = Array.from({ length: SENDERS }, (_, s) =>
      Array.from({ length: PER_SENDER }, (_, nonce) =>
        signedHex({ type: TxType.Transfer, from: s + 1, nonce, fee: 1n, to: SENDERS + 1, amount: 1n }, s),
      ),
    );
    const confirmed: Confirmed[] = [];
    let transfers = 0;
    let { proc, url } = await start(dir);
    for (let i = 0; i < SENDERS + 1; i++) {
      const r = await rpc(url, "ol_submitDeposit", [depositParam(i, i, 10n ** 9n)]);
      confirmed.push(r.result as Confirmed);
    }
    for (let round = 0; round < ROUNDS; round++) {
      let stop = false;
      const clients = Array.from({ length: SENDERS }, async (_, s) => {
        const from = s + 1;
        let nonce = (await rpc(url, "ol_getNonce", [from])).result as number;
        while (!stop && nonce < PER_SENDER) {
          try {
            const r = await rpc(url, "ol_sendTransaction", [signed[s]![nonce]!]);
            if (r.error) throw new Error(`unexpected refusal: ${r.error.message}`);
            confirmed.push(r.result as Confirmed);
            transfers++;
            nonce++;
          } catch (e) {
            if (stop) return;
            throw e;
          }
        }
      });
      // Kill under load, at a random point: after 5 to 29 more confirmed transfers, so that
      // all rounds together stay within the transactions signed up front.
      const target = transfers + 5 + Math.floor(Math.random() * 25);
      for (let waited = 0; transfers < target && waited < 30_000; waited += 5) {
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(transfers, `round ${round} did not reach its load`).toBeGreaterThanOrEqual(target);
      stop = true;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGKILL");
      // A client only fails if a refusal came before the kill (after it, errors are expected).
      const outcomes = await Promise.allSettled(clients);
      expect(outcomes.filter((o) => o.status === "rejected")).toEqual([]);
      await exited;
      ({ proc, url } = await start(dir));
      for (const c of confirmed) {
        const receipt = (await rpc(url, "ol_getTransactionReceipt", [c.txHash])).result;
        expect(receipt, `${c.txHash} confirmed at ${c.batch}:${c.position}`).toMatchObject({
          batch: c.batch,
          position: c.position,
        });
      }
      await checkRoots(url);
    }
    // Nothing ran twice on replay: each executed transfer moved 1 to the recipient and took one nonce.
    let nonces = 0;
    for (let from = 1; from <= SENDERS; from++)
      nonces += (await rpc(url, "ol_getNonce", [from])).result as number;
    expect(nonces).toBeGreaterThanOrEqual(transfers);
    const recipient = (await rpc(url, "ol_getAccount", [SENDERS + 1])).result as { balance: string };
    expect(BigInt(recipient.balance)).toBe(10n ** 9n + BigInt(nonces));
    proc.kill("SIGKILL");
  });
});
