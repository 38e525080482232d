import { createCipheriv, createDecipheriv } from "node:crypto";
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { KEY_BYTES, TAG_BYTES } from "./blob-format.ts";
import { StoreError, StoreErrorCode } from "./errors.ts";

/**
 * A blob key wrapped for one reader (ECIES on X25519, docs/store.md "Key envelopes"):
 *
 *   e = fresh X25519 key; shared = X25519(e, readerBox)
 *   kek = HKDF-SHA256(ikm = shared, salt = E ‖ readerBox, info = "openledger.store.v1.wrap" ‖ blobId)
 *   envelope = E ‖ AES-256-GCM(kek, nonce = 0^12, aad = blobId)(blobKey) ‖ tag       (80 bytes)
 *
 * with E = e's public key. The kek is used once (e is fresh), so a fixed nonce is safe.
 * Binding the blob id means an envelope cannot be replayed onto another blob.
 */
export const ENVELOPE_BYTES = 32 + KEY_BYTES + TAG_BYTES;
const INFO = new TextEncoder().encode("openledger.store.v1.wrap");
const NONCE = Buffer.alloc(12);

function kek(shared: Uint8Array, ephemeral: Uint8Array, readerBox: Uint8Array, blobId: Uint8Array) {
  const salt = new Uint8Array([...ephemeral, ...readerBox]);
  return hkdf(sha256, shared, salt, new Uint8Array([...INFO, ...blobId]), 32);
}

function checkLengths(blobId: Uint8Array, box: Uint8Array): void {
  if (blobId.length !== 32 || box.length !== 32) {
    throw new StoreError(StoreErrorCode.InvalidRequest, "blob ids and X25519 keys are 32 bytes");
  }
}

export function wrapKey(blobKey: Uint8Array, readerBox: Uint8Array, blobId: Uint8Array): Uint8Array {
  checkLengths(blobId, readerBox);
  if (blobKey.length !== KEY_BYTES)
    throw new StoreError(StoreErrorCode.InvalidRequest, "a blob key is 32 bytes");
  const { secretKey, publicKey } = x25519.keygen();
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(secretKey, readerBox);
  } catch (e) {
    throw new StoreError(StoreErrorCode.InvalidRequest, "reader X25519 key is not usable", { cause: e });
  }
  const c = createCipheriv("aes-256-gcm", kek(shared, publicKey, readerBox, blobId), NONCE);
  c.setAAD(blobId);
  const ct = c.update(blobKey);
  c.final();
  return new Uint8Array(Buffer.concat([publicKey, ct, c.getAuthTag()]));
}

export function unwrapKey(
  envelope: Uint8Array,
  boxSecret: Uint8Array,
  boxPublic: Uint8Array,
  blobId: Uint8Array,
): Uint8Array {
  checkLengths(blobId, boxPublic);
  if (envelope.length !== ENVELOPE_BYTES) {
    throw new StoreError(StoreErrorCode.DecryptFailed, `a key envelope is ${ENVELOPE_BYTES} bytes`);
  }
  const ephemeral = envelope.subarray(0, 32);
  try {
    const shared = x25519.getSharedSecret(boxSecret, ephemeral);
    const d = createDecipheriv("aes-256-gcm", kek(shared, ephemeral, boxPublic, blobId), NONCE);
    d.setAAD(blobId);
    d.setAuthTag(envelope.subarray(32 + KEY_BYTES));
    const key = d.update(envelope.subarray(32, 32 + KEY_BYTES));
    d.final();
    return new Uint8Array(key);
  } catch (e) {
    throw new StoreError(StoreErrorCode.DecryptFailed, "the key envelope does not open with this key", {
      cause: e,
    });
  }
}
