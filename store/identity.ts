import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { type AffinePoint, packPoint, unpackPoint } from "../protocol/babyjub.ts";
import { derivePublicKey, type PrivateKey, type Signature, signMessage } from "../protocol/eddsa.ts";
import type { Field } from "../protocol/field.ts";
import { StoreError, StoreErrorCode } from "./errors.ts";

/**
 * Who talks to the store (docs/store.md, "Identities"). One L2 private key gives both halves:
 *  - `key`: the account's BabyJubJub EdDSA-Poseidon public key (packed, hex). Requests are
 *    signed with it, so the store knows callers by the identity L2 knows them by (contribution
 *    owner, Datanet curator, bonded prover: store/roles.ts) and no second signing key is kept;
 *  - `box`: an X25519 public key (hex) that blob keys are wrapped to. BabyJubJub has no
 *    well-kept ECIES; X25519 does (@noble/curves). Its secret is HKDF of the L2 secret, so it
 *    needs no storage of its own, and requests carry it under the signature, which binds it
 *    to the account key.
 */
export interface StoreIdentity {
  readonly key: string;
  readonly box: string;
}

const BOX_SALT = new TextEncoder().encode("openledger.store.v1");
const BOX_INFO = new TextEncoder().encode("x25519 box key");

export const hex = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

/** Strict hex of `bytes` bytes, or INVALID_REQUEST naming `what`. */
export function fromHex(s: string, bytes: number, what: string): Uint8Array {
  if (typeof s !== "string" || s.length !== bytes * 2 || !/^[0-9a-f]*$/.test(s)) {
    throw new StoreError(StoreErrorCode.InvalidRequest, `${what} must be ${bytes} bytes of lowercase hex`);
  }
  return new Uint8Array(Buffer.from(s, "hex"));
}

/** The account key of an identity as a curve point; refuses what is not one. */
export function accountPoint(keyHex: string): AffinePoint {
  try {
    return unpackPoint(fromHex(keyHex, 32, "key"));
  } catch (e) {
    if (e instanceof StoreError) throw e;
    throw new StoreError(StoreErrorCode.Unauthenticated, "key is not a BabyJubJub point", { cause: e });
  }
}

/** A caller's secrets: signs requests, opens envelopes. Never logged or serialized. */
export class StoreKey {
  readonly identity: StoreIdentity;
  readonly boxPublic: Uint8Array;
  readonly #l2Secret: PrivateKey;
  readonly #boxSecret: Uint8Array;

  constructor(l2Secret: PrivateKey) {
    this.#l2Secret = l2Secret;
    this.#boxSecret = hkdf(sha256, l2Secret, BOX_SALT, BOX_INFO, 32);
    this.boxPublic = x25519.getPublicKey(this.#boxSecret);
    this.identity = { key: hex(packPoint(derivePublicKey(l2Secret))), box: hex(this.boxPublic) };
  }

  sign(msg: Field): Signature {
    return signMessage(this.#l2Secret, msg);
  }

  /** Runs `f` with the box secret (for unwrapping), without handing it out otherwise. */
  withBoxSecret<T>(f: (secret: Uint8Array) => T): T {
    return f(this.#boxSecret);
  }
}
