import { sha256 } from "@noble/hashes/sha2.js";
import { toBeHex } from "ethers";

/** The words folded into a batch proof's one public input, in order (docs/protocol.md section 8). */
export interface BatchPublicWords {
  preStateRoot: bigint;
  postStateRoot: bigint;
  queueHashStart: bigint;
  queueHashEnd: bigint;
  withdrawalsRoot: bigint;
  batchData: Uint8Array;
}

const MASK = (1n << 253n) - 1n;

/**
 * sha256(pre ‖ post ‖ H_start ‖ H_end ‖ withdrawalsRoot ‖ batchData), words as 32 bytes
 * big-endian, top three bits cleared: what `PublicInput.fold` computes on chain.
 */
export function foldPublicInput(w: BatchPublicWords): bigint {
  const words = [w.preStateRoot, w.postStateRoot, w.queueHashStart, w.queueHashEnd, w.withdrawalsRoot];
  const bytes = new Uint8Array(32 * words.length + w.batchData.length);
  words.forEach((word, i) => {
    bytes.set(Buffer.from(toBeHex(word, 32).slice(2), "hex"), 32 * i);
  });
  bytes.set(w.batchData, 32 * words.length);
  return BigInt(`0x${Buffer.from(sha256(bytes)).toString("hex")}`) & MASK;
}
