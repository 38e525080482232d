/**
 * Realistic batch data for the gas benchmark in the fixed layout the sequencer posts
 * (docs/protocol.md section 8, protocol/batch/layout.ts): human-looking amounts (few
 * significant digits, as wallets produce), account ids up to a million, random hashes for
 * contributions and inferences. Seeded, so every run posts the same bytes.
 */
import { encodeBatchLayout, type RegistryRecord, type SlotRecord } from "../protocol/batch/layout.ts";
import { TxType } from "../protocol/tx/types.ts";

type Kind = "transfer" | "deposit" | "inference" | "withdraw" | "stake" | "unstake" | "registerContribution";
export type Mix = Record<Kind, number>;

/** Share of each transaction type, in percent: payments with some AI-economy traffic. */
export const REALISTIC_MIX: Mix = {
  transfer: 55,
  deposit: 10,
  inference: 10,
  withdraw: 8,
  stake: 6,
  unstake: 3,
  registerContribution: 3,
};

/** A mix with every share 0, to spread and override: `{ ...NO_TXS, transfer: 100 }`. */
export const NO_TXS: Mix = {
  transfer: 0,
  deposit: 0,
  inference: 0,
  withdraw: 0,
  stake: 0,
  unstake: 0,
  registerContribution: 0,
};

/** Withdrawal entries of the layout at 256 slots (a power of two above the mixes' share). */
export const LAYOUT_WITHDRAWALS = 32;

/** mulberry32: a tiny seeded generator. */
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
  /** Withdrawals in order: the batch's withdrawals tree leaves. */
  withdrawals: { recipient: string; amount: bigint }[];
  deposits: number;
  /** Registry records (contributions, inferences): the layout has exactly this many slots. */
  registryTxs: number;
}

/** `n` transactions of `mix` in the fixed layout: `n` slots, LAYOUT_WITHDRAWALS recipients. */
export function generateBatch(n: number, mix: Mix, seed = 4): GeneratedBatch {
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

  const records: SlotRecord[] = [];
  const registry: RegistryRecord[] = [];
  const withdrawals: GeneratedBatch["withdrawals"] = [];
  let deposits = 0;
  for (const kind of kinds) {
    const a = account();
    switch (kind) {
      case "transfer":
        records.push({ type: TxType.Transfer, a, b: account(), amount: amount(), fee: fee() });
        break;
      case "deposit":
        deposits++;
        records.push({ type: TxType.Deposit, a, b: 0, amount: 0n, fee: 0n });
        break;
      case "withdraw": {
        const w = { recipient: address(), amount: amount() };
        withdrawals.push(w);
        records.push({ type: TxType.Withdraw, a, b: 0, amount: w.amount, fee: fee() });
        break;
      }
      case "stake":
      case "unstake":
        records.push({
          type: kind === "stake" ? TxType.Stake : TxType.Unstake,
          a,
          b: 0,
          amount: amount(),
          fee: fee(),
        });
        break;
      case "inference":
        records.push({ type: TxType.Inference, a, b: 0, amount: amount(), fee: fee() });
        registry.push({
          type: TxType.Inference,
          w0: int(1, 5000),
          h1: field(),
          h2: field(),
          h3: field(),
          w4: 0,
          w5: 0,
        });
        break;
      case "registerContribution":
        records.push({ type: TxType.RegisterContribution, a, b: 0, amount: amount(), fee: fee() });
        registry.push({
          type: TxType.RegisterContribution,
          w0: int(1, 200),
          h1: field(),
          h2: field(),
          h3: 0n,
          w4: int(1, 100_000),
          w5: int(1, 8),
        });
        break;
    }
  }
  const shape = { slots: n, withdrawals: LAYOUT_WITHDRAWALS, registrySlots: registry.length };
  const data = encodeBatchLayout(
    shape,
    1,
    records,
    withdrawals.map((w) => w.recipient),
    registry,
  );
  return { data, withdrawals, deposits, registryTxs: registry.length };
}
