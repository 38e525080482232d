/**
 * JSON shapes of the sequencer's JSON-RPC answers, defined once: the server builds them
 * (sequencer/rpc/views.ts), the SDK and the explorer read them. Amounts and counts that may
 * exceed 2^53 are decimal strings; hashes, roots and other field elements are 0x hex of 32
 * bytes; bytes are 0x hex.
 */
import type { ProtocolParams } from "../protocol/params.ts";

/** ol_sendTransaction: executed at once (with its place), or waiting for an earlier nonce. */
export type SubmitResult =
  | {
      readonly txHash: string;
      readonly status: "executed";
      readonly batch: number;
      readonly position: number;
    }
  | { readonly txHash: string; readonly status: "queued" };

/** ol_getParams: the deployment a client signs for and the tree sizes its proofs follow. */
export interface ChainParamsInfo {
  /** 0x hex, as ol_chainId. */
  readonly chainId: string;
  readonly rollup: string;
  readonly params: ProtocolParams;
  /** The governance parameters of the genesis state: with `params`, what a replay starts from. */
  readonly genesisGovernance: GovernanceInfo;
}

/** An L2 -> L1 payout of a batch. */
export interface WithdrawalInfo {
  readonly recipient: string;
  readonly amount: string;
}

export interface AccountInfo {
  readonly id: number;
  readonly publicKey: { readonly x: string; readonly y: string };
  readonly l1Address: string;
  readonly balance: string;
  readonly nonce: number;
  readonly staked: string;
  readonly proof: {
    readonly stateRoot: string;
    readonly accountsRoot: string;
    readonly registriesHash: string;
    readonly leaf: string;
    readonly siblings: string[][];
    readonly includesOpenBatch: boolean;
  };
}

/** An account with its Merkle proof at the last finalized root a node holds (`ol_getFinalizedAccount`). */
export interface FinalizedAccountInfo extends Omit<AccountInfo, "proof"> {
  /** The finalized entry the proof is at. */
  readonly entry: number;
  readonly proof: Omit<AccountInfo["proof"], "includesOpenBatch">;
}

export interface ReceiptInfo {
  readonly txHash: string;
  readonly status: "executed" | "sealed";
  readonly batch: number;
  readonly position: number;
  readonly type: string;
  readonly account: number;
  readonly fee: string;
  readonly created: { readonly registry: string; readonly id: number } | null;
  /** A curate: the contribution's owner and the stake returned to it ("0" on acceptance). */
  readonly curated: { readonly owner: number; readonly refund: string } | null;
  readonly withdrawal: WithdrawalInfo | null;
}

/** ol_getTransaction: status, position and the decoded fields (amounts as decimal strings). */
export interface TransactionInfo {
  readonly hash: string;
  readonly status: "queued" | "executed" | "sealed";
  readonly batch: number | null;
  readonly position: number | null;
  readonly type: string;
  readonly raw: string;
  readonly tx: Record<string, unknown>;
}

/** ol_getDatanet, ol_listDatanets: a Datanet (docs/protocol.md §7.1). */
export interface DatanetInfo {
  readonly id: number;
  readonly owner: number;
  /** The hash of its metadata document (§10.1), kept in the store as a public blob. */
  readonly metadataHash: string;
  /** Bit i set: license id i is admitted. */
  readonly licensePolicy: number;
  /** The admitted licenses' SPDX identifiers. */
  readonly licenses: string[];
  readonly curationMode: "open" | "curated";
  readonly curators: number[];
  /** The least stake a contribution to it carries, in base units. */
  readonly minStake: string;
}

/** ol_getContribution, ol_listContributions: a registered data contribution. */
export interface ContributionInfo {
  readonly id: number;
  readonly owner: number;
  readonly datanet: number;
  readonly contentRoot: string;
  readonly rowCount: number;
  readonly license: number;
  /** Where the rows are: for rows in the store, the blob id mod r (docs/protocol.md §10). */
  readonly uriCommitment: string;
  readonly stake: string;
  /** Curation: a contribution to a curated Datanet is pending until a curator decides. */
  readonly status: "pending" | "accepted" | "rejected";
}

/**
 * ol_getModel, ol_listModels: a registered model. `owner` and `baseModel` are whom a reward
 * settlement pays the model's and the base model's shares (docs/protocol.md §11.2);
 * `contributions` is the training set, in the order settlement scores name it.
 */
export interface ModelInfo {
  readonly id: number;
  readonly owner: number;
  readonly modelHash: string;
  readonly trainingDescriptor: string;
  /** null only for a model whose training set the node did not keep. */
  readonly trainingConfigHash: string | null;
  readonly contributions: number[] | null;
  readonly checkpointCommitment: string;
  readonly inferenceFee: string;
  /** 0: not a fine-tune. */
  readonly baseModel: number;
  readonly escrow: string;
}

/** ol_submitSettlement: the entry the settlement was applied as, and what it paid. */
export interface SettlementResult {
  readonly entry: number;
  readonly paid: string;
  readonly credits: CreditInfo[];
}

/** One balance increase of a settlement (docs/protocol.md §11.2), in the order applied. */
export interface CreditInfo {
  readonly role: "data" | "model" | "baseModel" | "prover" | "treasury";
  readonly account: number;
  readonly amount: string;
  /** A data credit's contribution (ol_getBatch, ol_getSettlement; absent from ol_submitSettlement's answer). */
  readonly contribution?: number;
}

