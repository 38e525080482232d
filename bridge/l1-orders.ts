/**
 * Orders a user sends to the L1 rollup that L2 must serve: deposits and forced withdrawals,
 * each paying the queue fee (docs/contracts.md). The signer should count its own nonces (an
 * ethers NonceManager): an approval and the order go out back to back.
 */
import { Contract, type ContractTransactionReceipt, type Signer } from "ethers";
import { BRIDGE_ABI, TOKEN_ABI } from "./bridge-abi.ts";
import { BridgeError, BridgeErrorCode } from "./errors.ts";
import { parseOperationQueued, type QueuedOperation } from "./l1-operations.ts";

/** A forced withdrawal of more than the balance takes the whole balance (PriorityQueue.sol). */
export const WHOLE_BALANCE = (1n << 96n) - 1n;

export interface QueuedOrder {
  readonly l1TxHash: string;
  readonly operation: QueuedOperation;
  /** The queue fee paid to the treasury. */
  readonly fee: bigint;
}

/** Approves the rollup for `amount` OPEN of `owner` unless the allowance already covers it. */
export async function ensureAllowance(rollup: Contract, signer: Signer, amount: bigint): Promise<void> {
  if (amount === 0n) return;
  const token = new Contract(await rollup.getFunction("token")(), TOKEN_ABI, signer);
  const owner = await signer.getAddress();
  if ((await token.getFunction("allowance")(owner, rollup.target)) < amount) {
    await (await token.getFunction("approve")(rollup.target, amount)).wait();
  }
}

/** Locks `amount` OPEN and queues its credit to account `to` (0: a new account for `key`). */
export async function depositToL2(
  rollupAddress: string,
  signer: Signer,
  o: { to: number; key: { x: bigint; y: bigint }; amount: bigint },
): Promise<QueuedOrder> {
  const rollup = new Contract(rollupAddress, BRIDGE_ABI, signer);
  const fee: bigint = await rollup.getFunction("queueFee")();
  await ensureAllowance(rollup, signer, o.amount + fee);
  const tx = await rollup.getFunction("deposit")(o.to, o.key.x, o.key.y, o.amount);
  return { l1TxHash: tx.hash, operation: queuedIn(rollup, await tx.wait()), fee };
}

/**
 * Asks L2, through the L1 queue, to withdraw min(amount, balance) of `account` to the signer's
 * address; L2 honours it only if the signer opened the account. The sequencer must process it
 * by the operation's deadline, or anyone may freeze the rollup.
 */
export async function forceWithdrawal(
  rollupAddress: string,
  signer: Signer,
  account: number,
  amount: bigint,
): Promise<QueuedOrder> {
  const rollup = new Contract(rollupAddress, BRIDGE_ABI, signer);
  if ((await rollup.getFunction("head")()).frozen) {
    throw new BridgeError(
      BridgeErrorCode.Frozen,
      "the rollup is frozen: nothing is withdrawn any more; exit instead (openledger bridge exit)",
    );
  }
  const fee: bigint = await rollup.getFunction("queueFee")();
  await ensureAllowance(rollup, signer, fee);
  const tx = await rollup.getFunction("forceWithdrawal")(account, amount);
  return { l1TxHash: tx.hash, operation: queuedIn(rollup, await tx.wait()), fee };
}

function queuedIn(rollup: Contract, receipt: ContractTransactionReceipt | null): QueuedOperation {
  for (const log of receipt?.logs ?? []) {
    const parsed = rollup.interface.parseLog(log);
    if (parsed?.name === "OperationQueued") return parseOperationQueued(parsed, log);
  }
  throw new Error("a queued order's receipt carries no OperationQueued event");
}
