import type { Field } from "../../protocol/field.ts";
import type { ProtocolParams } from "../../protocol/params.ts";
import type { Receipt } from "../../protocol/state/apply.ts";
import type { GovernanceParams } from "../../protocol/state/leaves.ts";
import type { RollupState } from "../../protocol/state/state.ts";
import type { Domain } from "../../protocol/domain.ts";
import type { SealedBatch } from "../l1/batch-poster.ts";
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

export interface BatchRecord extends SealedBatch {
  /** Account credited with the batch's fees (the fixed layout's header). */
  readonly feeRecipient: number;
  readonly sealedAt: number;
  readonly feesCredited: bigint;
  /** Set once the batch is committed on L1 (its blob is computed then, off the request path). */
  readonly l1TxHash?: string;
  readonly blobVersionedHash?: string;
  readonly commitment?: bigint;
}

export interface Meta {
  readonly chain: string;
  readonly sealed: number;
  readonly stateRoot: Field;
  readonly counters: RollupState["counters"];
  readonly queue: RollupState["queue"];
  readonly governance: GovernanceParams;
}

export interface WalEntry {
  readonly raw: Uint8Array;
  readonly hash: string;
}

export const KEY = {
  meta: "meta",
  account: (id: number) => `acct:${pad(id)}`,
  contribution: (id: number) => `contrib:${pad(id)}`,
  model: (id: number) => `model:${pad(id)}`,
  inference: (id: number) => `inf:${pad(id)}`,
  batch: (n: number) => `batch:${pad(n)}`,
  tx: (hash: string) => `tx:${hash}`,
  accountTx: (id: number, batch: number, pos: number) => `acctx:${pad(id)}:${pad(batch)}:${pad(pos, 6)}`,
  wal: (batch: number, pos: number) => `wal:${pad(batch)}:${pad(pos, 6)}`,
  pooled: (hash: string) => `mp:${hash}`,
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
