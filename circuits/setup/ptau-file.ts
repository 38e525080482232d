/** .ptau files (iden3 binfile, see binfile.ts), as snarkjs writes them. */
import { open } from "node:fs/promises";
import { CircuitBuildError, CircuitBuildErrorCode } from "../tools/errors.ts";
import { type BinSection, BinFileWriter, readBinFile } from "./binfile.ts";
import { writeScalar } from "./bn254-scalars.ts";

export type PtauSection = BinSection;

const MAGIC = "ptau";
const VERSION = 1;

export async function writePtauFile(path: string, sections: PtauSection[]): Promise<void> {
  const file = await BinFileWriter.create(path, MAGIC, VERSION, sections.length);
  try {
    for (const section of sections) {
      await file.startSection(section.id);
      for (const part of section.parts) await file.write(part);
      await file.endSection();
    }
  } finally {
    await file.close();
  }
}

export function readPtauFile(path: string): Promise<PtauSection[]> {
  return readBinFile(path, MAGIC, CircuitBuildErrorCode.InvalidPtau);
}

/** Section 1: field size, q, power and ceremony power (snarkjs's `writePTauHeader`). */
export function ptauHeader(q: bigint, power: number): Uint8Array {
  const out = Buffer.alloc(4 + 32 + 4 + 4);
  out.writeUInt32LE(32, 0);
  writeScalar(out, 4, q);
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
