/**
 * Realistic batch data for the gas benchmark, with human-looking amounts (few significant
 * digits, as wallets produce) and account ids up to a million: the fixed layout the sequencer
 * posts (docs/protocol.md section 8, protocol/batch/layout.ts), and the compact encoding of
 * protocol/batch/data.ts that batches holding registry transactions fall back to.
 */
import { type CompactTx, encodeBatchData } from "../protocol/batch/data.ts";
import { encodeBatchLayout, type SlotRecord } from "../protocol/batch/layout.ts";
import { TxType } from "../protocol/tx/types.ts";

type Kind =
  | "transfer"
  | "deposit"
  | "inference"
  | "withdraw"
  | "stake"
  | "unstake"
  | "registerContribution"
  | "registerModel";

/** Share of each transaction type in a batch, in percent: what the fixed layout carries. */
export const REALISTIC_MIX: Record<Kind, number> = {
  transfer: 70,
  deposit: 10,
  withdraw: 10,
  stake: 7,
  unstake: 3,
  inference: 0,
  registerContribution: 0,
  registerModel: 0,
};

/** With registry transactions (inferences, contributions): posted in the compact encoding. */
export const REGISTRY_MIX: Record<Kind, number> = {
  transfer: 55,
  deposit: 10,
  inference: 10,
  withdraw: 8,
  stake: 6,
  unstake: 3,
  registerContribution: 3,
  registerModel: 0,
};

/** A mix with every share 0, to spread and override: `{ ...NO_TXS, transfer: 100 }`. */
export const NO_TXS: Record<Kind, number> = {
  transfer: 0,
  deposit: 0,
  inference: 0,
  withdraw: 0,
  stake: 0,
  unstake: 0,
  registerContribution: 0,
  registerModel: 0,
};

/** mulberry32: a tiny seeded generator, so every run posts the same bytes. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedBatch {
  data: Uint8Array;
  txs: CompactTx[];
  /** Withdrawals in order: the batch's withdrawals tree leaves. */
  withdrawals: { recipient: string; amount: bigint }[];
  deposits: number;
}

/** Withdrawal entries of the fixed layout at 256 slots (a power of two above the mix's share). */
export const LAYOUT_WITHDRAWALS = 32;

/**
 * `n` transactions of `mix`, posted in the fixed layout (`n` slots, LAYOUT_WITHDRAWALS
 * recipients) when every type has a record there, else in the compact encoding.
 */
export function generateBatch(n: number, mix: Record<Kind, number>, seed = 4): GeneratedBatch {
  const random = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const account = () => int(1, 1_000_000);
  // 1 to 4 significant digits times a power of ten, as people type amounts.
  const amount = () => BigInt(int(1, 9999)) * 10n ** BigInt(int(14, 18));
  const fee = () => BigInt(int(1, 99)) * 10n ** 13n;
  const field = () => BigInt(`0x${Array.from({ length: 62 }, () => int(0, 15).toString(16)).join("")}`);
  const address = () => `0x${Array.from({ length: 40 }, () => int(0, 15).toString(16)).join("")}`;

  const kinds = Object.entries(mix).flatMap(([kind, pct]) =>
    Array<Kind>(Math.round((pct * n) / 100)).fill(kind as Kind),
  );
  while (kinds.length < n) kinds.push("transfer");
  kinds.length = n;
  // Shuffle so types interleave as they would in a real batch.
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = int(0, i);
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }

  const txs: CompactTx[] = [];
  const withdrawals: GeneratedBatch["withdrawals"] = [];
  let deposits = 0;
  for (const kind of kinds) {
    const from = account();
    switch (kind) {
      case "transfer":
        txs.push({ type: TxType.Transfer, from, fee: fee(), to: account(), amount: amount() });
        break;
      case "deposit":
        deposits++;
        txs.push({ type: TxType.Deposit, account: account() });
        break;
      case "withdraw": {
        const w = { recipient: address(), amount: amount() };
        withdrawals.push(w);
        txs.push({ type: TxType.Withdraw, from, fee: fee(), ...w });
        break;
      }
      case "stake":
      case "unstake":
        txs.push({
          type: kind === "stake" ? TxType.Stake : TxType.Unstake,
          from,
          fee: fee(),
          amount: amount(),
        });
        break;
      case "inference":
        txs.push({
          type: TxType.Inference,
          from,
          fee: fee(),
          model: int(1, 5000),
          inputHash: field(),
          outputHash: field(),
          featureCommitment: field(),
          payment: amount(),
        });
        break;
      case "registerContribution":
      case "registerModel":
        txs.push({
          type: TxType.RegisterContribution,
          from,
          fee: fee(),
          datanet: int(1, 200),
          contentRoot: field(),
          rowCount: int(1, 100_000),
          license: int(1, 8),
          uriCommitment: field(),
          stake: amount(),
        });
        break;
    }
  }
  const registry = txs.some((tx) => tx.type > TxType.Unstake && tx.type !== TxType.Deposit);
  const data = registry
    ? encodeBatchData(txs)
    : encodeBatchLayout(
        { slots: n, withdrawals: LAYOUT_WITHDRAWALS },
        1,
        txs.map(slotOf),
        withdrawals.map((w) => w.recipient),
      );
  return { data, txs, withdrawals, deposits };
}

function slotOf(tx: CompactTx): SlotRecord {
  switch (tx.type) {
    case TxType.Deposit:
      return { type: tx.type, a: tx.account, b: 0, amount: 0n, fee: 0n };
    case TxType.Transfer:
      return { type: tx.type, a: tx.from, b: tx.to, amount: tx.amount, fee: tx.fee };
    case TxType.Withdraw:
    case TxType.Stake:
    case TxType.Unstake:
      return { type: tx.type, a: tx.from, b: 0, amount: tx.amount, fee: tx.fee };
    default:
      throw new Error(`type ${tx.type} has no fixed-layout record`);
  }
}
