import { parentPort, workerData } from "node:worker_threads";
import { PRODUCTION_PARAMS } from "../protocol/params.ts";
import { encodeTx } from "../protocol/tx/codec.ts";
import { signTx } from "../protocol/tx/sign.ts";
import { TxType } from "../protocol/tx/types.ts";
import { DEV_DOMAIN } from "../protocol/genesis.ts";
import { testKey } from "../sequencer/testing.ts";

/** Signs the benchmark's transfers off the main thread: [sender, count] jobs in, hex by sender out. */
const { jobs, accounts } = workerData as { jobs: Array<[number, number]>; accounts: number };
const out: Record<number, string[]> = {};
for (const [s, count] of jobs) {
  out[s] = [];
  for (let nonce = 0; nonce < count; nonce++) {
    const tx = {
      type: TxType.Transfer,
      from: s,
      nonce,
      fee: 1n,
      to: (s % accounts) + 1,
      amount: 1n,
    } as const;
    out[s].push(Buffer.from(encodeTx(signTx(tx, testKey(s), DEV_DOMAIN, PRODUCTION_PARAMS))).toString("hex"));
  }
}
parentPort!.postMessage(out);
