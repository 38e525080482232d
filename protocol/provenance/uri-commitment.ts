import { ErrorCode, OpenLedgerError } from "../errors.ts";
import { FIELD_MODULUS, type Field } from "../field.ts";
import { digestToField } from "./rows.ts";

/**
 * uriCommitment of a contribution stored in the store (docs/protocol.md §10): the blob id
 * (SHA-256 of the stored bytes, 32 bytes) read big-endian and reduced mod r. A digest is
 * below 2^256 < 6r, so the blob id is uriCommitment + k·r for one k in 0..5: a reader
 * holding the contribution record tries those ids (at most six, usually one or two) and the
 * store holds at most one of them unless SHA-256 collides mod r. What the blob holds is then
 * checked against the record's contentRoot, so the commitment only has to locate, not vouch.
 */
export function blobUriCommitment(blobId: string): Field {
  if (!/^[0-9a-f]{64}$/.test(blobId)) {
    throw new OpenLedgerError(ErrorCode.InvalidEncoding, "a blob id is 32 bytes of lowercase hex");
  }
  return digestToField(new Uint8Array(Buffer.from(blobId, "hex")));
}

/** The blob ids a uriCommitment can stand for, smallest first. */
export function blobIdCandidates(uriCommitment: Field): string[] {
  const out: string[] = [];
  for (let id = uriCommitment; id < 1n << 256n; id += FIELD_MODULUS)
    out.push(id.toString(16).padStart(64, "0"));
  return out;
}
