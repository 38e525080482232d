/**
 * L1 gas of the rollup's entry points (issue 4): commitBatch at 256 transactions of realistic
 * batch data (fixed layout, with contributions and inferences) carried in an EIP-4844 blob,
 * proveBatch with a real Groth16 proof, a withdrawal claim and an exit at the production tree
 * depths, on Hardhat's in-process EDR chain at its default hardfork.
 *
 * With the data in a blob, commitBatch's gas no longer depends on the data. "L1 gas per tx of
 * batch data" is `perTxL1Gas`: the execution gas that data availability costs the commit
 * (the point-evaluation precompile and the opening's calldata) divided by 256. Also reported:
 * `perTxBlobGas`, the blob's 131,072 blob gas / 256 (a separate EIP-4844 fee market, not
 * execution gas), and `perTxAmortizedL1Gas`, the whole commitBatch transaction / 256.
 * Progress on stderr; the last stdout line is one JSON object, also written to
 * bench/results/gas.json.
 *   npm run bench:gas
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { AbiCoder, concat, getBytes, hexlify, type TransactionReceipt, toBeHex } from "ethers";
import type { CircuitArtifacts } from "../circuits/tools/artifacts.ts";
import { terminateSnarkjsCurve } from "../circuits/runtime/snarkjs-curve.ts";
import {
  blobOf,
  commitBatch,
  nextBatch,
  rootsArgOf,
  type TestBatch,
} from "../contracts/test/batch-helpers.ts";
import {
  advanceTime,
  deploySystem,
  prepareArtifacts,
  proveStub,
  type System,
} from "../contracts/test/fixture.ts";
import { Point, toAffine } from "../protocol/babyjub.ts";
import { BLOB_BYTES, BYTES_PER_ELEMENT } from "../protocol/blob/encoding.ts";
import { BLOB_ELEMENTS } from "../protocol/blob/fr.ts";
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
  REALISTIC_MIX,
} from "./gas-batch.ts";

const TXS = 256;
const TARGETS = { proveBatchGas: 230_000, perTxL1Gas: 300 };
/** EIP-2028: a zero byte is one token, any other four; 4 gas a token. */
const STANDARD_GAS_PER_TOKEN = 4;
const TX_BASE_GAS = 21_000;
/** EIP-4844: every blob uses 2^17 blob gas, whatever it holds. */
const GAS_PER_BLOB = 131_072;
const POINT_EVALUATION = "0x000000000000000000000000000000000000000a";
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

/** Commits the next batch consuming `deposits` more queue operations, its data in a blob: its gas. */
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
  const gas = await gasOf(commitBatch(s.rollupAs(s.sequencer), b));
  return { batch: b, gas };
}

/**
 * The execution gas data availability costs one commit: the point-evaluation precompile
 * (measured by calling it alone, less the call's intrinsic and calldata gas) and the calldata
 * of the BlobOpening argument (z, y, KZG commitment and proof, ABI-encoded).
 */
async function dataAvailabilityGas(s: System, batch: TestBatch) {
  const blob = blobOf(batch);
  const kzg = concat([blob.commitment, blob.pointProof]);
  const input = getBytes(
    concat([hexlify(blob.versionedHash), toBeHex(blob.z, 32), toBeHex(blob.y, 32), kzg]),
  );
  const call = Number(await s.ethers.provider.estimateGas({ to: POINT_EVALUATION, data: hexlify(input) }));
  const pointEvaluationGas = call - TX_BASE_GAS - STANDARD_GAS_PER_TOKEN * calldataTokens(input);
  const opening = getBytes(
    AbiCoder.defaultAbiCoder().encode(["tuple(uint256,uint256,bytes)"], [[blob.z, blob.y, kzg]]),
  );
  const openingCalldataGas = STANDARD_GAS_PER_TOKEN * calldataTokens(opening);
  return { pointEvaluationGas, openingCalldataGas, total: pointEvaluationGas + openingCalldataGas };
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
  const da = await dataAvailabilityGas(s, full.batch);
  const perTxL1Gas = Math.round(da.total / TXS);
  const perTxAmortizedL1Gas = Math.round(commitBatchGas / TXS);
  log(
    `commitBatch at ${TXS} txs, ${batch.data.length} bytes of batch data in one blob: ${commitBatchGas} gas (one-deposit batch: ${one.gas}); data availability ${da.total} gas`,
  );

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

  const result = {
    hardfork: s.hardfork,
    txsPerBatch: TXS,
    batchDataBytes: batch.data.length,
    batchLayout: { slots: TXS, withdrawals: LAYOUT_WITHDRAWALS, registrySlots: batch.registryTxs },
    mix: REALISTIC_MIX,
    dataAvailability: "EIP-4844 blob, one per batch",
    blobFill: `${batch.data.length} of ${BLOB_ELEMENTS * BYTES_PER_ELEMENT} usable bytes (${BLOB_BYTES} raw)`,
    commitBatchGas,
    commitBatchGasOneDeposit: one.gas,
    perTxMeaning: {
      perTxL1Gas:
        "execution gas that data availability costs the commit (point-evaluation precompile + the opening's calldata) / 256 txs: 'L1 gas per tx of batch data'",
      perTxBlobGas:
        "the blob's 131,072 blob gas / 256 txs: EIP-4844's separate fee market, not execution gas",
      perTxAmortizedL1Gas:
        "the whole commitBatch transaction / 256 txs (base cost, storage, hashing, opening): reported beside the target's reading",
    },
    dataAvailabilityGas: da,
    perTxL1Gas,
    perTxBlobGas: GAS_PER_BLOB / TXS,
    perTxAmortizedL1Gas,
    proveBatchGas,
    claimWithdrawalGas,
    exitGas,
    depositGas,
    forceWithdrawalGas,
    freezeGas,
    accountsDepth: PRODUCTION_PARAMS.accounts.depth,
    withdrawalsDepth: PRODUCTION_PARAMS.withdrawalsDepth,
    targets: TARGETS,
    meetsTargets: {
      proveBatchGas: proveBatchGas <= TARGETS.proveBatchGas,
      perTxL1Gas: perTxL1Gas <= TARGETS.perTxL1Gas,
      perTxAmortizedL1Gas: perTxAmortizedL1Gas <= TARGETS.perTxL1Gas,
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
