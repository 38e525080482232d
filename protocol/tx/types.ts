import type { AffinePoint } from "../babyjub.ts";
import type { Signature } from "../eddsa.ts";
import type { Field } from "../field.ts";

/** Wire tags of the transaction types; the tag is also the first field the circuit reads. */
export const TxType = {
  Transfer: 1,
  Withdraw: 2,
  Stake: 3,
  Unstake: 4,
  RegisterContribution: 5,
  RegisterModel: 6,
  Inference: 7,
  Deposit: 8,
  ForcedWithdrawal: 9,
  SetParameter: 10,
  Slash: 11,
  CreateDatanet: 12,
  Curate: 13,
} as const;
export type TxType = (typeof TxType)[keyof typeof TxType];

export const TX_TYPE_NAMES: Record<TxType, string> = {
  1: "transfer",
  2: "withdraw",
  3: "stake",
  4: "unstake",
  5: "registerContribution",
  6: "registerModel",
  7: "inference",
  8: "deposit",
  9: "forcedWithdrawal",
  10: "setParameter",
  11: "slash",
  12: "createDatanet",
  13: "curate",
};

/** Fields every L2-signed transaction carries. Amounts are OPEN base units (18 decimals). */
interface Signed {
  /** Sender's account id (u32). */
  readonly from: number;
  /** Sender's next nonce (u32): each account's transactions execute in nonce order. */
  readonly nonce: number;
  /** Paid to the batch's fee recipient (u96). */
  readonly fee: bigint;
}

export interface Transfer extends Signed {
  readonly type: typeof TxType.Transfer;
  readonly to: number;
  readonly amount: bigint;
}

export interface Withdraw extends Signed {
  readonly type: typeof TxType.Withdraw;
  readonly amount: bigint;
  /** L1 address that may claim the withdrawal once the batch is final. */
  readonly recipient: string;
}

export interface Stake extends Signed {
  readonly type: typeof TxType.Stake;
  readonly amount: bigint;
}

export interface Unstake extends Signed {
  readonly type: typeof TxType.Unstake;
  readonly amount: bigint;
}

/** How a Datanet takes contributions: at once, or pending until one of its curators decides. */
export const CurationMode = { Open: 0, Curated: 1 } as const;
export type CurationMode = (typeof CurationMode)[keyof typeof CurationMode];

/** At most this many curators per Datanet: their ids pack into one field element (section 5.1). */
export const MAX_CURATORS = 4;

export interface CreateDatanet extends Signed {
  readonly type: typeof TxType.CreateDatanet;
  /** Hash of the Datanet's metadata document (kept in the store). */
  readonly metadataHash: Field;
  /** Licenses it admits: bit `id` of this u32 mask admits license `id` (protocol/licenses.ts). */
  readonly licensePolicy: number;
  readonly curationMode: CurationMode;
  /** Curator account ids, strictly increasing: 1 to MAX_CURATORS if curated, none if open. */
  readonly curators: readonly number[];
  /** The least stake a contribution to it carries (u96), on top of the global minimum. */
  readonly minStake: bigint;
}

export interface Curate extends Signed {
  readonly type: typeof TxType.Curate;
  /** A pending contribution of a Datanet the sender curates (u32). */
  readonly contribution: number;
  /** Accept it, or reject it (its stake goes back to its owner's balance). */
  readonly accept: boolean;
}

export interface RegisterContribution extends Signed {
  readonly type: typeof TxType.RegisterContribution;
  /** Datanet the rows are contributed to (u32): an existing one. */
  readonly datanet: number;
  /** Poseidon Merkle root over the content hashes of the rows. */
  readonly contentRoot: Field;
  readonly rowCount: number;
  /** License id (protocol/licenses.ts) the Datanet's policy admits (u16). */
  readonly license: number;
  /** Commitment to the (encrypted) storage URI, so the URI itself stays off-chain. */
  readonly uriCommitment: Field;
  /** Moved from the sender's balance into the contribution's stake (u96). */
  readonly stake: bigint;
}

export interface RegisterModel extends Signed {
  readonly type: typeof TxType.RegisterModel;
  /** Hash of the ONNX bytes. */
  readonly modelHash: Field;
  /** Hash of the training configuration (architecture, hyper-parameters, seed). */
  readonly trainingConfigHash: Field;
  /** Ids of the contributions the model was trained on. */
  readonly contributions: readonly number[];
  /** Commitment to the final checkpoint's per-contribution gradients (docs/attribution.md). */
  readonly checkpointCommitment: Field;
  /** What one inference costs (u96). */
  readonly inferenceFee: bigint;
  /** Model this one fine-tunes, or 0. */
  readonly baseModel: number;
}

export interface Inference extends Signed {
  readonly type: typeof TxType.Inference;
  readonly model: number;
  readonly inputHash: Field;
  readonly outputHash: Field;
  /** Commitment to the test-point features the attribution is computed on. */
  readonly featureCommitment: Field;
  /** Escrowed for the model's reward epoch; at least the model's inference fee (u96). */
  readonly payment: bigint;
}

/** Enters L2 only from the L1 priority queue; carries no L2 signature. */
export interface Deposit {
  readonly type: typeof TxType.Deposit;
  /** Position in the L1 priority queue (u64). */
  readonly queueIndex: bigint;
  readonly l1Sender: string;
  /** Account credited, or 0 to open a new account owned by `publicKey`. */
  readonly to: number;
  readonly publicKey: AffinePoint;
  readonly amount: bigint;
}

/**
 * Queue kind 2: withdraws min(amount, balance) of `account` to `l1Sender`, if `l1Sender` is
 * the account's l1Address; otherwise nothing (docs/protocol.md section 7).
 */
export interface ForcedWithdrawal {
  readonly type: typeof TxType.ForcedWithdrawal;
  readonly queueIndex: bigint;
  /** The L1 address that called Rollup.forceWithdrawal. */
  readonly l1Sender: string;
  readonly account: number;
  readonly amount: bigint;
}

/** Queue kind 3, a governance order: parameter `paramId` (section 8) becomes `value` when the batch closes. */
export interface SetParameter {
  readonly type: typeof TxType.SetParameter;
  readonly queueIndex: bigint;
  readonly paramId: number;
  readonly value: Field;
}

/** Queue kind 4, a governance order: removes min(amount, staked) from the account's stake. */
export interface Slash {
  readonly type: typeof TxType.Slash;
  readonly queueIndex: bigint;
  readonly account: number;
  readonly amount: bigint;
}

/** An operation of the L1 priority queue: L2 executes it in queue order, without signature. */
export type QueueOp = Deposit | ForcedWithdrawal | SetParameter | Slash;

export type L2Tx =
  | Transfer
  | Withdraw
  | Stake
  | Unstake
  | RegisterContribution
  | RegisterModel
  | Inference
  | CreateDatanet
  | Curate;
export type Tx = L2Tx | QueueOp;

/** Queue operations carry a queue index and no signature. */
export function isQueueOp(tx: Tx | SignedTx): tx is QueueOp {
  return "queueIndex" in tx;
}

export type SignedTx<T extends L2Tx = L2Tx> = T & { readonly signature: Signature };
