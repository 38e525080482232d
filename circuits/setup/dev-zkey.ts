/**
 * INSECURE dev Groth16 proving key (.zkey) computed from the known dev tau, byte-identical to
 * what `snarkjs zkey new` writes from the dev ptau (dev-ptau.ts, "groth16" shape at the
 * circuit's domain power) with no phase-2 contribution (gamma = delta = 1).
 *
 * snarkjs combines ptau points by multi-exponentiation, wire by wire; knowing tau, each query
 * point is one scalar * generator instead, with the scalar computed in Fr:
 * - A, B1, B2: u_s(tau), v_s(tau), where u_s(x) = sum_c a_{c,s} L_c(x) over the circuit's
 *   domain, plus L_{m+s}(x) for the public wires s <= nPublic (snarkjs's extra constraints
 *   binding the public inputs; m = constraint count);
 * - IC and C (the L query): beta u_s(tau) + alpha v_s(tau) + w_s(tau) (gamma = delta = 1);
 * - H: the odd entries of the ptau's level power+1 (oddLagrangeEvaluationsWithoutTopPower).
 * Points are multiplied in the fixed-base children (fixed-base-pool.ts) a chunk at a time and
 * streamed to the file, so memory holds the r1cs, three scalars per wire and one chunk.
 *
 * The circuit hash (section 10) is snarkjs's blake2b-512 over the header points, then each
 * query's length (u32 big-endian) and points in uncompressed form, with the H query hashed as
 * snarkjs hashes it: (tau^(n+i) - tau^i) G1 read from the ptau's raw powers.
 */
import { createHash, type Hash } from "node:crypto";
import { buildBn128, type Bn128 } from "ffjavascript";
import { CircuitBuildError, CircuitBuildErrorCode } from "../tools/errors.ts";
import { domainPower, parseHeader } from "../tools/r1cs-header.ts";
import { BinFileWriter, readBinFile } from "./binfile.ts";
import {
  BN254_Q,
  encodeScalars,
  FR_ORDER,
  lagrangeEvaluations,
  mod,
  oddLagrangeEvaluationsWithoutTopPower,
  pow,
  powers,
  readScalar,
  writeScalar,
} from "./bn254-scalars.ts";
import { FixedBasePool } from "./fixed-base-pool.ts";
import type { Group } from "./fixed-base-protocol.ts";
import { insecureDevSecrets } from "./insecure-dev-secrets.ts";

const FR_BYTES = 32;
const POINT_BYTES: Record<Group, number> = { G1: 64, G2: 128 };
/** Points per request to the pool: bounds memory, and the next chunk computes while one is written. */
const CHUNK_POINTS = 1 << 16;
/** A coefficient record of section 4: matrix, constraint, signal (u32 each), value. */
const COEF_BYTES = 12 + FR_BYTES;
const COEF_RECORDS_PER_WRITE = 1 << 14;
/** snarkjs hashes the H points 2^14 at a time (see hashHQuery). */
const H_HASH_CHUNK = 1 << 14;
/** snarkjs stores coefficients times R^2, R = 2^256 mod r (its provers read them as Montgomery). */
const R2 = ((1n << 256n) % FR_ORDER) ** 2n % FR_ORDER;
const MAX_POWER = 27;

const ZKEY_SECTIONS = 10;
/** Section ids of a Groth16 zkey (snarkjs's zkey_utils.js). */
const Section = {
  Header: 1,
  Groth16Header: 2,
  IC: 3,
  Coefficients: 4,
  A: 5,
  B1: 6,
  B2: 7,
  C: 8,
  H: 9,
  Contributions: 10,
} as const;

