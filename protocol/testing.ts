import { LICENSES, licensePolicy } from "./licenses.ts";
import { CodedError } from "./errors.ts";
import { GENESIS_GOVERNANCE } from "./genesis.ts";
import type { ProofBinding } from "./batch/witness.ts";
import type { GovernanceParams } from "./state/leaves.ts";
import { CurationMode, type L2Tx, TxType } from "./tx/types.ts";

/**
 * Fixtures shared by the tests of every component (and the twin vectors): one definition, so
 * a sequencer test, a circuit test and the shared vectors start from the same genesis (with
 * `DEV_DOMAIN` of genesis.ts).
 */
/** Genesis governance with stakes small enough for test amounts. */
export const TEST_GOVERNANCE: GovernanceParams = {
  ...GENESIS_GOVERNANCE,
  minContributionStake: 100n,
  minModelStake: 1000n,
};

/** The L1 address a test proof is made for (Hardhat's third dev account): its public input binds it. */
export const TEST_PROVER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

/**
 * A proof binding for circuit tests, which check the circuit against the TypeScript: any
 * versioned hash serves: version byte 0x01, then bytes near 0xff so every limb is large.
 */
export const TEST_BINDING: ProofBinding = {
  prover: TEST_PROVER,
  versionedHash: Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0xff - i)),
};

/** The code of the CodedError `f` throws, or undefined if it returns (other errors propagate). */
export function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof CodedError) return e.code;
    throw e;
  }
  return undefined;
}

/** The code of the CodedError `p` rejects with, or undefined if it resolves (other errors propagate). */
export async function rejectionCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CodedError) return e.code;
    throw e;
  }
  return undefined;
}

/** An L1 address of Hardhat's dev accounts (#1): deposits' sender and withdrawals' recipient in tests. */
export const TEST_L1_ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/**
 * An open Datanet admitting every license, for tests and benchmarks about something else
 * that need contributions: `wallet.createDatanet(OPEN_DATANET)` before contributing.
 */
export const OPEN_DATANET = {
  metadataHash: 1n,
  licensePolicy: licensePolicy(LICENSES.map((l) => l.id)),
  curationMode: CurationMode.Open,
  curators: [] as number[],
  minStake: 0n,
};

/**
 * One transaction of each L2 type, by accounts 1, 2 and 3 (each signed with test key
 * `from - 1`), valid in this order once three deposits have opened accounts 1 to 3: account 1
 * creates a curated Datanet that account 3 curates, account 2 contributes to it, account 3
 * accepts, account 1 registers a model on the contribution.
 */
export const EVERY_L2_TYPE: readonly L2Tx[] = [
  { type: TxType.Transfer, from: 1, nonce: 0, fee: 10n, to: 2, amount: 500n },
  { type: TxType.Stake, from: 1, nonce: 1, fee: 10n, amount: 5000n },
  { type: TxType.Unstake, from: 1, nonce: 2, fee: 10n, amount: 1000n },
  {
    type: TxType.CreateDatanet,
    from: 1,
    nonce: 3,
    fee: 10n,
    metadataHash: 99n,
    licensePolicy: (1 << 1) | (1 << 2),
    curationMode: CurationMode.Curated,
    curators: [3],
    minStake: 150n,
  },
  {
    type: TxType.RegisterContribution,
    from: 2,
    nonce: 0,
    fee: 10n,
    datanet: 1,
    contentRoot: 77n,
    rowCount: 100,
    license: 1,
    uriCommitment: 88n,
    stake: 200n,
  },
  { type: TxType.Curate, from: 3, nonce: 0, fee: 10n, contribution: 1, accept: true },
  {
    type: TxType.RegisterModel,
    from: 1,
    nonce: 4,
    fee: 10n,
    modelHash: 5n,
    trainingConfigHash: 6n,
    contributions: [1],
    checkpointCommitment: 7n,
    inferenceFee: 50n,
    baseModel: 0,
  },
  {
    type: TxType.Inference,
    from: 2,
    nonce: 1,
    fee: 10n,
    model: 1,
    inputHash: 1n,
    outputHash: 2n,
    featureCommitment: 3n,
    payment: 60n,
  },
  { type: TxType.Withdraw, from: 2, nonce: 2, fee: 10n, amount: 300n, recipient: TEST_L1_ADDRESS },
];
