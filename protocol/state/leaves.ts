import type { AffinePoint } from "../babyjub.ts";
import { addressToField } from "../domain.ts";
import { checkUint, type Field } from "../field.ts";
import { poseidon, poseidonList } from "../poseidon.ts";
import { packCurators } from "../tx/fields.ts";
import type { CurationMode } from "../tx/types.ts";

/**
 * Leaf formats of the state trees (docs/protocol.md, "State"). A leaf is the Poseidon hash
 * of its fields in the order given here; an empty slot is 0. The circuits hash the same
 * vectors, and the L1 exit verifier hashes `accountLeaf`.
 */
export interface Account {
  readonly publicKey: AffinePoint;
  /** L1 address that opened the account: it may force withdrawals and receives exits. */
  readonly l1Address: string;
  readonly balance: bigint;
  readonly nonce: number;
  /** Bonded stake: earns the right to register and is what governance can slash. */
  readonly staked: bigint;
}

/** Where a contribution stands: curated Datanets take contributions pending a curator's decision. */
export const ContributionStatus = { Pending: 0, Accepted: 1, Rejected: 2 } as const;
export type ContributionStatus = (typeof ContributionStatus)[keyof typeof ContributionStatus];

export interface Contribution {
  readonly owner: number;
  readonly datanet: number;
  readonly contentRoot: Field;
  readonly rowCount: number;
  readonly license: number;
  readonly uriCommitment: Field;
  /** Locked while the contribution stands; 0 once a rejection returned it. */
  readonly stake: bigint;
  readonly status: ContributionStatus;
}

export interface Datanet {
  readonly owner: number;
  readonly metadataHash: Field;
  readonly licensePolicy: number;
  readonly curationMode: CurationMode;
  /** Strictly increasing account ids; empty for an open Datanet. */
  readonly curators: readonly number[];
  readonly minStake: bigint;
}

export interface Model {
  readonly owner: number;
  readonly modelHash: Field;
  readonly trainingDescriptor: Field;
  readonly checkpointCommitment: Field;
  readonly inferenceFee: bigint;
  readonly baseModel: number;
  /** Inference payments received since the model's last reward epoch. */
  readonly escrow: bigint;
}

export interface InferenceRecord {
  readonly user: number;
  readonly model: number;
  readonly inputHash: Field;
  readonly outputHash: Field;
  readonly featureCommitment: Field;
  readonly payment: bigint;
}

/** Number of slots taken in each registry; a new entry gets id = count + 1. */
export interface Counters {
  readonly accounts: number;
  readonly contributions: number;
  readonly models: number;
  readonly inferences: number;
  readonly datanets: number;
}

/** balance (96 bits) | nonce (32 bits) << 96 | staked (96 bits) << 128, one field element. */
export function packAccountState(a: Pick<Account, "balance" | "nonce" | "staked">): Field {
  checkUint(a.balance, 96, "balance");
  checkUint(BigInt(a.nonce), 32, "nonce");
  checkUint(a.staked, 96, "staked");
  return a.balance | (BigInt(a.nonce) << 96n) | (a.staked << 128n);
}

export function accountFields(a: Account): Field[] {
  return [a.publicKey.x, a.publicKey.y, addressToField(a.l1Address), packAccountState(a)];
}

export function contributionFields(c: Contribution): Field[] {
  return [
    BigInt(c.owner),
    BigInt(c.datanet),
    c.contentRoot,
    BigInt(c.rowCount),
    BigInt(c.license),
    c.uriCommitment,
    c.stake,
    BigInt(c.status),
  ];
}

export function datanetFields(d: Datanet): Field[] {
  return [
    BigInt(d.owner),
    d.metadataHash,
    BigInt(d.licensePolicy),
    BigInt(d.curationMode),
    packCurators(d.curators),
    d.minStake,
  ];
}

export function modelFields(m: Model): Field[] {
  return [
    BigInt(m.owner),
    m.modelHash,
    m.trainingDescriptor,
    m.checkpointCommitment,
    m.inferenceFee,
    BigInt(m.baseModel),
    m.escrow,
  ];
}

export function inferenceFields(r: InferenceRecord): Field[] {
  return [BigInt(r.user), BigInt(r.model), r.inputHash, r.outputHash, r.featureCommitment, r.payment];
}

export const accountLeaf = (a: Account): Field => poseidon(accountFields(a));
export const contributionLeaf = (c: Contribution): Field => poseidon(contributionFields(c));
export const modelLeaf = (m: Model): Field => poseidon(modelFields(m));
export const inferenceLeaf = (r: InferenceRecord): Field => poseidon(inferenceFields(r));
export const datanetLeaf = (d: Datanet): Field => poseidon(datanetFields(d));

/** The counters in the order their hash and the circuits take them. */
export function countersFields(c: Counters): Field[] {
  return [c.accounts, c.contributions, c.models, c.inferences, c.datanets].map(BigInt);
}

export const countersHash = (c: Counters): Field => poseidon(countersFields(c));

/**
 * Parameters governance sets on L1 and the priority queue carries to L2. Basis points of an
 * inference payment go to data contributors, the model (split with its base model), the
 * prover and the protocol; they sum to 10,000.
 */
export interface GovernanceParams {
  readonly dataBps: number;
  readonly modelBps: number;
  /** Share of the model portion that goes to the base model of a fine-tune. */
  readonly baseModelBps: number;
  readonly proverBps: number;
  readonly protocolBps: number;
  /** Reward epoch length in L2 batches. */
  readonly epochLength: number;
  /** Attribution method id (docs/attribution.md). */
  readonly attributionMethod: number;
  readonly minContributionStake: bigint;
  readonly minModelStake: bigint;
}

export function governanceParamsFields(p: GovernanceParams): Field[] {
  return [
    BigInt(p.dataBps),
    BigInt(p.modelBps),
    BigInt(p.baseModelBps),
    BigInt(p.proverBps),
    BigInt(p.protocolBps),
    BigInt(p.epochLength),
    BigInt(p.attributionMethod),
    p.minContributionStake,
    p.minModelStake,
  ];
}

export const paramsHash = (p: GovernanceParams): Field => poseidonList(governanceParamsFields(p));

export interface StateRoots {
  readonly accounts: Field;
  readonly contributions: Field;
  readonly models: Field;
  readonly inferences: Field;
  readonly counters: Field;
  readonly params: Field;
  readonly datanets: Field;
}

/**
 * stateRoot = Poseidon(accountsRoot, Poseidon(contributions, models, inferences, counters, params,
 * datanets)). Two levels so that L1 can open an account for an exit with one Poseidon(2) and
 * the registries hash as a given word.
 */
export function registriesHash(r: StateRoots): Field {
  return poseidon([r.contributions, r.models, r.inferences, r.counters, r.params, r.datanets]);
}

export function stateRoot(r: StateRoots): Field {
  return poseidon([r.accounts, registriesHash(r)]);
}
