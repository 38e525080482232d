/**
 * The .ptau container (iden3 binfile): "ptau", version 1, a section count, then sections of
 * (u32 id, u64 byte length, bytes), all little-endian. Same layout snarkjs writes.
 */
import { open, readFile } from "node:fs/promises";
import { CircuitBuildError, CircuitBuildErrorCode } from "../tools/errors.ts";

export interface PtauSection {
  id: number;
  parts: Uint8Array[];
}

const MAGIC = "ptau";
const VERSION = 1;

export async function writePtauFile(path: string, sections: PtauSection[]): Promise<void> {
  const file = await open(path, "w");
  try {
    const head = Buffer.alloc(12);
    head.write(MAGIC, 0, "ascii");
    head.writeUInt32LE(VERSION, 4);
    head.writeUInt32LE(sections.length, 8);
    await file.write(head);
    for (const section of sections) {
      const size = section.parts.reduce((sum, p) => sum + p.byteLength, 0);
      const sectionHead = Buffer.alloc(12);
      sectionHead.writeUInt32LE(section.id, 0);
      sectionHead.writeBigUInt64LE(BigInt(size), 4);
      await file.write(sectionHead);
      for (const part of section.parts) await file.write(part);
    }
  } finally {
    await file.close();
  }
}

export async function readPtauFile(path: string): Promise<PtauSection[]> {
  const bytes = await readFile(path);
  if (bytes.toString("ascii", 0, 4) !== MAGIC)
    throw new CircuitBuildError(CircuitBuildErrorCode.InvalidPtau, `${path} is not a .ptau file`);
  const count = bytes.readUInt32LE(8);
  const sections: PtauSection[] = [];
  let pos = 12;
  for (let i = 0; i < count; i++) {
    const id = bytes.readUInt32LE(pos);
    const size = Number(bytes.readBigUInt64LE(pos + 4));
    sections.push({ id, parts: [bytes.subarray(pos + 12, pos + 12 + size)] });
    pos += 12 + size;
  }
  return sections;
}

/** Section 1: field size, q, power and ceremony power (snarkjs's `writePTauHeader`). */
export function ptauHeader(q: bigint, power: number): Uint8Array {
  const out = Buffer.alloc(4 + 32 + 4 + 4);
  out.writeUInt32LE(32, 0);
  for (let i = 0; i < 32; i++) out[4 + i] = Number((q >> BigInt(8 * i)) & 0xffn);
  out.writeUInt32LE(power, 36);
  out.writeUInt32LE(power, 40);
  return out;
}

/** The power (log2 of the largest domain) in a .ptau header, read without loading the file. */
export async function readPtauPower(path: string): Promise<number> {
  const file = await open(path, "r");
  try {
    const head = Buffer.alloc(12 + 12 + 44);
    await file.read(head, 0, head.length, 0);
    if (head.toString("ascii", 0, 4) !== MAGIC || head.readUInt32LE(12) !== 1) {
      throw new CircuitBuildError(
        CircuitBuildErrorCode.InvalidPtau,
        `${path} is not a .ptau file starting with its header section`,
      );
    }
    const n8 = head.readUInt32LE(24);
    return head.readUInt32LE(24 + 4 + n8);
  } finally {
    await file.close();
  }
}
