import { blake512 } from "@noble/hashes/blake1.js";
import { type AffinePoint, mulBase, SUBGROUP_ORDER, verifyEquation } from "./babyjub.ts";
import { ErrorCode, OpenLedgerError } from "./errors.ts";
import { bigIntToBytesLE, bytesToBigIntLE, type Field, isField } from "./field.ts";
import { poseidon } from "./poseidon.ts";

/**
 * EdDSA-Poseidon on BabyJubJub, the scheme circomlib's EdDSAPoseidonVerifier checks
 * (and circomlibjs / @zk-kit/eddsa-poseidon implement):
 *   h = Blake-512(sk); s = prune(h[0..32]) read little-endian; A = Base8·(s >> 3)
 *   r = Blake-512(h[32..64] ‖ msg as 32 LE bytes) mod l; R8 = Base8·r
 *   S = r + Poseidon(R8.x, R8.y, A.x, A.y, msg)·s mod l
 * and a signature is valid iff S < l and Base8·S = R8 + (8·A)·Poseidon(...), with R8 and A
 * on the curve. Both multiples of Base8 (A and R8) and the verification equation run in
 * WebAssembly (`mulBase`, `verifyEquation`, protocol/babyjub.ts).
 */
export interface Signature {
  readonly R8: AffinePoint;
  readonly S: bigint;
}

export type PrivateKey = Uint8Array;
export type PublicKey = AffinePoint;

function expand(sk: PrivateKey): { s: bigint; prefix: Uint8Array } {
  if (sk.length !== 32) throw new OpenLedgerError(ErrorCode.InvalidKey, "an L2 private key is 32 bytes");
  const h = blake512(sk);
  const sBuf = h.slice(0, 32);
  sBuf[0]! &= 0xf8;
  sBuf[31]! &= 0x7f;
  sBuf[31]! |= 0x40;
  return { s: bytesToBigIntLE(sBuf), prefix: h.slice(32, 64) };
}

export function derivePublicKey(sk: PrivateKey): PublicKey {
  return publicKeyOf(expand(sk).s);
}

// s >> 3 can exceed l; Base8 has order l, so reducing it first gives the same point.
function publicKeyOf(s: bigint): PublicKey {
  return mulBase((s >> 3n) % SUBGROUP_ORDER);
}

// The public key costs a scalar multiplication, as much as the signature's own R8: keys that
// sign repeatedly (a store client, an inference operator) keep theirs. Keyed by the secret's
// bytes, not the array, so a reused buffer cannot pick up another key's entry; bounded.
const signers = new Map<string, { s: bigint; prefix: Uint8Array; A: PublicKey }>();
const MAX_SIGNERS = 64;

function signer(sk: PrivateKey): { s: bigint; prefix: Uint8Array; A: PublicKey } {
  const id = Buffer.from(sk.buffer, sk.byteOffset, sk.byteLength).toString("hex");
  let entry = signers.get(id);
  if (!entry) {
    const { s, prefix } = expand(sk);
    entry = { s, prefix, A: publicKeyOf(s) };
    if (signers.size >= MAX_SIGNERS) signers.delete(signers.keys().next().value!);
    signers.set(id, entry);
  }
  return entry;
}

export function signMessage(sk: PrivateKey, msg: Field): Signature {
  if (!isField(msg)) throw new OpenLedgerError(ErrorCode.InvalidField, "message is not a field element");
  const { s, prefix, A } = signer(sk);
  const rBytes = blake512(concat(prefix, bigIntToBytesLE(msg, 32)));
  const r = bytesToBigIntLE(rBytes) % SUBGROUP_ORDER;
  const R8 = mulBase(r);
  const hm = poseidon([R8.x, R8.y, A.x, A.y, msg]);
  const S = (r + hm * s) % SUBGROUP_ORDER;
  return { R8, S };
}

/** Checks one signature; never throws on malformed input, returns false instead. */
export function verifySignature(msg: Field, sig: Signature, pub: PublicKey): boolean {
  if (!isField(msg) || typeof sig.S !== "bigint" || sig.S < 0n || sig.S >= SUBGROUP_ORDER) return false;
  const { R8 } = sig;
  if (!isField(R8?.x) || !isField(R8?.y) || !isField(pub?.x) || !isField(pub?.y)) return false;
  const hm = poseidon([R8.x, R8.y, pub.x, pub.y, msg]) % SUBGROUP_ORDER;
  return verifyEquation(sig.S, hm, pub, R8);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
