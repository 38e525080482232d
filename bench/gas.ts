/**
 * L1 gas of the rollup's entry points (issue 4): commitBatch at 256 transactions of realistic
 * batch data (fixed layout, with contributions and inferences), proveBatch with a real
 * Groth16 proof, a withdrawal claim and an exit at the production tree depths, on Hardhat's
 * in-process EDR chain at its default hardfork; commit costs also for payments only, transfers
 * only and under Cancun calldata pricing.
 *
 * "L1 gas per tx" is read two ways, both reported per mix: `dataGas`, the calldata gas of the
 * batch data alone divided by 256 (the literal "L1 gas per tx of batch data"), at the price the
 * commit paid for it (EIP-7623's floor of 10 gas a token when it binds, else 4); and
 * `amortizedGas`, the whole commitBatch transaction divided by 256.
 * Progress on stderr; the last stdout line is one JSON object, also written to
 * bench/results/gas.json.
 *   npm run bench:gas
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { getBytes, type TransactionReceipt } from "ethers";
import type { CircuitArtifacts } from "../circuits/tools/artifacts.ts";
import { terminateSnarkjsCurve } from "../circuits/tools/snarkjs-runtime.ts";
import { commitment, nextBatch, rootsArgOf } from "../contracts/test/batch-helpers.ts";
import {
  advanceTime,
  deploySystem,
  prepareArtifacts,
  proveStub,
  type System,
} from "../contracts/test/fixture.ts";
import { Point, toAffine } from "../protocol/babyjub.ts";
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
/** EIP-2028 / EIP-7623: a zero byte is one token, any other four; 4 gas a token, floor 10. */
const STANDARD_GAS_PER_TOKEN = 4;
const FLOOR_GAS_PER_TOKEN = 10;
const TX_BASE_GAS = 21_000;
const ONE_DEPOSIT = generateBatch(1, { ...NO_TXS, deposit: 100 });
const log = (line: string) => process.stderr.write(`[bench:gas] ${line}\n`);

async function gasOf(tx: Promise<{ wait(): Promise<TransactionReceipt | null> }>): Promise<number> {
  return Number((await receiptOf(tx)).gasUsed);
}

async function receiptOf(tx: Promise<{ wait(): Promise<TransactionReceipt | null> }>) {
  return (await (await tx).wait())!;
}

function calldataTokens(bytes: Uint8Array): number {
  let tokens = 0;
  for (const b of bytes) tokens += b === 0 ? 1 : 4;
  return tokens;
}

/** A chain at production tree depths whose queue holds `deposits` deposits from alice. */
async function chainWithDeposits(circuit: CircuitArtifacts, deposits: number, hardfork?: string) {
  const s = await deploySystem(circuit, (c) => ({ ...c, protocol: PRODUCTION_PARAMS }), hardfork);
  await (await s.tokenAs(s.alice).getFunction("approve")(s.d.rollup.target, 10n ** 30n)).wait();
  let depositGas = 0;
  for (let i = 0; i < deposits; i++) {
    const key = toAffine(Point.BASE.multiply(BigInt(i + 1)));
    depositGas = await gasOf(s.rollupAs(s.alice).getFunction("deposit")(0, key.x, key.y, 10n ** 22n));
  }
  return { s, depositGas };
}

/**
 * Commits the next batch consuming `deposits` more queue operations: its gas, and the calldata
 * gas of its batch data at the price this transaction paid (the EIP-7623 floor when it binds).
 */
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
  const response = await s.rollupAs(s.sequencer).getFunction("commitBatch")(commitment(b), b.data);
  const gas = Number((await receiptOf(Promise.resolve(response))).gasUsed);
  const floorGas = TX_BASE_GAS + FLOOR_GAS_PER_TOKEN * calldataTokens(getBytes(response.data));
  const floorBinds = gas === floorGas;
  const perToken = floorBinds ? FLOOR_GAS_PER_TOKEN : STANDARD_GAS_PER_TOKEN;
  return { batch: b, gas, floorBinds, dataGas: perToken * calldataTokens(batch.data) };
}

/** What a 256-tx commit costs per transaction, in both readings, and whether each meets 300. */
function perTx(full: Awaited<ReturnType<typeof commit>>, one: Awaited<ReturnType<typeof commit>>) {
  const dataGas = Math.round(full.dataGas / TXS);
  const amortizedGas = Math.round(full.gas / TXS);
  return {
    dataGas,
    amortizedGas,
    marginalGas: Math.round((full.gas - one.gas) / (TXS - 1)),
    eip7623FloorBinds: full.floorBinds,
    meetsTarget: { dataGas: dataGas <= TARGETS.perTxL1Gas, amortizedGas: amortizedGas <= TARGETS.perTxL1Gas },
  };
}

