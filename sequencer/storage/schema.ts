import type { Field } from "../../protocol/field.ts";
import type { ProtocolParams } from "../../protocol/params.ts";
import type { Receipt } from "../../protocol/state/apply.ts";
import type { GovernanceParams } from "../../protocol/state/leaves.ts";
import type { RollupState } from "../../protocol/state/state.ts";
import type { Domain } from "../../protocol/domain.ts";
import type { EpochEnd, SettlementReceipt } from "../../protocol/rewards/settlement.ts";
import type { AcceptedSettlement } from "../core/settlements.ts";
import type { SealedBatch, SealedSettlement } from "../l1/batch-poster.ts";
import { pad } from "./store.ts";

/**
 * What the sequencer keeps in LevelDB: the key layout and the stored shapes. Values are
 * V8-serialized (`store.ts`); numbers in keys are zero-padded so that key order is numeric.
 */
/** A transaction as stored and served: executed in a batch, or dropped from the mempool. */
export interface TxRecord {
  readonly hash: string;
  readonly raw: Uint8Array;
  readonly batch: number;
  readonly position: number;
  readonly receipt: Receipt;
}

/**
 * What every sealed entry (batch or settlement) keeps of the state it leaves: its sub-roots and
 * counters, the EpochEnd a settlement of the epoch this entry ends is checked against.
 */
interface EntryState {
  readonly sealedAt: number;
  readonly endState: EpochEnd;
  /** Set once the entry is committed on L1. */
  readonly l1TxHash?: string;
}

export interface BatchRecord extends SealedBatch, EntryState {
  /** Account credited with the batch's fees (the fixed layout's header). */
  readonly feeRecipient: number;
  readonly feesCredited: bigint;
  /** Set once the batch is committed on L1 (its blob is computed then, off the request path). */
  readonly blobVersionedHash?: string;
  readonly commitment?: bigint;
}

/** A reward settlement sealed as its own entry (docs/protocol.md §11): no transactions, no blob. */
export interface SettlementRecord extends SealedSettlement, EntryState {
  /** What it paid, per inference and per account, as `applySettlement` returned it. */
  readonly receipt: SettlementReceipt;
  /** The governance it was applied under: the split's shares and the attribution method named. */
  readonly governance: GovernanceParams;
}

/** An entry of the chain: entries are numbered together, from 1 (`batch:<n>` keys). */
export type EntryRecord = BatchRecord | SettlementRecord;

export interface Meta {
  readonly chain: string;
  readonly sealed: number;
  readonly stateRoot: Field;
  readonly counters: RollupState["counters"];
  readonly queue: RollupState["queue"];
  readonly governance: GovernanceParams;
}

/**
 * A write-ahead entry: a transaction of the open batch, or an accepted settlement whose entry
 * is not on disk yet (`wal:<entry>:000000`), with the epoch end it was checked against.
 */
export type WalEntry =
  { readonly raw: Uint8Array; readonly hash: string } | { readonly settlement: AcceptedSettlement };

/**
 * The L1 queue relay's record of the operation it handed the sequencer at a queue index
 * (bridge/queue-relay.ts): its rolling hash H_{index+1} and the L1 block that held it, so an
 * operation L1 re-mines after a reorg is recognised and not executed twice.
 */
export interface RelayedOpRecord {
  readonly index: bigint;
  readonly rollingHash: Field;
  readonly blockNumber: number;
  readonly blockHash: string;
}

const KEY_EPOCH_SETTLEMENTS = (epoch?: number) => (epoch === undefined ? "epset:" : `epset:${pad(epoch)}:`);

export const KEY = {
  meta: "meta",
  account: (id: number) => `acct:${pad(id)}`,
  contribution: (id: number) => `contrib:${pad(id)}`,
  model: (id: number) => `model:${pad(id)}`,
  inference: (id: number) => `inf:${pad(id)}`,
  datanet: (id: number) => `dnet:${pad(id)}`,
  batch: (n: number) => `batch:${pad(n)}`,
  tx: (hash: string) => `tx:${hash}`,
  accountTx: (id: number, batch: number, pos: number) => `acctx:${pad(id)}:${pad(batch)}:${pad(pos, 6)}`,
  wal: (batch: number, pos: number) => `wal:${pad(batch)}:${pad(pos, 6)}`,
  pooled: (hash: string) => `mp:${hash}`,
  /** Settlement entries by the epoch they settle (value: the entry number), in entry order. */
  epochSettlement: (epoch: number, entry: number) => `${KEY_EPOCH_SETTLEMENTS(epoch)}${pad(entry)}`,
  /** The prefix of epoch `epoch`'s settlements, or of every epoch's. */
  epochSettlements: (epoch?: number) => KEY_EPOCH_SETTLEMENTS(epoch),
  /** A non-empty node of a state tree (`node-store.ts`); the index in hex, it can pass 2^53. */
  node: (tree: string, level: number, index: bigint) => `node:${tree}:${level}:${index.toString(16)}`,
  relayedOp: (queueIndex: bigint) => `relayed:${pad(queueIndex, 20)}`,
  /** The settlement entry that paid an inference record (a record is settled at most once). */
  inferenceSettlement: (id: number) => `infset:${pad(id)}`,
} as const;

export function idOf(key: string): number {
  return Number(key.slice(key.indexOf(":") + 1));
}

/** Chain, deployment and tree sizes: a database belongs to exactly one such configuration. */
export function chainFingerprint(c: { domain: Domain; params: ProtocolParams }): string {
  const shape = (t: { arity: number; depth: number }) => `${t.arity}^${t.depth}`;
  const p = c.params;
  return `${c.domain.chainId}/${c.domain.rollup.toLowerCase()}/${shape(p.accounts)},${shape(p.contributions)},${shape(p.models)},${shape(p.inferences)},${shape(p.trainingSet)},w${p.withdrawalsDepth}`;
}
