import { describe, expect, it } from "vitest";
import { rowBytes } from "../protocol/provenance/rows.ts";
import { compactLength, maxCompactLength, readCompact, writeCompact } from "./row-codec.ts";
import { splitRows } from "./rows.ts";

function compact(canonical: Uint8Array): Uint8Array {
  const out = new Uint8Array(maxCompactLength(new DataView(canonical.buffer).getUint32(4)));
  return out.subarray(0, writeCompact(canonical, out, 0));
}

describe("compact rows", () => {
  it("round-trips canonical rows exactly, at the length it announces", () => {
    const extremes = [
      0,
      -0,
      1,
      -1,
      2 ** -16,
      -(2 ** -16),
      0.5,
      2 ** 15,
      -(2 ** 20),
      2 ** 36,
      -(2 ** 36),
      1e300,
      -1e300,
    ];
    const rows = [
      rowBytes(0, []),
      rowBytes(2 ** 32 - 1, extremes),
      ...Array.from({ length: 40 }, (_, i) =>
        rowBytes(
          i,
          Array.from({ length: 13 }, (_, j) => Math.sin(i * 13 + j) * 10 ** ((i % 12) - 4)),
        ),
      ),
    ];
    for (const canonical of rows) {
      const c = compact(canonical);
      expect(c.length).toBe(compactLength(canonical));
      expect(readCompact(c, 0)).toEqual({ canonical, next: c.length });
    }
    // Many rows back to back come apart again.
    const all = Buffer.concat(rows.map(compact));
    expect(splitRows(all)).toEqual(rows);
  });

  it("stores a mostly-zero 784-pixel row in about a sixth of its canonical size", () => {
    const pixels = Array.from({ length: 784 }, (_, j) => (j % 5 === 0 ? (j % 255) / 255 : 0));
    const canonical = rowBytes(7, pixels);
    expect(canonical.length).toBe(6280);
    expect(compact(canonical).length).toBeLessThan(1300);
  });

  it("refuses cut, overlong or non-minimal encodings", () => {
    const c = compact(rowBytes(3, [1, -2, 3]));
    expect(() => readCompact(c.subarray(0, c.length - 1), 0)).toThrow(/cut short/);
    expect(() => readCompact(Uint8Array.of(0x83, 0x00, 0x00), 0)).toThrow(/non-minimal/);
    expect(() => readCompact(Uint8Array.of(0x01, 0x01, ...new Array(9).fill(0xff), 0x01), 0)).toThrow(
      /too long/,
    );
    // A dimension larger than the bytes left cannot be honest.
    expect(() => readCompact(Uint8Array.of(0x01, 0x7f, 0x00), 0)).toThrow(/impossible/);
  });
});
