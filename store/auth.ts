import { hash, randomBytes } from "node:crypto";
import { packPoint, unpackPoint } from "../protocol/babyjub.ts";
import { type Signature, verifySignature } from "../protocol/eddsa.ts";
import { bytesToBigIntLE, type Field, bigIntToBytesLE } from "../protocol/field.ts";
import { digestToField } from "../protocol/provenance/rows.ts";
import { StoreError, StoreErrorCode } from "./errors.ts";
import { accountPoint, fromHex, hex, type StoreIdentity, type StoreKey } from "./identity.ts";

/**
 * Request authentication (docs/store.md, "Authentication"). The caller signs, with its L2
 * key (EdDSA-Poseidon),
 *
 *   msg = SHA-256("openledger.store.v1" ‖ "\n" method ‖ "\n" path?query ‖ "\n" sha256(body) hex
 *                 ‖ "\n" time ‖ "\n" nonce ‖ "\n" box) mod r
 *
 * and sends the parts in headers. The server refuses a time more than WINDOW_MS away from
 * its clock or earlier than its own start, and any msg it has already seen within the
 * window: together that refuses every replay without persisting the cache, since a request
 * old enough to have left the cache is out of the window, and one made before a restart is
 * older than the start.
 */
export const AUTH = {
  key: "x-openledger-key",
  box: "x-openledger-box",
  time: "x-openledger-time",
  nonce: "x-openledger-nonce",
  bodyHash: "x-openledger-body-sha256",
  signature: "x-openledger-signature",
} as const;

export const WINDOW_MS = 60_000;
const DOMAIN = "openledger.store.v1";

export interface SignedParts {
  readonly method: string;
  readonly url: string;
  readonly bodyHash: string;
  readonly time: number;
  readonly nonce: string;
  readonly box: string;
}

export function sha256Hex(body: Uint8Array): string {
  return hash("sha256", body, "hex");
}

export function requestMessage(p: SignedParts): Field {
  const text = [DOMAIN, p.method.toUpperCase(), p.url, p.bodyHash, String(p.time), p.nonce, p.box].join("\n");
  return digestToField(new Uint8Array(hash("sha256", text, "buffer")));
}

function encodeSignature(s: Signature): string {
  return hex(packPoint(s.R8)) + hex(bigIntToBytesLE(s.S, 32));
}

/** Headers that authenticate one request whose body hashes to `bodyHash` (hex SHA-256). */
export function signRequest(
  key: StoreKey,
  method: string,
  url: string,
  bodyHash: string,
  now = Date.now(),
): Record<string, string> {
  const parts: SignedParts = {
    method,
    url,
    bodyHash,
    time: now,
    nonce: randomBytes(16).toString("hex"),
    box: key.identity.box,
  };
  return {
    [AUTH.key]: key.identity.key,
    [AUTH.box]: parts.box,
    [AUTH.time]: String(parts.time),
    [AUTH.nonce]: parts.nonce,
    [AUTH.bodyHash]: bodyHash,
    [AUTH.signature]: encodeSignature(key.sign(requestMessage(parts))),
  };
}

/**
 * A signed request's parts and signature: the proof, checkable by anyone, that the holder
 * of `key` named `box` as its box key (the store hands it out with the box: "Readers").
 */
export interface IdentityProof {
  readonly method: string;
  readonly url: string;
  readonly bodyHash: string;
  readonly time: number;
  readonly nonce: string;
  /** `packPoint(R8) ‖ S`, hex. */
  readonly signature: string;
}

export interface Authenticated {
  readonly identity: StoreIdentity;
  /** The body hash the signature covers; the body must be checked against it. */
  readonly bodyHash: string;
  readonly proof: IdentityProof;
}

/** Parses `packPoint(R8) ‖ S` (hex); UNAUTHENTICATED for anything else. */
function decodeSignature(hexSig: string): Signature {
  const sigBytes = fromHex(hexSig, 64, AUTH.signature);
  try {
    return { R8: unpackPoint(sigBytes.subarray(0, 32)), S: bytesToBigIntLE(sigBytes.subarray(32)) };
  } catch (e) {
    throw new StoreError(StoreErrorCode.Unauthenticated, "signature is malformed", { cause: e });
  }
}

/** Whether `proof` is `identity.key`'s signature over a request naming `identity.box`. */
export function proofHolds(identity: StoreIdentity, proof: IdentityProof): boolean {
  try {
    const msg = requestMessage({ ...proof, box: identity.box });
    return verifySignature(msg, decodeSignature(proof.signature), accountPoint(identity.key));
  } catch {
    return false;
  }
}

type Headers = Record<string, string | string[] | undefined>;

/** Verifies request signatures and remembers what it accepted, to refuse replays. */
export class RequestVerifier {
  private readonly seen = new Map<string, number>();
  private lastSweep = 0;

  constructor(
    private readonly startedAt: number,
    private readonly now: () => number = Date.now,
    private readonly windowMs = WINDOW_MS,
  ) {}

  verify(method: string, url: string, headers: Headers): Authenticated {
    const get = (name: string): string => {
      const v = headers[name];
      if (typeof v !== "string" || v.length === 0) {
        throw new StoreError(StoreErrorCode.Unauthenticated, `missing header ${name}`);
      }
      return v;
    };
    const time = Number(get(AUTH.time));
    const nonce = get(AUTH.nonce);
    const bodyHash = get(AUTH.bodyHash);
    const identity = { key: get(AUTH.key), box: get(AUTH.box) };
    const now = this.now();
    if (!Number.isSafeInteger(time) || Math.abs(now - time) > this.windowMs) {
      throw new StoreError(
        StoreErrorCode.StaleRequest,
        `request time is more than ${this.windowMs} ms from the store's`,
      );
    }
    if (time < this.startedAt) {
      throw new StoreError(StoreErrorCode.StaleRequest, "request signed before the store started");
    }
    if (!/^[0-9a-f]{32}$/.test(nonce) || !/^[0-9a-f]{64}$/.test(bodyHash)) {
      throw new StoreError(StoreErrorCode.Unauthenticated, "nonce or body hash header is malformed");
    }
    fromHex(identity.box, 32, AUTH.box);
    const pub = accountPoint(identity.key);
    const signature = get(AUTH.signature);
    const sig = decodeSignature(signature);
    const msg = requestMessage({ method, url, bodyHash, time, nonce, box: identity.box });
    if (!verifySignature(msg, sig, pub)) {
      throw new StoreError(StoreErrorCode.Unauthenticated, "signature does not verify");
    }
    const id = msg.toString(16);
    if (this.seen.has(id)) throw new StoreError(StoreErrorCode.ReplayedRequest, "request already seen");
    this.sweep(now);
    this.seen.set(id, time);
    return { identity, bodyHash, proof: { method, url, bodyHash, time, nonce, signature } };
  }

  /** Drops entries whose time has left the window: a replay of them is refused as stale. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs / 4) return;
    this.lastSweep = now;
    for (const [id, time] of this.seen) if (now - time > this.windowMs) this.seen.delete(id);
  }
}
