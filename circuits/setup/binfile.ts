/**
 * The iden3 binfile container of .ptau, .r1cs and .zkey files: a 4-byte type, u32 version, u32
 * section count, then sections of (u32 id, u64 byte length, bytes), all little-endian. Same
 * layout snarkjs writes (@iden3/binfileutils).
 */
import { type FileHandle, open, readFile } from "node:fs/promises";
import { CircuitBuildError, type CircuitBuildErrorCode } from "../tools/errors.ts";

export interface BinSection {
  id: number;
  parts: Uint8Array[];
}

/** Every section of a binfile, read whole; `invalid` is the error code when `type` does not match. */
export async function readBinFile(
  path: string,
  type: string,
  invalid: CircuitBuildErrorCode,
): Promise<BinSection[]> {
  const bytes = await readFile(path);
  if (bytes.toString("ascii", 0, 4) !== type)
    throw new CircuitBuildError(invalid, `${path} is not a .${type} file`, { path });
  const count = bytes.readUInt32LE(8);
  const sections: BinSection[] = [];
  let pos = 12;
  for (let i = 0; i < count; i++) {
    const id = bytes.readUInt32LE(pos);
    const size = Number(bytes.readBigUInt64LE(pos + 4));
    sections.push({ id, parts: [bytes.subarray(pos + 12, pos + 12 + size)] });
    pos += 12 + size;
  }
  return sections;
}

/** Writes sections one after another, streamed: a section's length is patched in at its end. */
export class BinFileWriter {
  private position = 0;
  private sectionStart = -1;
  private readonly file: FileHandle;

  private constructor(file: FileHandle) {
    this.file = file;
  }

  static async create(path: string, type: string, version: number, sections: number): Promise<BinFileWriter> {
    const writer = new BinFileWriter(await open(path, "w"));
    const head = Buffer.alloc(12);
    head.write(type, 0, "ascii");
    head.writeUInt32LE(version, 4);
    head.writeUInt32LE(sections, 8);
    await writer.write(head);
    return writer;
  }

  async startSection(id: number): Promise<void> {
    const head = Buffer.alloc(12);
    head.writeUInt32LE(id, 0);
    await this.write(head);
    this.sectionStart = this.position;
  }

  async write(bytes: Uint8Array): Promise<void> {
    await this.file.write(bytes, 0, bytes.byteLength, this.position);
    this.position += bytes.byteLength;
  }

  /** Overwrites bytes already written in the current section (a count known only at its end). */
  async patch(sectionOffset: number, bytes: Uint8Array): Promise<void> {
    await this.file.write(bytes, 0, bytes.byteLength, this.sectionStart + sectionOffset);
  }

  async endSection(): Promise<void> {
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(BigInt(this.position - this.sectionStart));
    await this.file.write(size, 0, 8, this.sectionStart - 8);
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
