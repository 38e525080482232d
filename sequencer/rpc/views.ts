import { type Field, fieldToHex } from "../../protocol/field.ts";
import { settlementPublicInput } from "../../protocol/rewards/commitment.ts";
import { attributionMethodName } from "../../protocol/rewards/methods.ts";
import type { Credit, SettledInference } from "../../protocol/rewards/settlement.ts";
import type { Receipt } from "../../protocol/state/apply.ts";
import { policyLicenses } from "../../protocol/licenses.ts";
import type {
  Account,
  Contribution,
  Datanet,
  GovernanceParams,
  InferenceRecord,
  Model,
} from "../../protocol/state/leaves.ts";
import type { TrainingSet } from "../../protocol/state/state.ts";
import { decodeTx } from "../../protocol/tx/codec.ts";
import { CurationMode, TX_TYPE_NAMES, type TxType } from "../../protocol/tx/types.ts";
import type {
  BatchInfo,
  ContributionInfo,
  CreditInfo,
  EntryInfo,
  DatanetInfo,
  InferenceInfo,
  GovernanceInfo,
  ModelInfo,
  ReceiptInfo,
  SettledInferenceInfo,
  SettlementInfo,
  TransactionInfo,
} from "../../sdk/wire.ts";
import type { BatchRecord, EntryRecord, SettlementRecord, TxRecord } from "../storage/schema.ts";

/**
 * The RPC answers built from the stored records, in the wire shapes of sdk/wire.ts.
 */
export const hex = (b: Uint8Array): string => `0x${Buffer.from(b).toString("hex")}`;

