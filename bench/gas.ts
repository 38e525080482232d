/**
 * L1 gas of the rollup's entry points (issue 4): commitBatch at 256 transactions of realistic
 * batch data (fixed layout, with contributions and inferences), proveBatch with a real
 * Groth16 proof, a withdrawal claim and an exit at the production tree depths, on Hardhat's
 * in-process EDR chain at its default hardfork; commit costs also for payments only, transfers
 * only and under Cancun calldata pricing.
 * Progress on stderr; the last stdout line is one JSON object, also written to
 * bench/results/gas.json.
 *   npm run bench:gas
 */
import { mkdirSync, writeFileSync } from "node:fs";
import type { TransactionReceipt } from "ethers";
import type { CircuitArtifacts } from "../circuits/tools/artifacts.ts";
import { terminateSnarkjsCurve } from "../circuits/tools/snarkjs-runtime.ts";
import { commitment, nextBatch } from "../contracts/test/batch-helpers.ts";
import {
  advanceTime,
  deploySystem,
  prepareArtifacts,
  proveStub,
  type System,
} from "../contracts/test/fixture.ts";
import { PRODUCTION_PARAMS } from "../protocol/params.ts";
import { SparseMerkleTree } from "../protocol/smt.ts";
import { withdrawalLeaf } from "../protocol/state/batch.ts";
import { registriesHash } from "../protocol/state/leaves.ts";
import { RollupState } from "../protocol/state/state.ts";
import {
  type GeneratedBatch,
  generateBatch,
  LAYOUT_WITHDRAWALS,
  NO_TXS,
  PAYMENTS_MIX,
  REALISTIC_MIX,
} from "./gas-batch.ts";

const TXS = 256;
const TARGETS = { proveBatchGas: 230_000, perTxL1Gas: 300 };
const ONE_DEPOSIT = generateBatch(1, { ...NO_TXS, deposit: 100 });
const log = (line: string) => process.stderr.write(`[bench:gas] ${line}\n`);

async function gasOf(tx: Promise<{ wait(): Promise<TransactionReceipt | null> }>): Promise<number> {
  const receipt = await (await tx).wait();
  return Number(receipt!.gasUsed);
}

/** A chain at production tree depths whose queue holds `deposits` deposits from alice. */
async function chainWithDeposits(circuit: CircuitArtifacts, deposits: number, hardfork?: string) {
  const s = await deploySystem(circuit, (c) => ({ ...c, protocol: PRODUCTION_PARAMS }), hardfork);
  await (await s.tokenAs(s.alice).getFunction("approve")(s.d.rollup.target, 10n ** 30n)).wait();
  let depositGas = 0;
  for (let i = 0; i < deposits; i++) {
    depositGas = await gasOf(s.rollupAs(s.alice).getFunction("deposit")(0, 1n + BigInt(i), 2n, 10n ** 22n));
  }
  return { s, depositGas };
}

/** Commits the next batch consuming `deposits` more queue operations; returns its gas. */
async function commit(
  s: System,
  batch: GeneratedBatch,
  post: { postStateRoot: bigint; withdrawalsRoot?: bigint },
) {
  const head = await s.d.rollup.getFunction("head")();
  const b = await nextBatch(s.d.rollup, {
    ...post,
    queueEnd: head.queueCommitted + BigInt(batch.deposits),
    data: batch.data,
  });
  return {
    index: b.batchIndex,
    gas: await gasOf(s.rollupAs(s.sequencer).getFunction("commitBatch")(commitment(b), b.data)),
  };
}

/**
 * commitBatch gas of `batch`, and per transaction: amortized (total / 256) and marginal
 * (above a one-deposit batch, both committed after a warm-up commit).
 */
async function commitCost(circuit: CircuitArtifacts, batch: GeneratedBatch, hardfork?: string) {
  const { s } = await chainWithDeposits(circuit, batch.deposits + 2, hardfork);
  await commit(s, ONE_DEPOSIT, { postStateRoot: 1n });
  const one = await commit(s, ONE_DEPOSIT, { postStateRoot: 2n });
  // A non-zero withdrawals root costs a fresh storage slot, as a real batch with withdrawals does.
  const full = await commit(s, batch, {
    postStateRoot: 3n,
    withdrawalsRoot: batch.withdrawals.length > 0 ? 5n : 0n,
  });
  return {
    hardfork: s.hardfork,
    commitBatchGas: full.gas,
    perTxL1Gas: Math.round(full.gas / TXS),
    perTxMarginalL1Gas: Math.round((full.gas - one.gas) / (TXS - 1)),
  };
}

