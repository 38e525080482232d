import { ErrorCode, OpenLedgerError } from "../errors.ts";
import type { Settlement } from "./settlement.ts";

/** Version byte of the settlement data layout (docs/protocol.md §11.5). */
export const SETTLEMENT_DATA_VERSION = 1;

const HEADER = 1 + 4 + 4 + 4 + 2 + 2;

/** What L1 publishes of a settlement: enough to replay and prove it (the treasury is L1's). */
export type SettlementData = Omit<Settlement, "treasuryAccount">;

/**
 * version u8 ‖ epoch u32 ‖ model u32 ‖ proverAccount u32 ‖ n u16 ‖ c u16 ‖
 * n inference ids u32 ‖ n·c scores u64 (inference-major), big-endian.
 */
export function encodeSettlementData(s: SettlementData): Uint8Array {
  const n = s.inferences.length;
  const c = s.scores[0]?.length ?? 0;
  if (s.scores.length !== n || s.scores.some((row) => row.length !== c)) {
    throw new OpenLedgerError(
      ErrorCode.InvalidEncoding,
      "every inference of a settlement has one score per contribution",
    );
  }
  const out = new Uint8Array(HEADER + 4 * n + 8 * n * c);
  const v = new DataView(out.buffer);
  v.setUint8(0, SETTLEMENT_DATA_VERSION);
  v.setUint32(1, s.epoch);
  v.setUint32(5, s.model);
  v.setUint32(9, s.proverAccount);
  v.setUint16(13, n);
  v.setUint16(15, c);
  s.inferences.forEach((id, i) => v.setUint32(HEADER + 4 * i, id));
  let at = HEADER + 4 * n;
  for (const row of s.scores) {
    for (const x of row) {
      v.setBigUint64(at, x);
      at += 8;
    }
  }
  return out;
}

export function decodeSettlementData(bytes: Uint8Array): SettlementData {
  const bad = (why: string): never => {
    throw new OpenLedgerError(ErrorCode.InvalidEncoding, `settlement data: ${why}`);
  };
  if (bytes.length < HEADER) bad(`${bytes.length} bytes, the header alone is ${HEADER}`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint8(0) !== SETTLEMENT_DATA_VERSION) bad(`unknown version ${v.getUint8(0)}`);
  const n = v.getUint16(13);
  const c = v.getUint16(15);
  const length = HEADER + 4 * n + 8 * n * c;
  if (bytes.length !== length) bad(`${bytes.length} bytes, ${n} inferences of ${c} scores take ${length}`);
  const inferences = Array.from({ length: n }, (_, i) => v.getUint32(HEADER + 4 * i));
  const scores = Array.from({ length: n }, (_, i) =>
    Array.from({ length: c }, (_, j) => v.getBigUint64(HEADER + 4 * n + 8 * (i * c + j))),
  );
  return { epoch: v.getUint32(1), model: v.getUint32(5), proverAccount: v.getUint32(9), inferences, scores };
}