/** Any value with bigints as decimal strings and bytes as hex (for decoded transactions). */
export function plain(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return hex(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

export function accountView(id: number, a: Account) {
  return {
    id,
    publicKey: { x: fieldToHex(a.publicKey.x), y: fieldToHex(a.publicKey.y) },
    l1Address: a.l1Address,
    balance: a.balance.toString(),
    nonce: a.nonce,
    staked: a.staked.toString(),
  };
}

export function governanceView(g: GovernanceParams): GovernanceInfo {
  return {
    ...g,
    minContributionStake: g.minContributionStake.toString(),
    minModelStake: g.minModelStake.toString(),
  };
}

export function contributionView(id: number, c: Contribution): ContributionInfo {
  return {
    id,
    owner: c.owner,
    datanet: c.datanet,
    contentRoot: fieldToHex(c.contentRoot),
    rowCount: c.rowCount,
    license: c.license,
    uriCommitment: fieldToHex(c.uriCommitment),
    stake: c.stake.toString(),
    status: CONTRIBUTION_STATUS_NAMES[c.status],
  };
}

const CONTRIBUTION_STATUS_NAMES = ["pending", "accepted", "rejected"] as const;

export function datanetView(id: number, d: Datanet): DatanetInfo {
  return {
    id,
    owner: d.owner,
    metadataHash: fieldToHex(d.metadataHash),
    licensePolicy: d.licensePolicy,
    licenses: policyLicenses(d.licensePolicy).map((l) => l.spdx),
    curationMode: d.curationMode === CurationMode.Curated ? "curated" : "open",
    curators: [...d.curators],
    minStake: d.minStake.toString(),
  };
}

export function modelView(id: number, m: Model & { training?: TrainingSet }): ModelInfo {
  return {
    id,
    owner: m.owner,
    modelHash: fieldToHex(m.modelHash),
    trainingDescriptor: fieldToHex(m.trainingDescriptor),
    trainingConfigHash: m.training ? fieldToHex(m.training.trainingConfigHash) : null,
    contributions: m.training ? [...m.training.contributions] : null,
    checkpointCommitment: fieldToHex(m.checkpointCommitment),
    inferenceFee: m.inferenceFee.toString(),
    baseModel: m.baseModel,
    escrow: m.escrow.toString(),
  };
}

/** `settlement`: the entry that paid it, from the store's index (null while unsettled). */
export function inferenceView(id: number, r: InferenceRecord, settlement: number | null): InferenceInfo {
  return {
    id,
    user: r.user,
    model: r.model,
    inputHash: fieldToHex(r.inputHash),
    outputHash: fieldToHex(r.outputHash),
    featureCommitment: fieldToHex(r.featureCommitment),
    payment: r.payment.toString(),
    settlement,
  };
}

export function receiptView(t: TxRecord & { status: ReceiptInfo["status"] }): ReceiptInfo {
  const r: Receipt = t.receipt;
  return {
    txHash: t.hash,
    status: t.status,
    batch: t.batch,
    position: t.position,
    type: TX_TYPE_NAMES[r.type as TxType],
    account: r.account,
    fee: r.fee.toString(),
    created: r.created ?? null,
    curated: r.curated ? { owner: r.curated.owner, refund: r.curated.refund.toString() } : null,
    withdrawal: r.withdrawal
      ? { recipient: r.withdrawal.recipient, amount: r.withdrawal.amount.toString() }
      : null,
  };
}

export function transactionView(t: {
  hash: string;
  raw: Uint8Array;
  status: TransactionInfo["status"];
  batch?: number;
  position?: number;
}): TransactionInfo {
  const tx = decodeTx(t.raw);
  return {
    hash: t.hash,
    status: t.status,
    batch: t.batch ?? null,
    position: t.position ?? null,
    type: TX_TYPE_NAMES[tx.type],
    raw: hex(t.raw),
    tx: plain({ ...tx, type: TX_TYPE_NAMES[tx.type] }) as Record<string, unknown>,
  };
}

/** A sealed entry as ol_getBatch and ol_listBatches serve it (`kind` tells which). */
export function entryView(e: EntryRecord, withData: boolean): EntryInfo {
  return e.kind === "settlement" ? settlementView(e) : batchView(e, withData);
}

/** A settlement's credit on the wire: a data credit names its contribution. */
export function creditView(c: Credit): CreditInfo {
  const base = { role: c.role, account: c.account, amount: c.amount.toString() };
  return c.contribution === undefined ? base : { ...base, contribution: c.contribution };
}

export function settledInferenceView(i: SettledInference): SettledInferenceInfo {
  return {
    id: i.id,
    payment: i.payment.toString(),
    prover: i.split.prover.toString(),
    protocol: i.split.protocol.toString(),
    owner: i.split.owner.toString(),
    base: i.split.base.toString(),
    pool: i.split.pool.toString(),
    dataCredits: i.dataCredits.map(String),
    dust: i.dust.toString(),
  };
}

export function settlementView(r: SettlementRecord): SettlementInfo {
  const s = r.settlement;
  const g = r.governance;
  return {
    kind: "settlement",
    number: r.number,
    preStateRoot: fieldToHex(r.preStateRoot),
    postStateRoot: fieldToHex(r.postStateRoot),
    endCounters: r.endState.counters,
    epoch: s.epoch,
    epochEnd: r.epochEnd.entry,
    model: s.model,
    inferences: [...s.inferences],
    scores: s.scores.map((row) => row.map(String)),
    proverAccount: s.proverAccount,
    treasuryAccount: s.treasuryAccount,
    scoresCommitment: fieldToHex(r.scoresCommitment),
    epochEndRoot: fieldToHex(r.epochEnd.roots.postStateRoot),
    publicInput: fieldToHex(
      settlementPublicInput({
        ...s,
        preRoot: r.preStateRoot,
        postRoot: r.postStateRoot,
        epochEndRoot: r.epochEnd.roots.postStateRoot,
        scoresCommitment: r.scoresCommitment,
      }),
    ),
    contributions: r.receipt.credits.flatMap((c) => (c.role === "data" ? [c.contribution!] : [])),
    governance: {
      dataBps: g.dataBps,
      modelBps: g.modelBps,
      baseModelBps: g.baseModelBps,
      proverBps: g.proverBps,
      protocolBps: g.protocolBps,
      attributionMethod: g.attributionMethod,
      attributionMethodName: attributionMethodName(g.attributionMethod) ?? null,
    },
    paid: r.receipt.paid.toString(),
    settled: r.receipt.inferences.map(settledInferenceView),
    credits: r.receipt.credits.map(creditView),
    l1TxHash: r.l1TxHash ?? null,
    sealedAt: new Date(r.sealedAt).toISOString(),
  };
}

export function batchView(b: BatchRecord, withData: boolean): BatchInfo {
  return {
    kind: "batch",
    number: b.number,
    preStateRoot: fieldToHex(b.preStateRoot),
    postStateRoot: fieldToHex(b.postStateRoot),
    endCounters: b.endState.counters,
    batchData: withData ? hex(b.batchData) : undefined,
    feeRecipient: b.feeRecipient,
    blobVersionedHash: b.blobVersionedHash ?? null,
    commitment: b.commitment === undefined ? null : fieldToHex(b.commitment),
    queueStart: b.queueStart.toString(),
    queueEnd: b.queueEnd.toString(),
    queueHashStart: fieldToHex(b.queueHashStart),
    queueHashEnd: fieldToHex(b.queueHashEnd),
    withdrawals: b.withdrawals.map((w) => ({ recipient: w.recipient, amount: w.amount.toString() })),
    withdrawalsRoot: fieldToHex(b.withdrawalsRoot),
    feesCredited: b.feesCredited.toString(),
    txHashes: [...b.txHashes],
    sealedAt: new Date(b.sealedAt).toISOString(),
  };
}

export const siblingsView = (s: readonly (readonly Field[])[]) => s.map((level) => level.map(fieldToHex));