/** Where one settled inference's payment went (docs/protocol.md §11.2), amounts in base units. */
export interface SettledInferenceInfo {
  readonly id: number;
  readonly payment: string;
  readonly prover: string;
  readonly protocol: string;
  /** The model owner's part of the model share. */
  readonly owner: string;
  /** The base model owner's part; "0" for a model that is not a fine-tune. */
  readonly base: string;
  /** The data pool: divided among the contributions by their payable scores. */
  readonly pool: string;
  /** Per training contribution, in the settlement's `contributions` order. */
  readonly dataCredits: string[];
  /** Pool left by rounding, or the whole pool when no score is above zero: the treasury's. */
  readonly dust: string;
}

/** The governance a settlement was applied under: the split's shares and the attribution method. */
export interface SettlementGovernanceInfo {
  readonly dataBps: number;
  readonly modelBps: number;
  readonly baseModelBps: number;
  readonly proverBps: number;
  readonly protocolBps: number;
  /** Id (docs/attribution.md §3) and name of the method the scores are to be replayed with. */
  readonly attributionMethod: number;
  /** null for an id the table does not name. */
  readonly attributionMethodName: string | null;
}

/**
 * ol_getEpoch: epoch `epoch` is chain entries `firstEntry..lastEntry` under the epoch length in
 * force (docs/protocol.md §11.1); `settlements` are the entries that settle its inferences.
 */
export interface EpochInfo {
  readonly epoch: number;
  readonly epochLength: number;
  readonly firstEntry: number;
  readonly lastEntry: number;
  /** Its last entry is sealed: its inferences can be settled. */
  readonly closed: boolean;
  /** The inference counter its last entry leaves (lastInference(e)); null until closed. */
  readonly lastInference: number | null;
  readonly settlements: number[];
  /** Sum of what its settlements paid. */
  readonly paid: string;
}

/** A sealed entry of the chain (ol_getBatch, ol_listBatches): batches and settlements are numbered together. */
export type EntryInfo = BatchInfo | SettlementInfo;

/** How many slots each registry has taken (a new entry gets id = count + 1). */
export interface CountersInfo {
  readonly accounts: number;
  readonly contributions: number;
  readonly models: number;
  readonly inferences: number;
  readonly datanets: number;
}

export interface BatchInfo {
  readonly kind: "batch";
  readonly number: number;
  readonly preStateRoot: string;
  readonly postStateRoot: string;
  /** The counters the entry leaves: an epoch's last inference is its last entry's (§11.1). */
  readonly endCounters: CountersInfo;
  /** The fixed-layout batch data; ol_getBatch sends it only when asked. */
  readonly batchData?: string;
  readonly feeRecipient: number;
  /** The versioned hash of the EIP-4844 blob that carried the data; null until committed on L1. */
  readonly blobVersionedHash: string | null;
  /** What commitBatch recorded; null until committed on L1. */
  readonly commitment: string | null;
  readonly queueStart: string;
  readonly queueEnd: string;
  readonly queueHashStart: string;
  readonly queueHashEnd: string;
  readonly withdrawals: WithdrawalInfo[];
  readonly withdrawalsRoot: string;
  readonly feesCredited: string;
  readonly txHashes: string[];
  readonly sealedAt: string;
}

/** A reward settlement entry (docs/protocol.md §11): no transactions, no blob, no withdrawals. */
export interface SettlementInfo {
  readonly kind: "settlement";
  readonly number: number;
  readonly preStateRoot: string;
  readonly postStateRoot: string;
  readonly endCounters: CountersInfo;
  readonly epoch: number;
  /** The epoch's last entry, whose state the settlement was checked against. */
  readonly epochEnd: number;
  readonly model: number;
  readonly inferences: number[];
  /** Per inference, one payable score per training contribution of the model (decimal strings). */
  readonly scores: string[][];
  readonly proverAccount: number;
  readonly treasuryAccount: number;
  readonly scoresCommitment: string;
  /** The state root after the epoch's last entry (§11.1). */
  readonly epochEndRoot: string;
  /** The reward proof's one public input (§11.3), as L1 folds it at commitSettlement. */
  readonly publicInput: string;
  /** The model's training contributions, in the order of each score row and of `dataCredits`. */
  readonly contributions: number[];
  readonly governance: SettlementGovernanceInfo;
  readonly paid: string;
  /** Per settled inference, its split and data credits, in `inferences` order. */
  readonly settled: SettledInferenceInfo[];
  readonly credits: CreditInfo[];
  /** The L1 transaction that committed it; null until then. */
  readonly l1TxHash: string | null;
  readonly sealedAt: string;
}

/** An inference record (ol_getInference, ol_listInferences); `payment` is 0 once settled. */
export interface InferenceInfo {
  readonly id: number;
  readonly user: number;
  readonly model: number;
  readonly inputHash: string;
  readonly outputHash: string;
  readonly featureCommitment: string;
  readonly payment: string;
  /** The settlement entry that paid it (ol_getSettlement); null while unsettled. */
  readonly settlement: number | null;
}

/** ol_getGovernance: the L2 governance parameters in force (docs/protocol.md §6). */
export interface GovernanceInfo {
  readonly dataBps: number;
  readonly modelBps: number;
  readonly baseModelBps: number;
  readonly proverBps: number;
  readonly protocolBps: number;
  /** Chain entries per reward epoch. */
  readonly epochLength: number;
  /** Attribution method id (docs/attribution.md §3). */
  readonly attributionMethod: number;
  readonly minContributionStake: string;
  readonly minModelStake: string;
}

/** ol_getStateRoot: the live roots and where batching stands. */
export interface HeadInfo {
  readonly stateRoot: string;
  readonly accountsRoot: string;
  readonly registriesHash: string;
  readonly counters: CountersInfo;
  readonly sealedBatches: number;
  readonly openBatch: { number: number; size: number };
}
