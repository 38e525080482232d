import { type Contract, getBytes, Interface, type Log, type EventLog } from "ethers";
import { ROLLUP_ABI } from "../../contracts/client/rollup-abi.ts";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { decodeSettlementData } from "../../protocol/rewards/encoding.ts";
import { liveLogs, type PublishedSettlement } from "./replay.ts";

const ROLLUP = new Interface(ROLLUP_ABI);

/**
 * Epoch `epoch`'s settlements as L1 published them, in entry order (docs/protocol.md §11.5):
 * the data of each SettlementCommitted event still in force, and the scoresCommitment its
 * commitSettlement call carried, read from that transaction's calldata (the event gives only
 * the folded public input). A commit L1 did not receive as a direct commitSettlement call
 * whose data and entry are the event's is refused as STATE_CORRUPT: its commitment cannot be
 * read, so it cannot be checked.
 */
export async function l1Settlements(
  rollup: Contract,
  epoch: number,
  fromBlock = 0,
): Promise<PublishedSettlement[]> {
  const place = (l: Log) => ({ block: l.blockNumber, index: l.index });
  const events = (await rollup.queryFilter(rollup.filters.SettlementCommitted!(null, epoch), fromBlock))
    .filter((l): l is EventLog => "args" in l)
    .map((l) => ({ ...place(l), entry: Number(l.args.batchIndex), log: l }));
  const reverts = (await rollup.queryFilter(rollup.filters.BatchesReverted!(), fromBlock))
    .filter((l): l is EventLog => "args" in l)
    .map((l) => ({ ...place(l), from: Number(l.args.fromBatch), to: Number(l.args.toBatch) }));
  const live = liveLogs(events, reverts).sort((a, b) => a.entry - b.entry);
  const out: PublishedSettlement[] = [];
  for (const { entry, log } of live) {
    const tx = await log.getTransaction();
    const call = ROLLUP.parseTransaction({ data: tx.data });
    const s =
      call?.name === "commitSettlement"
        ? (call.args[0] as {
            batchIndex: bigint;
            epoch: bigint;
            model: bigint;
            scoresCommitment: bigint;
            proverAccount: bigint;
          })
        : undefined;
    if (!call || !s || Number(s.batchIndex) !== entry || call.args[3] !== log.args.data) {
      throw new OpenLedgerError(
        ErrorCode.StateCorrupt,
        `entry ${entry}: L1 transaction ${log.transactionHash} is not the commitSettlement call of its event; its scores commitment cannot be read`,
      );
    }
    out.push({
      entry,
      data: decodeSettlementData(getBytes(log.args.data)),
      scoresCommitment: BigInt(s.scoresCommitment),
      committed: { epoch: Number(s.epoch), model: Number(s.model), proverAccount: Number(s.proverAccount) },
      l1TxHash: log.transactionHash,
    });
  }
  return out;
}