export async function writeDevZkey(
  r1csPath: string,
  zkeyPath: string,
  log: (line: string) => void = () => {},
): Promise<void> {
  const started = performance.now();
  const r1cs = await readBinFile(r1csPath, "r1cs", CircuitBuildErrorCode.CircuitBuildFailed);
  const sectionOf = (id: number) => {
    const section = r1cs.find((s) => s.id === id);
    if (!section) {
      throw new CircuitBuildError(
        CircuitBuildErrorCode.CircuitBuildFailed,
        `${r1csPath} has no section ${id}`,
        {
          r1cs: r1csPath,
        },
      );
    }
    return Buffer.from(section.parts[0]!.buffer, section.parts[0]!.byteOffset, section.parts[0]!.byteLength);
  };
  const header = parseHeader(sectionOf(1));
  const power = domainPower(header);
  if (header.prime !== FR_ORDER || power > MAX_POWER) {
    throw new CircuitBuildError(
      CircuitBuildErrorCode.CircuitBuildFailed,
      `${r1csPath}: the dev zkey needs a BN254 circuit with a domain of at most 2^${MAX_POWER}`,
      { r1cs: r1csPath, prime: header.prime.toString(), power },
    );
  }
  log(`INSECURE dev setup (dev/test only, tau is public): zkey of a 2^${power} domain from the known tau`);

  const { tau, alpha, beta } = insecureDevSecrets();
  const nPublic = header.publicOutputs + header.publicInputs;
  const nVars = header.wires;
  const pool = new FixedBasePool();
  const curve = await buildBn128(true);
  const file = await BinFileWriter.create(zkeyPath, "zkey", 1, ZKEY_SECTIONS);
  const hash = createHash("blake2b512");
  try {
    const points = new PointStream(pool, curve, file, hash);
    await writeHeaders(points, file, { nVars, nPublic, domainSize: 2 ** power, alpha, beta });

    const { a, b, c } = await writeCoefficients(
      file,
      sectionOf(2),
      header.constraints,
      nVars,
      nPublic,
      tau,
      power,
    );
    // In place: c becomes the L query's scalars, a and b are still needed as they are.
    for (let s = 0; s < nVars; s++) c[s] = mod(beta * a[s]! + alpha * b[s]! + c[s]!);

    await points.section(Section.IC, "G1", nPublic + 1, sliceOf(c));
    await writeHQuery(points, tau, power);
    await hashHQuery(points, curve, hash, tau, power);
    await points.section(Section.C, "G1", nVars - nPublic - 1, sliceOf(c, nPublic + 1));
    await points.section(Section.A, "G1", nVars, sliceOf(a));
    await points.section(Section.B1, "G1", nVars, sliceOf(b));
    await points.section(Section.B2, "G2", nVars, sliceOf(b));

    await file.startSection(Section.Contributions);
    await file.write(hash.digest());
    await file.write(new Uint8Array(4)); // no contributions
    await file.endSection();
  } finally {
    await file.close();
    await curve.terminate();
    pool.close();
  }
  log(`INSECURE dev setup: zkey written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** The scalars of points start..start+count-1 of a section. */
type Scalars = (start: number, count: number) => bigint[];

const sliceOf =
  (values: bigint[], offset = 0): Scalars =>
  (start, count) =>
    values.slice(offset + start, offset + start + count);

/** Multiplies the generator by scalars a chunk ahead, writing and/or hashing the points in order. */
class PointStream {
  private readonly pool: FixedBasePool;
  private readonly curve: Bn128;
  private readonly file: BinFileWriter;
  private readonly hash: Hash;

  constructor(pool: FixedBasePool, curve: Bn128, file: BinFileWriter, hash: Hash) {
    this.pool = pool;
    this.curve = curve;
    this.file = file;
    this.hash = hash;
  }

  /** One zkey section of `count` points, hashed (with its length) unless `hashed` is false. */
  async section(id: number, group: Group, count: number, scalars: Scalars, hashed = true) {
    if (hashed) this.hash.update(u32BigEndian(count));
    await this.file.startSection(id);
    await this.each(group, count, scalars, async (lem) => {
      await this.file.write(lem);
      if (hashed) await this.hashPoints(group, lem);
    });
    await this.file.endSection();
  }

  /** Calls `sink` with the points (affine, Montgomery LE) of `count` scalars, chunk by chunk. */
  async each(group: Group, count: number, scalars: Scalars, sink: (lem: Uint8Array) => Promise<void>) {
    const request = (start: number) =>
      this.multiply(group, scalars(start, Math.min(CHUNK_POINTS, count - start)));
    let next = count > 0 ? request(0) : undefined;
    for (let start = 0; next; start += CHUNK_POINTS) {
      const current = await next;
      next = start + CHUNK_POINTS < count ? request(start + CHUNK_POINTS) : undefined;
      await sink(current);
    }
  }

  /** A few points at once (affine, Montgomery LE). */
  multiply(group: Group, scalars: bigint[]): Promise<Uint8Array> {
    return this.pool.multiply(group, encodeScalars(scalars));
  }

  /** snarkjs hashes points uncompressed (standard form, big-endian), converted by ffjavascript. */
  async hashPoints(group: Group, lem: Uint8Array): Promise<void> {
    this.hash.update(await this.curve[group].batchLEMtoU(lem));
  }
}

interface GrothHeader {
  nVars: number;
  nPublic: number;
  domainSize: number;
  alpha: bigint;
  beta: bigint;
}

/** Sections 1 and 2; gamma and delta are the generators (1 * G: no contribution). */
async function writeHeaders(points: PointStream, file: BinFileWriter, h: GrothHeader): Promise<void> {
  await file.startSection(Section.Header);
  await file.write(u32(1)); // Groth16
  await file.endSection();

  const [alpha1, beta1, one1] = split(await points.multiply("G1", [h.alpha, h.beta, 1n]), POINT_BYTES.G1);
  const [beta2, one2] = split(await points.multiply("G2", [h.beta, 1n]), POINT_BYTES.G2);
  const ordered: [Group, Uint8Array][] = [
    ["G1", alpha1!],
    ["G1", beta1!],
    ["G2", beta2!],
    ["G2", one2!], // gamma2
    ["G1", one1!], // delta1
    ["G2", one2!], // delta2
  ];
  await file.startSection(Section.Groth16Header);
  const sizes = Buffer.alloc(4 + FR_BYTES + 4 + FR_BYTES + 12);
  sizes.writeUInt32LE(FR_BYTES, 0);
  writeScalar(sizes, 4, BN254_Q);
  sizes.writeUInt32LE(FR_BYTES, 4 + FR_BYTES);
  writeScalar(sizes, 8 + FR_BYTES, FR_ORDER);
  sizes.writeUInt32LE(h.nVars, 8 + 2 * FR_BYTES);
  sizes.writeUInt32LE(h.nPublic, 12 + 2 * FR_BYTES);
  sizes.writeUInt32LE(h.domainSize, 16 + 2 * FR_BYTES);
  await file.write(sizes);
  for (const [group, point] of ordered) {
    await file.write(point);
    await points.hashPoints(group, point);
  }
  await file.endSection();
}

/**
 * Section 4 (the A and B coefficients, for the prover's evaluations), written while the r1cs
 * is read, and the QAP polynomials at tau per wire: a, b, c as in the file comment.
 */
async function writeCoefficients(
  file: BinFileWriter,
  constraints: Buffer,
  m: number,
  nVars: number,
  nPublic: number,
  tau: bigint,
  power: number,
): Promise<{ a: bigint[]; b: bigint[]; c: bigint[] }> {
  const lagrange = lagrangeEvaluations(tau, power);
  // Sums stay unreduced until the end: one bigint product per r1cs term.
  const polys = [0, 1, 2].map(() => new Array<bigint>(nVars).fill(0n)) as [bigint[], bigint[], bigint[]];
  let records = Buffer.alloc(COEF_RECORDS_PER_WRITE * COEF_BYTES);
  let buffered = 0;
  let total = 0;
  const record = async (matrix: number, constraint: number, signal: number, value: bigint) => {
    const at = buffered * COEF_BYTES;
    records.writeUInt32LE(matrix, at);
    records.writeUInt32LE(constraint, at + 4);
    records.writeUInt32LE(signal, at + 8);
    writeScalar(records, at + 12, (mod(value) * R2) % FR_ORDER);
    total++;
    if (++buffered === COEF_RECORDS_PER_WRITE) {
      await file.write(records);
      records = Buffer.alloc(records.length);
      buffered = 0;
    }
  };

  await file.startSection(Section.Coefficients);
  await file.write(u32(0)); // the record count, patched below
  let pos = 0;
  for (let constraint = 0; constraint < m; constraint++) {
    const l = lagrange[constraint]!;
    for (let matrix = 0; matrix < 3; matrix++) {
      const terms = constraints.readUInt32LE(pos);
      pos += 4;
      const poly = polys[matrix]!;
      for (let t = 0; t < terms; t++) {
        const signal = constraints.readUInt32LE(pos);
        const value = readScalar(constraints, pos + 4);
        pos += 4 + FR_BYTES;
        poly[signal] = poly[signal]! + value * l;
        if (matrix < 2) await record(matrix, constraint, signal, value);
      }
    }
  }
  // snarkjs's extra constraints 1 * public_s = 0 keep the public inputs' A polynomials independent.
  for (let s = 0; s <= nPublic; s++) {
    polys[0][s] = polys[0][s]! + lagrange[m + s]!;
    await record(0, m + s, s, 1n);
  }
  await file.write(records.subarray(0, buffered * COEF_BYTES));
  await file.patch(0, u32(total));
  await file.endSection();
  for (const poly of polys) for (let s = 0; s < nVars; s++) poly[s] = mod(poly[s]!);
  return { a: polys[0], b: polys[1], c: polys[2] };
}

/** Section 9, not hashed (snarkjs hashes the powers it comes from instead: hashHQuery). */
async function writeHQuery(points: PointStream, tau: bigint, power: number): Promise<void> {
  const scalars = oddLagrangeEvaluationsWithoutTopPower(tau, power + 1);
  await points.section(Section.H, "G1", scalars.length, sliceOf(scalars), false);
}

/**
 * snarkjs hashes the H query as (tau^(n+i) - tau^i) G1 = tau^i (tau^n - 1) G1 for i < n - 1,
 * under the length n - 1. Past 2^14 points it reads 2^14 at a time without shortening the
 * last read, so it hashes one point more, i = n - 1, whose first term lies one point past the
 * ptau's section 2 when the ptau's power is the circuit's (the "groth16" dev shape): those
 * bytes are section 3's header and the start of its first point (the G2 generator). That
 * point is computed here as snarkjs computes it, with the same WebAssembly functions.
 */
async function hashHQuery(
  points: PointStream,
  curve: Bn128,
  hash: Hash,
  tau: bigint,
  power: number,
): Promise<void> {
  const n = 2 ** power;
  hash.update(u32BigEndian(n - 1));
  const factor = mod(pow(tau, BigInt(n)) - 1n);
  const scalars: Scalars = (start, count) => powers(tau, count, pow(tau, BigInt(start)) * factor);
  await points.each("G1", n - 1, scalars, (lem) => points.hashPoints("G1", lem));
  if (n - 1 <= H_HASH_CHUNK) return;
  const g2 = await points.multiply("G2", [1n]);
  const tauLast = await points.multiply("G1", [pow(tau, BigInt(n - 1))]);
  const pastEnd = new Uint8Array(POINT_BYTES.G1);
  pastEnd.set(u32(3), 0);
  pastEnd.set(u64(POINT_BYTES.G2), 4);
  pastEnd.set(g2.subarray(0, POINT_BYTES.G1 - 12), 12);
  hash.update(subAffineUncompressed(curve, pastEnd, tauLast));
}

/** g1m_subAffine, g1m_batchToAffine and g1m_batchLEMtoU on one pair: snarkjs's hashHPointsThread. */
function subAffineUncompressed(curve: Bn128, p1: Uint8Array, p2: Uint8Array): Uint8Array {
  const tm = curve.tm;
  const wasm = tm.instance.exports as Record<string, (...args: number[]) => void>;
  const a = tm.alloc(POINT_BYTES.G1);
  const b = tm.alloc(POINT_BYTES.G1);
  const out = tm.alloc((POINT_BYTES.G1 * 3) / 2);
  tm.u8.set(p1, a);
  tm.u8.set(p2, b);
  wasm.g1m_subAffine!(a, b, out);
  wasm.g1m_batchToAffine!(out, 1, out);
  wasm.g1m_batchLEMtoU!(out, 1, out);
  return tm.u8.slice(out, out + POINT_BYTES.G1);
}

function split(bytes: Uint8Array, size: number): Uint8Array[] {
  return Array.from({ length: bytes.byteLength / size }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
}

function u32(value: number): Uint8Array {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(value);
  return out;
}

function u64(value: number): Uint8Array {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(BigInt(value));
  return out;
}

function u32BigEndian(value: number): Uint8Array {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}