/**
 * commitBatch gas of `batch`, and per transaction: data, amortized (total / 256) and marginal
 * (above a one-deposit batch, both committed after a warm-up commit).
 */
async function commitCost(circuit: CircuitArtifacts, batch: GeneratedBatch, hardfork?: string) {
  const { s } = await chainWithDeposits(circuit, batch.deposits + 2, hardfork);
  await commit(s, ONE_DEPOSIT, { postStateRoot: 1n });
  const one = await commit(s, ONE_DEPOSIT, { postStateRoot: 2n });
  // A non-zero withdrawals root, as a real batch with withdrawals has (it changes the roots hash only).
  const full = await commit(s, batch, {
    postStateRoot: 3n,
    withdrawalsRoot: batch.withdrawals.length > 0 ? 5n : 0n,
  });
  return {
    hardfork: s.hardfork,
    bytes: batch.data.length,
    commitBatchGas: full.gas,
    perTx: perTx(full, one),
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
  const realistic = perTx(full, one);
  log(`commitBatch at ${TXS} txs, ${batch.data.length} bytes of batch data: ${commitBatchGas} gas`);

  let proveBatchGas = 0;
  for (const index of [1n, 2n, full.batch.batchIndex]) {
    const proof = await proveStub(
      circuit,
      await rollup.getFunction("proofInputOf")(index, await s.prover.getAddress()),
    );
    proveBatchGas = await gasOf(s.rollupAs(s.prover).getFunction("proveBatch")(index, 1, proof));
  }
  log(`proveBatch: ${proveBatchGas} gas`);

  const w0 = batch.withdrawals[0]!;
  const siblings = withdrawals.proof(0n).siblings.map((level) => level[0]!);
  const claimWithdrawalGas = await gasOf(
    s.rollupAs(s.bob).getFunction("claimWithdrawal")(
      full.batch.batchIndex,
      rootsArgOf(full.batch),
      0,
      w0.recipient,
      w0.amount,
      siblings,
    ),
  );
  log(`claimWithdrawal at depth ${PRODUCTION_PARAMS.withdrawalsDepth}: ${claimWithdrawalGas} gas`);

  const forceWithdrawalGas = await gasOf(s.rollupAs(s.alice).getFunction("forceWithdrawal")(777, 1n));
  await advanceTime(s, s.config.l1.queueDeadlineSeconds + 1n);
  const freezeGas = await gasOf(s.rollupAs(s.bob).getFunction("freeze")(rootsArgOf(full.batch)));
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
  const paymentsOnly = { mix: PAYMENTS_MIX, ...(await commitCost(circuit, payments)) };
  const transfersOnly = await commitCost(circuit, transfers);
  const comparison = {
    cancunRealistic: await commitCost(circuit, batch, "cancun"),
    cancunPaymentsOnly: await commitCost(circuit, payments, "cancun"),
  };
  log(`comparison: ${JSON.stringify({ paymentsOnly, transfersOnly, ...comparison })}`);

  const result = {
    hardfork: s.hardfork,
    txsPerBatch: TXS,
    batchDataBytes: batch.data.length,
    batchLayout: { slots: TXS, withdrawals: LAYOUT_WITHDRAWALS, registrySlots: batch.registryTxs },
    mix: REALISTIC_MIX,
    commitBatchGas,
    perTxMeaning: {
      perTxDataGas:
        "calldata gas of the batch data alone / 256 txs, at the price the commit paid (EIP-7623 floor, 10 gas a token, when it binds; else 4): the literal 'L1 gas per tx of batch data'",
      perTxL1Gas:
        "the whole commitBatch transaction / 256 txs (amortized: base cost, storage, hashing, calldata)",
      perTxMarginalL1Gas: "commitBatch gas above a one-deposit batch / 255",
    },
    perTxDataGas: realistic.dataGas,
    perTxL1Gas: realistic.amortizedGas,
    perTxMarginalL1Gas: realistic.marginalGas,
    eip7623FloorBinds: realistic.eip7623FloorBinds,
    paymentsOnly,
    transfersOnly,
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
      perTxDataGas: {
        realistic: realistic.meetsTarget.dataGas,
        paymentsOnly: paymentsOnly.perTx.meetsTarget.dataGas,
        transfersOnly: transfersOnly.perTx.meetsTarget.dataGas,
      },
      perTxL1Gas: {
        realistic: realistic.meetsTarget.amortizedGas,
        paymentsOnly: paymentsOnly.perTx.meetsTarget.amortizedGas,
        transfersOnly: transfersOnly.perTx.meetsTarget.amortizedGas,
      },
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
