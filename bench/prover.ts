/**
 * Prover benchmark (issue 5). Constraints per transaction at production size (2^24 accounts)
 * from the compiled account slot and the measured blob-evaluation cost of its 17-byte record
 * (docs/protocol.md section 8.2: a Horner step mod BLS12-381's r per 31 bytes); then
 * witness and Groth16 proving times for the 1-slot test batch circuit on the prover node's
 * snarkjs worker backend. Progress on stderr; the last stdout line is one JSON object, also
 * written to bench/results/prover.json.
 *   npm run bench:prover [-- --quick]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { buildCircuit, compileCircuit } from "../circuits/tools/artifacts.ts";
import { verifyGroth16 } from "../circuits/runtime/groth16-proof.ts";
import { terminateSnarkjsCurve } from "../circuits/runtime/snarkjs-curve.ts";
import { SLOT_RECORD_BYTES } from "../protocol/batch/layout.ts";
import { BYTES_PER_ELEMENT } from "../protocol/blob/encoding.ts";
import { derivePublicKey } from "../protocol/eddsa.ts";
import { PRODUCTION_PARAMS, TEST_PARAMS } from "../protocol/params.ts";
import { TEST_BINDING } from "../protocol/testing.ts";
import { RollupState } from "../protocol/state/state.ts";
import { signTx } from "../protocol/tx/sign.ts";
import { TxType } from "../protocol/tx/types.ts";
import { VECTOR_DOMAIN } from "../protocol/vectors/twins.ts";
import { SnarkjsBackend } from "../prover/node/backend.ts";
import { buildBatchWitness } from "../protocol/batch/witness.ts";
import { GENESIS_GOVERNANCE } from "../protocol/genesis.ts";

const quick = process.argv.includes("--quick");
const PROOFS = quick ? 1 : 3;
const SHAPE = { slots: 1, withdrawals: 0 };
const log = (line: string) => process.stderr.write(`[bench:prover] ${line}\n`);

const { arity, depth } = PRODUCTION_PARAMS.accounts;
const slot = await compileCircuit(`account_slot_${arity}x${depth}`, { log });
const [sixElements, seventeenElements] = await Promise.all([
  compileCircuit("blob_eval_6", { log }),
  compileCircuit("blob_eval_17", { log }),
]);
const dataPerByte = (seventeenElements.constraints - sixElements.constraints) / (11 * BYTES_PER_ELEMENT);
const dataPerTx = Math.round(dataPerByte * SLOT_RECORD_BYTES);
// Its own circuit (one slot, the cheapest to prove); no verifier contract is deployed here.
const circuit = await buildCircuit("batch_8x2_1tx", { log, verifiersDir: null });

// Two deposits (one slot per batch) open accounts 1 and 2; the proved batches are transfers.
const key = Uint8Array.from({ length: 32 }, (_, i) => i + 7);
const state = new RollupState(
  { domain: VECTOR_DOMAIN, params: TEST_PARAMS, governance: GENESIS_GOVERNANCE },
  { witness: true },
);
const deposit = (queueIndex: bigint) =>
  ({
    type: TxType.Deposit,
    queueIndex,
    l1Sender: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    to: 0,
    publicKey: derivePublicKey(key),
    amount: 10n ** 9n,
  }) as const;
buildBatchWitness(state, [deposit(0n)], 1, SHAPE, TEST_BINDING);
buildBatchWitness(state, [deposit(1n)], 1, SHAPE, TEST_BINDING);

const backend = new SnarkjsBackend();
const witnessTimes: number[] = [];
const proveTimes: number[] = [];
let proverRssMb = 0;
for (let i = 0; i < PROOFS; i++) {
  const tx = signTx(
    { type: TxType.Transfer, from: 1, nonce: i, fee: 10n, to: 2, amount: 1000n },
    key,
    VECTOR_DOMAIN,
    TEST_PARAMS,
  );
  const w = buildBatchWitness(state, [tx], 1, SHAPE, TEST_BINDING);
  const r = await backend.prove({ wasm: circuit.wasm, zkey: circuit.zkey, input: w.input });
  if (
    BigInt(r.publicSignals[0]!) !== w.publicInput ||
    !(await verifyGroth16(circuit, r.proof, r.publicSignals))
  ) {
    throw new Error("the benchmark's proof does not verify against the TypeScript public input");
  }
  witnessTimes.push(r.witnessSeconds);
  proveTimes.push(r.proveSeconds);
  proverRssMb = Math.max(proverRssMb, r.peakRssMb);
  log(
    `proof ${i + 1}/${PROOFS}: witness ${r.witnessSeconds.toFixed(2)} s, prove ${r.proveSeconds.toFixed(2)} s`,
  );
}
await backend.close();
await terminateSnarkjsCurve();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const witnessSeconds = median(witnessTimes);
const proveSeconds = median(proveTimes);
const result = {
  constraintsPerTx: slot.constraints,
  dataConstraintsPerTx: dataPerTx,
  constraintsPerTxWithData: slot.constraints + dataPerTx,
  productionAccounts: `2^${Math.log2(arity) * depth} (arity ${arity}, depth ${depth})`,
  nTx: SHAPE.slots,
  batchCircuit: circuit.name,
  batchConstraints: circuit.constraints,
  witnessSeconds: Number(witnessSeconds.toFixed(3)),
  proveSeconds: Number(proveSeconds.toFixed(3)),
  provedTxPerSec: Number((SHAPE.slots / (witnessSeconds + proveSeconds)).toFixed(4)),
  // The proving process's peak; the node's own process stays far below it.
  peakRssMb: Math.max(proverRssMb, Math.round(process.resourceUsage().maxRSS / 1024)),
  backend: backend.name,
  proofs: PROOFS,
  cores: cpus().length,
  quick,
};
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/prover.json", `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result)}\n`);
