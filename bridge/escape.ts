/**
 * The escape hatch from the user's side (contracts/rollup/EscapeHatch.sol): freeze the rollup
 * once a queued operation outlived its deadline, then take the OPEN back on L1 without the
 * sequencer: an account's exit, proven against the last finalized state root, and refunds of
 * deposits no finalized batch processed. Each function checks what L1 would refuse first and
 * says why in a typed error, so no gas is spent on a certain revert.
 */
import { Contract, getAddress, type Signer, toBeHex } from "ethers";
import { rootsArg } from "../contracts/client/batch-roots.ts";
import { type Field, fieldToHex } from "../protocol/field.ts";
import { poseidon } from "../protocol/poseidon.ts";
import { rootFromProof } from "../protocol/smt.ts";
import {
  type Account,
  accountFields,
  accountLeaf,
  packAccountState,
  registriesHash,
} from "../protocol/state/leaves.ts";
import type { RollupState } from "../protocol/state/state.ts";
import { BRIDGE_ABI } from "./bridge-abi.ts";
import { BridgeError, BridgeErrorCode } from "./errors.ts";
import { QueueKind } from "./l1-operations.ts";
import { entryRoots, frozenQueueEnd, l1Now, queuedOperationsOf } from "./l1-reads.ts";
import { isoTime } from "./stages.ts";

const rollupAs = (address: string, signer: Signer) => new Contract(address, BRIDGE_ABI, signer);

async function requireFrozen(rollup: Contract, action: string): Promise<void> {
  if (!(await rollup.getFunction("head")()).frozen) {
    throw new BridgeError(
      BridgeErrorCode.NotFrozen,
      `the rollup is live: ${action} only after a freeze; withdraw instead (openledger bridge withdraw), or force one (openledger bridge force-withdraw)`,
    );
  }
}

export interface FreezeOutcome {
  readonly l1TxHash: string;
  readonly lastFinalized: number;
  /** The overdue queue operation that allowed the freeze. */
  readonly expiredOperation: bigint;
}

/**
 * Freezes the rollup with the last finalized entry's roots, if the oldest queue operation no
 * finalized batch processed is past its deadline. Anyone may send it.
 */
export async function freezeRollup(
  rollupAddress: string,
  signer: Signer,
  fromBlock: number,
): Promise<FreezeOutcome> {
  const rollup = rollupAs(rollupAddress, signer);
  if ((await rollup.getFunction("head")()).frozen) {
    throw new BridgeError(
      BridgeErrorCode.Frozen,
      "the rollup is frozen already: exit (openledger bridge exit)",
    );
  }
  const lastFinalized = Number(await rollup.getFunction("lastFinalizedBatch")());
  const roots = await entryRoots(rollup, lastFinalized, fromBlock);
  const pending = roots.queueEnd;
  if (pending >= (await rollup.getFunction("queueLength")())) {
    throw new BridgeError(
      BridgeErrorCode.NothingExpired,
      `nothing to freeze for: every queued operation is processed by a final batch (up to batch ${lastFinalized})`,
    );
  }
  const deadline: bigint = await rollup.getFunction("deadlineOf")(pending);
  if ((await l1Now(rollup)) <= deadline) {
    throw new BridgeError(
      BridgeErrorCode.NothingExpired,
      `queue operation ${pending} is not overdue: the sequencer has until ${isoTime(deadline)}; freeze after that if it is still unprocessed`,
    );
  }
  const tx = await rollup.getFunction("freeze")(rootsArg(roots));
  await tx.wait();
  return { l1TxHash: tx.hash, lastFinalized, expiredOperation: pending };
}

export interface ExitOutcome {
  readonly l1TxHash: string;
  readonly account: number;
  readonly to: string;
  /** Balance and stake at the last finalized root. */
  readonly amount: bigint;
}

/** An account with its Merkle proof at a state root: what an exit proves on L1. */
export interface ExitProof {
  readonly account: number;
  readonly leaf: Account;
  /** The accounts tree's siblings, bottom level first (docs/protocol.md §3). */
  readonly siblings: readonly (readonly Field[])[];
  readonly registriesHash: Field;
}

