/**
 * A state snapshot checked against L1 (docs/protocol.md §8.5): it must name this chain and
 * rollup, an entry L1 has finalized, and the roots L1 stores for that entry; each epoch end it
 * carries must be the roots L1 stores for its entry too. One call per root (`isBatchRoots`),
 * no log scan. Run on the header, before any record is read: the records are then checked
 * against the header's root as they are rebuilt (protocol/snapshot/load.ts).
 */
import type { Contract } from "ethers";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { fieldToHex } from "../../protocol/field.ts";
import type { SnapshotHeader } from "../../protocol/snapshot/format.ts";
import { decodeFrames } from "../../protocol/snapshot/frames.ts";
import { type LoadedSnapshot, type LoadOptions, loadSnapshot } from "../../protocol/snapshot/load.ts";
import { stateRoot } from "../../protocol/state/leaves.ts";
import { type BatchRoots, rootsArg } from "./batch-roots.ts";

/** `rollup`: the rollup contract with the client ABI, connected to an L1 provider. */
export async function checkSnapshotOnL1(rollup: Contract, header: SnapshotHeader): Promise<void> {
  const chainId = (await rollup.runner!.provider!.getNetwork()).chainId;
  const address = String(rollup.target).toLowerCase();
  if (header.chainId !== chainId || header.rollup.toLowerCase() !== address) {
    throw new OpenLedgerError(
      ErrorCode.WrongChain,
      `the snapshot is of rollup ${header.rollup} on chain ${header.chainId}, not of ${address} on chain ${chainId}`,
    );
  }
  const lastFinalized = Number(await rollup.getFunction("lastFinalizedBatch")());
  if (header.entry > lastFinalized) {
    throw new OpenLedgerError(
      ErrorCode.NotFinal,
      `the snapshot is of entry ${header.entry}, which L1 has not finalized (it has finalized up to entry ${lastFinalized}): a snapshot is taken at a finalized entry only`,
    );
  }
  const own = {
    postStateRoot: header.stateRoot,
    withdrawalsRoot: header.withdrawalsRoot,
    queueEnd: header.queue.next,
  };
  if (!(await committedRoots(rollup, header.entry, own))) {
    throw new OpenLedgerError(
      ErrorCode.SnapshotRootMismatch,
      `L1 did not commit state root ${fieldToHex(header.stateRoot)} (with queue end ${header.queue.next}) for entry ${header.entry}: the snapshot's header is not the chain's`,
    );
  }
  for (const e of header.epochEnds) {
    const roots = {
      postStateRoot: stateRoot(e.roots),
      withdrawalsRoot: e.withdrawalsRoot,
      queueEnd: e.queueEnd,
    };
    if (!(await committedRoots(rollup, e.entry, roots))) {
      throw new OpenLedgerError(
        ErrorCode.SnapshotRootMismatch,
        `the snapshot's epoch end at entry ${e.entry} has roots L1 did not commit for that entry`,
      );
    }
  }
}

function committedRoots(rollup: Contract, entry: number, roots: BatchRoots): Promise<boolean> {
  return rollup.getFunction("isBatchRoots")(entry, rootsArg(roots));
}

/**
 * Loads the snapshot in `chunks` and checks it against L1: its header before any record is
 * read, then its records against the header's root as they are rebuilt.
 */
export function loadVerifiedSnapshot(
  chunks: AsyncIterable<Uint8Array>,
  rollup: Contract,
  o: Omit<LoadOptions, "checkHeader"> = {},
): Promise<LoadedSnapshot> {
  return loadSnapshot(decodeFrames(chunks), { ...o, checkHeader: (h) => checkSnapshotOnL1(rollup, h) });
}
