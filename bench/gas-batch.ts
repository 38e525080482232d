/**
 * Realistic batch data for the gas benchmark: a seeded mix of compact transactions
 * (docs/protocol.md section 8) encoded by protocol/batch/data.ts, with human-looking amounts
 * (few significant digits, as wallets produce) and account ids up to a million.
 */
import { type CompactTx, encodeBatchData } from "../protocol/batch/data.ts";
import { TxType } from "../protocol/tx/types.ts";

/** Share of each transaction type in a batch, in percent. */
export const REALISTIC_MIX = {
  transfer: 55,
  deposit: 10,
  inference: 10,
  withdraw: 8,
  stake: 6,
  unstake: 3,
  registerContribution: 3,
  registerModel: 0,
} as const;

type Kind = keyof typeof REALISTIC_MIX;

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

export function generateBatch(n: number, mix: Record<Kind, number>, seed = 4): GeneratedBatch {
  const random = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const account = () => int(1, 1_000_000);
  // 1 to 4 significant digits times a power of ten, as people type amounts.
  const amount = () => BigInt(int(1, 9999)) * 10n ** BigInt(int(14, 19));
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
  return { data: encodeBatchData(txs), txs, withdrawals, deposits };
}
