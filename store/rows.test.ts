import { describe, expect, it } from "vitest";
import { hashRows, packRows, type RowSource, rowsPlaintext } from "./rows.ts";

/** Rows of two widths, so pieces also end where a wider row no longer fits. */
function rows(count: number): RowSource {
  return {
    count,
    label: (i) => i % 10,
    features: (i) => Array.from({ length: i % 3 === 0 ? 40 : 7 }, (_, j) => (i * 31 + j) / 17 - 3),
  };
}

async function concat(pieces: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const p of pieces) parts.push(p);
  return Buffer.concat(parts);
}

describe("packRows", () => {
  it("gives the row hashes and plaintext of hashRows and rowsPlaintext, hashes in batches", async () => {
    for (const count of [0, 1, 5, 1000]) {
      const source = rows(count);
      const batches: Uint8Array[] = [];
      const packed = packRows(source, {
        pieceBytes: 4096,
        batchRows: 64,
        onHashes: (h) => batches.push(h.slice()),
      });
      const expected = hashRows(source);
      expect(Buffer.from(packed.rowHashes)).toEqual(Buffer.from(expected.rowHashes));
      expect(packed.plaintextLength).toBe(expected.plaintextLength);
      expect(Buffer.concat(packed.pieces)).toEqual(await concat(rowsPlaintext(source, 4096)));
      expect(Buffer.concat(batches)).toEqual(Buffer.from(expected.rowHashes));
      expect(batches.every((b) => b.length <= 64 * 32)).toBe(true);
    }
  });
});