/** The exit proof of `account` in `state` (a rebuilt or snapshot state), if it holds the account. */
export function exitProofOf(state: RollupState, account: number): ExitProof | undefined {
  const leaf = state.accounts.get(account);
  if (!leaf) return undefined;
  const siblings = state.proof("accounts", account).siblings;
  return { account, leaf, siblings, registriesHash: registriesHash(state.roots()) };
}

/** The state root `p` proves its account under. */
export function exitProofRoot(p: ExitProof): Field {
  const shape = { arity: (p.siblings[0]?.length ?? 0) + 1, depth: p.siblings.length };
  const accountsRoot = rootFromProof(shape, BigInt(p.account), accountLeaf(p.leaf), p.siblings);
  return poseidon([accountsRoot, p.registriesHash]);
}

/**
 * Exits `proof`'s account on L1. The proof must be at the last finalized root (from a
 * rebuilt state, a snapshot, or a node's finalized state; checked here against L1 before
 * anything is sent). L1 pays balance + stake to the account's l1Address, whoever sends the exit.
 */
export async function exitAccount(
  rollupAddress: string,
  signer: Signer,
  proof: ExitProof | undefined,
  account: number,
): Promise<ExitOutcome> {
  const rollup = rollupAs(rollupAddress, signer);
  await requireFrozen(rollup, "exits open");
  if (!proof) {
    throw new BridgeError(
      BridgeErrorCode.NothingToPay,
      `account ${account} does not exist in the last finalized state`,
    );
  }
  const l1Root = BigInt(await rollup.getFunction("finalizedStateRoot")());
  const root = exitProofRoot(proof);
  if (root !== l1Root) {
    throw new BridgeError(
      BridgeErrorCode.RootMismatch,
      `the proof of account ${account} is at state root ${fieldToHex(root)}, not the last finalized root ${fieldToHex(l1Root)} exits prove against`,
    );
  }
  if (await rollup.getFunction("exited")(account)) {
    throw new BridgeError(
      BridgeErrorCode.NothingToPay,
      `account ${account} has exited already: L1 pays an account once`,
    );
  }
  const a = proof.leaf;
  const [publicKeyX, publicKeyY, l1Address] = accountFields(a);
  const leaf = { publicKeyX, publicKeyY, l1Address, packed: packAccountState(a) };
  const siblings = proof.siblings.map((level) => [...level]);
  const tx = await rollup.getFunction("exit")(account, leaf, siblings, proof.registriesHash);
  await tx.wait();
  return {
    l1TxHash: tx.hash,
    account,
    to: getAddress(toBeHex(l1Address!, 20)),
    amount: a.balance + a.staked,
  };
}

/** The accounts of the finalized state opened from `address`: whose exits pay it. */
export function accountsOf(finalized: RollupState, address: string): number[] {
  const wanted = getAddress(address);
  return [...finalized.accounts].filter(([, a]) => getAddress(a.l1Address) === wanted).map(([id]) => id);
}

export interface RefundOutcome {
  readonly queueIndex: bigint;
  readonly amount: bigint;
  /** The refund's L1 transaction, or undefined when it was refunded before. */
  readonly l1TxHash?: string;
}

/**
 * After a freeze, returns to `sender` every deposit it queued that no finalized batch
 * processed. Anyone may send the refunds; L1 pays the deposit's sender.
 */
export async function refundDeposits(
  rollupAddress: string,
  signer: Signer,
  sender: string,
  fromBlock: number,
): Promise<RefundOutcome[]> {
  const rollup = rollupAs(rollupAddress, signer);
  await requireFrozen(rollup, "deposits are refunded");
  const queueEnd = (await frozenQueueEnd(rollup, fromBlock))!;
  const deposits = (await queuedOperationsOf(rollup, sender, fromBlock)).filter(
    (op) => op.kind === QueueKind.Deposit && op.index >= queueEnd,
  );
  const outcomes: RefundOutcome[] = [];
  for (const op of deposits) {
    const base = { queueIndex: op.index, amount: op.amount };
    if (await rollup.getFunction("refunded")(op.index)) {
      outcomes.push(base);
      continue;
    }
    const [, pubX, pubY] = op.words;
    const tx = await rollup.getFunction("refundDeposit")(op.index, op.account, sender, pubX, pubY, op.amount);
    await tx.wait();
    outcomes.push({ ...base, l1TxHash: tx.hash });
  }
  return outcomes;
}
