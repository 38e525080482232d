/**
 * Solidity libraries for circomlib's Poseidon of the arities poseidon-solidity does not ship
 * (it stops at five inputs): `PoseidonT9` hashes the arity-8 accounts tree's paths for exits.
 * `npm run generate:poseidon` writes them; the output is committed, and a test checks that the
 * committed file is what this generator writes.
 *
 * The partial rounds take protocol/poseidon.ts's sparse form (`poseidonSparseConstants`): t + (t-1)
 * multiplications a round instead of t² with the dense matrix, a fifth of the gas. Their
 * constants (17 a round at t = 9, about 34 KB) do not fit beside the code under the 24 KiB
 * contract size limit, so they are the code of data contracts (`poseidonConstantsCode`: a STOP
 * byte, then the words), read with EXTCODECOPY into memory once per call; the library checks
 * their code hashes. One call hashes a whole Merkle path, so the copy is paid once a path.
 * Full rounds keep the dense matrix and their constants inline (PUSH32).
 */
import { keccak256 } from "ethers";
import { FIELD_MODULUS } from "../../protocol/field.ts";
import { poseidonSparseConstants } from "../../protocol/poseidon.ts";

export const GENERATED_POSEIDON_INPUTS = [8] as const;

/** Code size limit of EIP-170. */
const MAX_CODE_BYTES = 24_576;
/**
 * Sums of values below F are left unreduced where they cannot overflow (5F < 2^256): the
 * S-box and MULMOD take any 256-bit input, so a round constant plus a reduced state (< 2F)
 * goes in as it is, and the partial rounds' state[1..] adds REDUCE_EVERY - 1 products (< F
 * each) to a reduced value with ADD, the next with ADDMOD: it stays below REDUCE_EVERY·F.
 */
const REDUCE_EVERY = 4;
/** Words a data contract holds after its STOP byte. */
const WORDS_PER_DATA_CONTRACT = Math.floor((MAX_CODE_BYTES - 1) / 32);

export function poseidonLibraryName(inputs: number): string {
  return `PoseidonT${inputs + 1}`;
}

/** Repository path of the generated library. */
export function poseidonLibraryPath(inputs: number): string {
  return `contracts/rollup/lib/${poseidonLibraryName(inputs)}.sol`;
}

const hex = (x: bigint) => `0x${x.toString(16).padStart(64, "0")}`;
const hexAddr = (bytes: number) => `0x${bytes.toString(16)}`;

/** The partial rounds' constants in memory order: per round a, then v (t-1), then ŵ (t-1). */
function partialWords(inputs: number): bigint[] {
  const { partialA, partialV, partialW } = poseidonSparseConstants(inputs);
  return partialA.flatMap((a, i) => [a, ...partialV[i]!, ...partialW[i]!]);
}

/** Runtime code of each data contract: STOP, then its share of the partial rounds' words. */
export function poseidonConstantsCode(inputs: number): string[] {
  const words = partialWords(inputs);
  const codes: string[] = [];
  for (let i = 0; i < words.length; i += WORDS_PER_DATA_CONTRACT) {
    const chunk = words.slice(i, i + WORDS_PER_DATA_CONTRACT);
    codes.push(`0x00${chunk.map((w) => hex(w).slice(2)).join("")}`);
  }
  return codes;
}

/** Creation code that returns `runtime` (hex) as the contract's code. */
export function dataContractCreationCode(runtime: string): string {
  const size = (runtime.length - 2) / 2;
  if (size > MAX_CODE_BYTES) throw new RangeError(`data contract of ${size} bytes exceeds ${MAX_CODE_BYTES}`);
  // PUSH2 size, DUP1, PUSH1 10 (this prefix's length), PUSH0, CODECOPY, PUSH0, RETURN
  const prefix = `61${size.toString(16).padStart(4, "0")}80600a5f395ff3`;
  return `0x${prefix}${runtime.slice(2)}`;
}

