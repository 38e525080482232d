import { sha256 } from "@noble/hashes/sha2.js";

/** sha256 of the batch data as 0x hex: the contract recomputes it on commit. */
export function batchDataHash(data: Uint8Array): string {
  return `0x${Buffer.from(sha256(data)).toString("hex")}`;
}
