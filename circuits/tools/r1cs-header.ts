/**
 * The header section of an .r1cs file (iden3 binfile, section 1): sizes only, read without
 * loading the constraints.
 */
import { open } from "node:fs/promises";

export interface R1csHeader {
  prime: bigint;
  wires: number;
  publicOutputs: number;
  publicInputs: number;
  privateInputs: number;
  labels: bigint;
  constraints: number;
}

const HEADER_SECTION = 1;

export async function readR1csHeader(path: string): Promise<R1csHeader> {
  const file = await open(path, "r");
  try {
    const head = Buffer.alloc(12);
    await file.read(head, 0, 12, 0);
    if (head.toString("ascii", 0, 4) !== "r1cs") throw new Error(`${path} is not an .r1cs file`);
    const sections = head.readUInt32LE(8);
    let pos = 12;
    for (let i = 0; i < sections; i++) {
      const sectionHead = Buffer.alloc(12);
      await file.read(sectionHead, 0, 12, pos);
      const id = sectionHead.readUInt32LE(0);
      const size = Number(sectionHead.readBigUInt64LE(4));
      if (id === HEADER_SECTION) {
        const body = Buffer.alloc(size);
        await file.read(body, 0, size, pos + 12);
        return parseHeader(body);
      }
      pos += 12 + size;
    }
    throw new Error(`${path} has no header section`);
  } finally {
    await file.close();
  }
}

export function parseHeader(body: Buffer): R1csHeader {
  const n8 = body.readUInt32LE(0);
  let prime = 0n;
  for (let i = n8 - 1; i >= 0; i--) prime = (prime << 8n) | BigInt(body[4 + i]!);
  const at = 4 + n8;
  return {
    prime,
    wires: body.readUInt32LE(at),
    publicOutputs: body.readUInt32LE(at + 4),
    publicInputs: body.readUInt32LE(at + 8),
    privateInputs: body.readUInt32LE(at + 12),
    labels: body.readBigUInt64LE(at + 16),
    constraints: body.readUInt32LE(at + 24),
  };
}

/** log2 of the Groth16 evaluation domain snarkjs picks (`zkey new`'s cirPower). */
export function domainPower(header: R1csHeader): number {
  const points = header.constraints + header.publicInputs + header.publicOutputs;
  return Math.floor(Math.log2(points)) + 1;
}