export function poseidonLibrarySource(inputs: number): string {
  const t = inputs + 1;
  const bits = Math.log2(inputs);
  if (!Number.isInteger(bits))
    throw new RangeError(`a Merkle path needs a power-of-two arity, not ${inputs}`);
  const { M, fullC, mHatN } = poseidonSparseConstants(inputs);
  const nP = poseidonSparseConstants(inputs).partialA.length;
  const codes = poseidonConstantsCode(inputs);
  const name = poseidonLibraryName(inputs);
  const F = hex(FIELD_MODULUS);
  const at = (i: number) => hexAddr(i * 32);
  // Memory: the state at 0, the partial rounds' constants from `base` on.
  const base = t * 32;
  const roundWords = 1 + 2 * (t - 1);
  const constant = (round: number, k: number) => `mload(${hexAddr(base + (round * roundWords + k) * 32)})`;
  const s = (k: number) => `s${k}`;
  /**
   * Σ terms mod F. Up to five products below F add without overflow (5F < 2^256); the sums
   * nest to the right so that one partial sum waits on the stack, not all the terms.
   */
  const sum = (terms: string[]): string => {
    const groups: string[] = [];
    for (let i = 0; i < terms.length; i += 5) {
      groups.push(terms.slice(i, i + 5).reduce((acc, x) => `add(${x}, ${acc})`));
    }
    return groups.length === 1
      ? `mod(${groups[0]}, F)`
      : groups.reduce((acc, g) => `addmod(${g}, ${acc}, F)`);
  };

  const dense = (fn: string, matrix: readonly (readonly bigint[])[], first: number) => [
    `            function ${fn}() {`,
    `                let F := ${F}`,
    ...matrix.map((_, k) => `                let s${k} := mload(${at(first + k)})`),
    ...matrix.map(
      (row, j) =>
        `                mstore(${at(first + j)}, ${sum(row.map((m, k) => `mulmod(s${k}, ${hex(m)}, F)`))})`,
    ),
    "            }",
  ];
  const sbox = [
    "            // x^5",
    "            function sbox(x) -> y {",
    `                let F := ${F}`,
    "                let x2 := mulmod(x, x, F)",
    "                y := mulmod(mulmod(x2, x2, F), x, F)",
    "            }",
  ];
  // The first round reduces the inputs, which may be any 256-bit value; later states are reduced.
  const fullRound = (c: readonly bigint[], r: number) =>
    c.map((ci, i) => {
      const x = r === 0 ? `addmod(mload(${at(i)}), ${hex(ci)}, F)` : `add(mload(${at(i)}), ${hex(ci)})`;
      return `                mstore(${at(i)}, sbox(${x}))`;
    });
  const half = fullC.length / 2;
  const partialRound = (i: number) => [
    `                x := add(s0, ${constant(i, 0)})`,
    "                x2 := mulmod(x, x, F)",
    "                x := mulmod(mulmod(x2, x2, F), x, F)",
    `                s0 := ${sum([`mulmod(x, ${hex(M[0]![0]!)}, F)`, ...Array.from({ length: t - 1 }, (_, k) => `mulmod(${s(k + 1)}, ${constant(i, 1 + k)}, F)`)])}`,
    ...Array.from({ length: t - 1 }, (_, k) =>
      i % REDUCE_EVERY === REDUCE_EVERY - 1
        ? `                ${s(k + 1)} := addmod(${s(k + 1)}, mulmod(x, ${constant(i, t + k)}, F), F)`
        : `                ${s(k + 1)} := add(${s(k + 1)}, mulmod(x, ${constant(i, t + k)}, F))`,
    ),
  ];
  const permutation = [
    "            // The state at 0 (state[0] = 0, then the inputs) -> the hash at 0.",
    "            function permute() {",
    `                let F := ${F}`,
    ...fullC
      .slice(0, half)
      .flatMap((c, r) => [`                // full round ${r}`, ...fullRound(c, r), "                mix()"]),
    "                partialRounds()",
    "                mixHat()",
    ...fullC
      .slice(half)
      .flatMap((c, r) => [
        `                // full round ${half + r}`,
        ...fullRound(c, half + r),
        ...(r < half - 1 ? ["                mix()"] : []),
      ]),
    "                // the hash is state[0] after the last linear layer",
    `                mstore(0, ${sum(M[0]!.map((m, k) => `mulmod(mload(${at(k)}), ${hex(m)}, F)`))})`,
    "            }",
  ];
  const partialRounds = [
    "            // x = sbox(state[0] + a); state[0] = M00·x + v·state[1..]; state[k] += ŵ[k-1]·x",
    `            // (state[1..] reduced every ${REDUCE_EVERY} rounds: below ${REDUCE_EVERY}F in between)`,
    "            function partialRounds() {",
    `                let F := ${F}`,
    ...Array.from({ length: t }, (_, k) => `                let ${s(k)} := mload(${at(k)})`),
    "                let x",
    "                let x2",
    ...Array.from({ length: nP }, (_, i) => [
      `                // partial round ${i}`,
      ...partialRound(i),
    ]).flat(),
    ...Array.from({ length: t }, (_, k) => `                mstore(${at(k)}, ${s(k)})`),
    "            }",
  ];
  const hashCheck = codes.map(
    (code, i) =>
      `            if iszero(eq(extcodehash(d${i}), ${keccak256(code)})) { wrongConstants(d${i}) }`,
  );
  let copied = 0;
  const copies = codes.map((code, i) => {
    const bytes = (code.length - 4) / 2;
    const line = `            extcodecopy(d${i}, ${hexAddr(base + copied)}, 1, ${hexAddr(bytes)})`;
    copied += bytes;
    return line;
  });
  const width = inputs - 1;
  return [
    "// SPDX-License-Identifier: MIT",
    "// Generated by contracts/tools/poseidon-library.ts (npm run generate:poseidon) from the constants",
    "// of protocol/poseidon.ts. Do not edit.",
    "pragma solidity 0.8.28;",
    "",
    `/// @notice circomlib's Poseidon with ${inputs} inputs over BN254 (t = ${t}, ${fullC.length} full and ${nP} partial`,
    "/// rounds), equal to protocol/poseidon.ts, in its sparse form: a partial round costs t + (t-1)",
    "/// multiplications, the constants coming from the code of data contracts (a STOP byte, then",
    `/// the words) copied to memory once per call. Inputs are taken mod the field.`,
    `library ${name} {`,
    "    /// @dev A data contract's code is not the generated constants.",
    "    error WrongConstants(address data);",
    "",
    `    /// @notice Root of an arity-${inputs} path: the node starts as \`leaf\`; at each level it takes slot`,
    `    /// (index >> ${bits}·level) & ${inputs - 1} among the level's siblings (slot order, own slot left out) and`,
    "    /// the node becomes their hash. Indices past the path's depth are ignored.",
    `    /// @param data the data contracts holding the partial rounds' constants, in order`,
    "    function root(",
    `        address[${codes.length}] calldata data,`,
    "        uint256 leaf,",
    "        uint256 index,",
    `        uint256[${width}][] calldata siblings`,
    "    ) external view returns (uint256) {",
    "        // Memory is this call's own: the whole body is assembly ending in return.",
    "        assembly {",
    "            function wrongConstants(d) {",
    `                mstore(0, shl(224, 0x${keccak256(Buffer.from("WrongConstants(address)")).slice(2, 10)}))`,
    "                mstore(4, d)",
    "                revert(0, 0x24)",
    "            }",
    ...sbox,
    "            // state = M·state",
    ...dense("mix", M, 0),
    "            // state[1..] = M̂·state[1..] after the partial rounds",
    ...dense("mixHat", mHatN, 1),
    ...partialRounds,
    ...permutation,
    ...codes.map(
      (_, i) => `            let d${i} := calldataload(${i === 0 ? "data" : `add(data, ${at(i)})`})`,
    ),
    ...hashCheck,
    ...copies,
    "            let node := leaf",
    "            for { let level := 0 } lt(level, siblings.length) { level := add(level, 1) } {",
    `                let row := add(siblings.offset, mul(level, ${hexAddr(width * 32)}))`,
    `                let slot := shl(5, and(shr(mul(${bits}, level), index), ${inputs - 1}))`,
    "                mstore(0, 0)",
    "                calldatacopy(0x20, row, slot)",
    "                mstore(add(slot, 0x20), node)",
    `                calldatacopy(add(slot, 0x40), add(row, slot), sub(${hexAddr(width * 32)}, slot))`,
    "                permute()",
    "                node := mload(0)",
    "            }",
    "            mstore(0, node)",
    "            return(0, 0x20)",
    "        }",
    "    }",
    "}",
    "",
  ].join("\n");
}
