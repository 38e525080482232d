import { derivePublicKey, signMessage, verifySignature } from "../protocol/eddsa.ts";
import { PRODUCTION_PARAMS } from "../protocol/params.ts";
import { POSEIDON_MAX_INPUTS, poseidon } from "../protocol/poseidon.ts";
import { decodeTx, encodeTx } from "../protocol/tx/codec.ts";
import { txHash } from "../protocol/tx/fields.ts";
import { signTx } from "../protocol/tx/sign.ts";
import { TxType } from "../protocol/tx/types.ts";
import { DEV_DOMAIN } from "../protocol/genesis.ts";
import { testKey } from "../sequencer/testing.ts";

/**
 * Single-thread costs of what a signature worker does per transaction, measured in the
 * benchmark's own process before the sequencer starts (no other thread of it running):
 * operations per CPU second of this process, which other programs on a shared machine
 * disturb less than they disturb wall-clock time.
 */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function rate(budgetMs: number, op: (i: number) => unknown): number {
  for (let i = 0; i < 20; i++) op(i); // warm-up: JIT and WebAssembly tier-up
  let n = 0;
  const started = cpuMs();
  while (cpuMs() - started < budgetMs) op(n++);
  return Math.round((n * 1000) / (cpuMs() - started));
}

export function microBenchmarks(quick: boolean) {
  const budget = quick ? 100 : 300;
  const poseidonPerSec: Record<string, number> = {};
  for (let n = 1; n <= POSEIDON_MAX_INPUTS; n++) {
    const inputs = Array.from({ length: n }, (_, i) => BigInt(i + 1) * 0x1234567890abcdefn);
    poseidonPerSec[n] = rate(budget, (i) => {
      inputs[0] = BigInt(i);
      return poseidon(inputs);
    });
  }
  // Keys used at most twice verify without a comb table; from the third use on, with one.
  const keys = Array.from({ length: quick ? 24 : 64 }, (_, i) => testKey(1000 + i));
  const signed = keys.map((k, i) => ({
    msg: BigInt(i + 7),
    sig: signMessage(k, BigInt(i + 7)),
    pub: derivePublicKey(k),
  }));
  const check = (i: number) => {
    const s = signed[i % signed.length]!;
    if (!verifySignature(s.msg, s.sig, s.pub)) throw new Error("benchmark signature did not verify");
  };
  let fresh = 0;
  const freshStarted = cpuMs();
  for (let i = 0; i < 2 * signed.length; i++, fresh++) check(i);
  const verifyNewKeyPerSec = Math.round((fresh * 1000) / (cpuMs() - freshStarted));
  for (let i = 0; i < signed.length; i++) check(i); // builds the tables
  const verifyKnownKeyPerSec = rate(budget, check);
  const tx = { type: TxType.Transfer, from: 1, nonce: 0, fee: 1n, to: 2, amount: 1n } as const;
  const raw = encodeTx(signTx(tx, testKey(1), DEV_DOMAIN, PRODUCTION_PARAMS));
  const decoded = decodeTx(raw);
  return {
    poseidonHashesPerSec: poseidonPerSec,
    eddsaVerifiesPerSec: { newKey: verifyNewKeyPerSec, knownKey: verifyKnownKeyPerSec },
    txDecodesPerSec: rate(budget, () => decodeTx(raw)),
    txHashesPerSec: rate(budget, () => txHash(decoded, DEV_DOMAIN, PRODUCTION_PARAMS)),
  };
}