async function main() {
  const circuit = await prepareArtifacts();
  const batch = generateBatch(TXS, REALISTIC_MIX);
  const { s, depositGas } = await chainWithDeposits(circuit, batch.deposits + 2);
  const rollup = s.d.rollup;
  const alice = await s.alice.getAddress();
  log(`${s.hardfork}: queued ${batch.deposits + 2} deposits, ${depositGas} gas each`);

  await commit(s, ONE_DEPOSIT, { postStateRoot: 1n });
  const one = await commit(s, ONE_DEPOSIT, { postStateRoot: 2n });
  // The 256-tx batch's post-state holds an account to exit with; its withdrawals are claimable.
  const state = new RollupState({
    domain: { chainId: BigInt(s.d.file.chainId), rollup: String(rollup.target) },
    params: PRODUCTION_PARAMS,
    governance: s.config.governance,
  });
  state.setAccount(777, {
    publicKey: { x: 5n, y: 6n },
    l1Address: alice,
    balance: 10n ** 21n,
    nonce: 9,
    staked: 10n ** 20n,
  });
  const withdrawals = new SparseMerkleTree({ arity: 2, depth: PRODUCTION_PARAMS.withdrawalsDepth });
  batch.withdrawals.forEach((w, i) => withdrawals.set(BigInt(i), withdrawalLeaf(w)));
  const full = await commit(s, batch, { postStateRoot: state.root(), withdrawalsRoot: withdrawals.root });
  const commitBatchGas = full.gas;
  log(`commitBatch at ${TXS} txs, ${batch.data.length} bytes of batch data: ${commitBatchGas} gas`);

  let proveBatchGas = 0;
  for (const index of [1n, 2n, full.index]) {
    const proof = await proveStub(circuit, await rollup.getFunction("publicInputOf")(index));
    proveBatchGas = await gasOf(s.rollupAs(s.prover).getFunction("proveBatch")(index, 1, proof));
  }
  log(`proveBatch: ${proveBatchGas} gas`);

  const w0 = batch.withdrawals[0]!;
  const siblings = withdrawals.proof(0n).siblings.map((level) => level[0]!);
  const claimWithdrawalGas = await gasOf(
    s.rollupAs(s.bob).getFunction("claimWithdrawal")(full.index, 0, w0.recipient, w0.amount, siblings),
  );
  log(`claimWithdrawal at depth ${PRODUCTION_PARAMS.withdrawalsDepth}: ${claimWithdrawalGas} gas`);

  const forceWithdrawalGas = await gasOf(s.rollupAs(s.alice).getFunction("forceWithdrawal")(777, 1n));
  await advanceTime(s, s.config.l1.queueDeadlineSeconds + 1n);
  const freezeGas = await gasOf(s.rollupAs(s.bob).getFunction("freeze")());
  const account = state.accounts.get(777)!;
  const leaf = {
    publicKeyX: account.publicKey.x,
    publicKeyY: account.publicKey.y,
    l1Address: BigInt(account.l1Address),
    packed: account.balance | (BigInt(account.nonce) << 96n) | (account.staked << 128n),
  };
  const accountSiblings = state.proof("accounts", 777).siblings.map((level) => [...level]);
  const exitGas = await gasOf(
    s.rollupAs(s.bob).getFunction("exit")(777, leaf, accountSiblings, registriesHash(state.roots())),
  );
  log(`exit at accounts depth ${PRODUCTION_PARAMS.accounts.depth}: ${exitGas} gas`);

  // Where the per-transaction cost comes from: payments only (no 107-byte registry records),
  // transfers only, and the realistic batch under Cancun calldata pricing (no EIP-7623 floor).
  const payments = generateBatch(TXS, PAYMENTS_MIX);
  const transfers = generateBatch(TXS, { ...NO_TXS, transfer: 100 });
  const comparison = {
    paymentsOnly: {
      mix: PAYMENTS_MIX,
      bytes: payments.data.length,
      ...(await commitCost(circuit, payments)),
    },
    transfersOnly: { bytes: transfers.data.length, ...(await commitCost(circuit, transfers)) },
    cancunRealistic: await commitCost(circuit, batch, "cancun"),
    cancunPaymentsOnly: await commitCost(circuit, payments, "cancun"),
  };
  log(`comparison: ${JSON.stringify(comparison)}`);

  const perTxL1Gas = Math.round(commitBatchGas / TXS);
  const result = {
    hardfork: s.hardfork,
    txsPerBatch: TXS,
    batchDataBytes: batch.data.length,
    batchLayout: { slots: TXS, withdrawals: LAYOUT_WITHDRAWALS, registrySlots: batch.registryTxs },
    mix: REALISTIC_MIX,
    commitBatchGas,
    perTxL1Gas,
    perTxMarginalL1Gas: Math.round((commitBatchGas - one.gas) / (TXS - 1)),
    proveBatchGas,
    claimWithdrawalGas,
    exitGas,
    depositGas,
    forceWithdrawalGas,
    freezeGas,
    accountsDepth: PRODUCTION_PARAMS.accounts.depth,
    withdrawalsDepth: PRODUCTION_PARAMS.withdrawalsDepth,
    comparison,
    targets: TARGETS,
    meetsTargets: {
      proveBatchGas: proveBatchGas <= TARGETS.proveBatchGas,
      perTxL1Gas: perTxL1Gas <= TARGETS.perTxL1Gas,
    },
  };
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/gas.json", import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
}

try {
  await main();
} finally {
  await terminateSnarkjsCurve();
}
