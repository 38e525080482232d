/**
 * Reads the facts `bridge status` assembles (status.ts): the address's queue operations from
 * L1's events, its withdrawals from the sequencer's sealed batches, and how far L1 got.
 */
import type { Contract } from "ethers";
import { getAddress } from "ethers";
import type { OpenLedgerProvider } from "../sdk/provider.ts";
import { QueueKind } from "./l1-operations.ts";
import { batchProgress, entryRoots, frozenQueueEnd, l1Now, queuedOperationsOf } from "./l1-reads.ts";
import { assembleStatus, type BridgeStatus, type QueuedItem, type WithdrawalItem } from "./status.ts";

/** Sealed entries read per ol_listBatches call (the most the sequencer serves). */
const PAGE = 100;

/** `rollup`: a Contract with BRIDGE_ABI; `fromBlock`: its deployment block. */
export async function readStatus(
  rollup: Contract,
  l2: OpenLedgerProvider,
  address: string,
  fromBlock: number,
): Promise<BridgeStatus> {
  const who = getAddress(address);
  const head = await rollup.getFunction("head")();
  const lastFinalized = Number(await rollup.getFunction("lastFinalizedBatch")());
  const queueFinalized =
    lastFinalized === 0 ? 0n : (await entryRoots(rollup, lastFinalized, fromBlock)).queueEnd;
  const frozenAt = await frozenQueueEnd(rollup, fromBlock);
  const chain = {
    now: await l1Now(rollup),
    queueCommitted: BigInt(head.queueCommitted),
    queueFinalized,
    frozenQueueEnd: frozenAt,
  };

  const queued: QueuedItem[] = [];
  for (const op of await queuedOperationsOf(rollup, who, fromBlock)) {
    const deposit = op.kind === QueueKind.Deposit;
    queued.push({
      kind: deposit ? "deposit" : "forced withdrawal",
      index: op.index,
      account: op.account,
      amount: op.amount,
      deadline: op.deadline,
      refunded: deposit && frozenAt !== undefined && (await rollup.getFunction("refunded")(op.index)),
    });
  }

  const withdrawals: WithdrawalItem[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const entries = await l2.listBatches({ offset, limit: PAGE });
    for (const e of entries) {
      if (e.kind !== "batch") continue;
      for (const [leafIndex, w] of e.withdrawals.entries()) {
        if (getAddress(w.recipient) !== who) continue;
        const progress = await batchProgress(rollup, e.number);
        const claimed = progress.final && (await rollup.getFunction("isClaimed")(e.number, leafIndex));
        withdrawals.push({
          batch: e.number,
          leafIndex,
          amount: BigInt(w.amount),
          facts: { sealed: true, ...progress, claimed },
        });
      }
    }
    if (entries.length < PAGE) break;
  }

  const exits = [];
  if (frozenAt !== undefined) {
    for (const account of await l2.getAccountsByL1Address(who)) {
      exits.push({ account, exited: await rollup.getFunction("exited")(account) });
    }
  }
  return assembleStatus(who, chain, { queued, withdrawals, exits });
}
