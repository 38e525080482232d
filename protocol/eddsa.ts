import { pippenger } from "@noble/curves/abstract/curve.js";
import { blake512 } from "@noble/hashes/blake1.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { type AffinePoint, fromAffine, Point, SUBGROUP_ORDER, toAffine } from "./babyjub.ts";
import { ErrorCode, OpenLedgerError } from "./errors.ts";
import { bigIntToBytesLE, bytesToBigIntLE, type Field, isField } from "./field.ts";
import { poseidon } from "./poseidon.ts";

/**
 * EdDSA-Poseidon on BabyJubJub, the scheme circomlib's EdDSAPoseidonVerifier checks
 * (and circomlibjs / @zk-kit/eddsa-poseidon implement):
 *   h = Blake-512(sk); s = prune(h[0..32]) read little-endian; A = Base8·(s >> 3)
 *   r = Blake-512(h[32..64] ‖ msg as 32 LE bytes) mod l; R8 = Base8·r
 *   S = r + Poseidon(R8.x, R8.y, A.x, A.y, msg)·s mod l
 * and a signature is valid iff S < l and Base8·S = R8 + (8·A)·Poseidon(...).
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
  return toAffine(Point.BASE.multiply((s >> 3n) % SUBGROUP_ORDER));
}

export function signMessage(sk: PrivateKey, msg: Field): Signature {
  if (!isField(msg)) throw new OpenLedgerError(ErrorCode.InvalidField, "message is not a field element");
  const { s, prefix } = expand(sk);
  const A = publicKeyOf(s);
  const rBytes = blake512(concat(prefix, bigIntToBytesLE(msg, 32)));
  const r = bytesToBigIntLE(rBytes) % SUBGROUP_ORDER;
  const R8 = toAffine(Point.BASE.multiply(r));
  const hm = poseidon([R8.x, R8.y, A.x, A.y, msg]);
  const S = (r + hm * s) % SUBGROUP_ORDER;
  return { R8, S };
}

/** Checks one signature; never throws on malformed input, returns false instead. */
export function verifySignature(msg: Field, sig: Signature, pub: PublicKey): boolean {
  const parts = parse(msg, sig, pub);
  if (!parts) return false;
  const left = Point.BASE.multiplyUnsafe(sig.S);
  const right = parts.R8.add(parts.A8.multiplyUnsafe(parts.hm));
  return left.equals(right);
}

export interface SignedMessage {
  readonly msg: Field;
  readonly sig: Signature;
  readonly pub: PublicKey;
}

/**
 * True iff every signature verifies, with one multi-scalar multiplication: for random
 * 128-bit z_i, (Σ z_i·S_i)·Base8 = Σ z_i·R8_i + Σ (z_i·h_i)·(8·A_i). A forged signature
 * makes the sum miss with probability 1 - 2^-128.
 *
 * The random combination works in the prime-order subgroup only: an R8 carrying a
 * small-order component (R8 + T with 8·T = 0) fails circomlib's exact check, yet would
 * cancel out of the sum whenever z_i is a multiple of T's order. So each R8 is checked to be
 * torsion-free first (one scalar multiplication by l), which keeps batch and single
 * verification equal, at a cost that eats most of the batch's gain on BabyJubJub.
 */
export function verifySignatureBatch(
  items: readonly SignedMessage[],
  random: (n: number) => Uint8Array = randomBytes,
): boolean {
  const points: Point[] = [];
  const scalars: bigint[] = [];
  let sumS = 0n;
  for (const { msg, sig, pub } of items) {
    const parts = parse(msg, sig, pub);
    if (!parts || !parts.R8.isTorsionFree()) return false;
    const z = bytesToBigIntLE(random(16));
    sumS = (sumS + z * sig.S) % SUBGROUP_ORDER;
    points.push(parts.R8, parts.A8);
    scalars.push(z, (z * parts.hm) % SUBGROUP_ORDER);
  }
  if (items.length === 0) return true;
  return Point.BASE.multiplyUnsafe(sumS).equals(pippenger(Point, points, scalars));
}

/** The points and challenge of a signature, or undefined if it is malformed. */
function parse(msg: Field, sig: Signature, pub: PublicKey): { R8: Point; A8: Point; hm: bigint } | undefined {
  if (!isField(msg) || typeof sig.S !== "bigint" || sig.S < 0n || sig.S >= SUBGROUP_ORDER) return undefined;
  try {
    const R8 = fromAffine(sig.R8);
    const A8 = eightTimes(pub);
    return { R8, A8, hm: poseidon([sig.R8.x, sig.R8.y, pub.x, pub.y, msg]) % SUBGROUP_ORDER };
  } catch {
    return undefined;
  }
}

// A key that signs again and again gets 8·A with a precomputed wNAF table (window 6:
// about 14 ms to build, then a multiplication costs a seventh of a plain one). Tables are
// built from a key's third use on and the most recent KEY_TABLES are kept (~220 kB each).
const KEY_TABLES = 512;
const TABLE_AFTER_USES = 2;
const keyUses = new Map<string, number>();
const keyTables = new Map<string, Point>();

function eightTimes(pub: PublicKey): Point {
  const id = `${pub.x}:${pub.y}`;
  const cached = keyTables.get(id);
  if (cached) {
    keyTables.delete(id);
    keyTables.set(id, cached);
    return cached;
  }
  const A8 = fromAffine(pub).multiplyUnsafe(8n);
  const uses = (keyUses.get(id) ?? 0) + 1;
  if (uses <= TABLE_AFTER_USES) {
    if (keyUses.size >= 100_000) keyUses.clear();
    keyUses.set(id, uses);
    return A8;
  }
  keyUses.delete(id);
  A8.precompute(6, false);
  keyTables.set(id, A8);
  if (keyTables.size > KEY_TABLES) keyTables.delete(keyTables.keys().next().value!);
  return A8;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
