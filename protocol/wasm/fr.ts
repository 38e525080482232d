import type { Code, CodeBuilder, FunctionBuilder, ModuleBuilder } from "wasmbuilder";
import { FIELD_MODULUS as P } from "../field.ts";

/**
 * BN254 scalar-field (Fr) arithmetic emitted as WebAssembly: Montgomery form with R = 2^261,
 * nine 29-bit limbs per element (one u32 each, ELEMENT_BYTES apart).
 *
 * Why 29-bit limbs: a 29 x 29-bit product fits in 58 bits, so a whole Montgomery product
 * (CIOS, 9 x 9 limb products and 9 x 9 reduction products) accumulates in i64 locals with
 * no carry handling inside the loop; the carries are propagated once at the end. That beats
 * 32-bit limbs, whose every product needs its carry split off at once.
 *
 * Values are kept "almost reduced", in [0, 2p) with normalized limbs: since 4p^2 < p·R, the
 * product of two such values is again below 2p without a final subtraction; add and sub
 * fold back into [0, 2p) with one conditional correction; `fr_reduce` gives the canonical
 * value when one is compared or read out.
 */
export const LIMBS = 9;
export const LIMB_BITS = 29;
export const ELEMENT_BYTES = LIMBS * 4;
const MASK = (1n << BigInt(LIMB_BITS)) - 1n;
export const R = 1n << BigInt(LIMBS * LIMB_BITS);

function limbsOf(x: bigint): bigint[] {
  return Array.from({ length: LIMBS }, (_, j) => (x >> BigInt(j * LIMB_BITS)) & MASK);
}

/** a^-1 mod m (extended Euclid): constants of the module, and a point's Z when it leaves it. */
export function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

const P_LIMBS = limbsOf(P);
const P2_LIMBS = limbsOf(2n * P);
/** -p^-1 mod 2^29: the Montgomery reduction factor of one limb. */
const MU = (1n << BigInt(LIMB_BITS)) - modInverse(P, 1n << BigInt(LIMB_BITS));
const R2 = (R * R) % P;

// p = 1 + 2^28 (mod 2^29) (p - 1 is divisible by 2^28), so mu = 2^28 - 1 and p_0 = 2^28 + 1:
// the two multiplications of each reduction step by them become a shift and an add.
if (P_LIMBS[0] !== (1n << 28n) + 1n || MU !== (1n << 28n) - 1n) throw new Error("unexpected Fr modulus");
/** q = v·mu mod 2^29 */
const timesMu = (c: CodeBuilder, v: Code): Code =>
  c.i64_and(c.i64_sub(c.i64_shl(v, c.i64_const(28n)), v), c.i64_const(MASK));
/** v·p_0 */
const timesP0 = (c: CodeBuilder, v: Code): Code => c.i64_add(c.i64_shl(v, c.i64_const(28n)), v);

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Loads limb j of the element at local `ptr`. */
const load = (c: CodeBuilder, ptr: string, j: number): Code => c.i64_load32_u(c.getLocal(ptr), 4 * j);

/** Stores locals `${name}0..8` (normalized limbs) into the element at local `ptr`. */
const storeAll = (c: CodeBuilder, ptr: string, name: string): Code =>
  range(LIMBS).flatMap((j) => c.i64_store32(c.getLocal(ptr), 4 * j, c.getLocal(`${name}${j}`)));

/** Adds the Fr functions: fr_mul, fr_add, fr_sub, fr_reduce, fr_copy, fr_fromU64, fr_toU64. */
/** The memory image of field element x in Montgomery form. */
export function montgomeryBytes(x: bigint): Uint8Array {
  const m = ((((x % P) + P) % P) * R) % P;
  return new Uint8Array(new Uint32Array(limbsOf(m).map(Number)).buffer);
}

/**
 * Adds the Fr functions (fr_mul, fr_mulAdd, fr_square, fr_dot, fr_add, fr_sub, fr_reduce, fr_copy, fr_eq, fr_pow, fr_fromU64,
 * fr_toU64); returns the addresses of the constants 0 and 1 (Montgomery form).
 */
export function emitField(mb: ModuleBuilder): { zero: number; one: number } {
  const zero = mb.alloc(ELEMENT_BYTES, montgomeryBytes(0n));
  const one = mb.alloc(ELEMENT_BYTES, montgomeryBytes(1n));
  const r2 = mb.alloc(ELEMENT_BYTES, new Uint8Array(new Uint32Array(limbsOf(R2).map(Number)).buffer));
  const plainOne = mb.alloc(ELEMENT_BYTES, new Uint8Array(new Uint32Array(limbsOf(1n).map(Number)).buffer));
  emitMul(mb, "fr_mul");
  emitMul(mb, "fr_mulAdd");
  emitSquare(mb);
  emitDot(mb);
  emitAddSub(mb, "fr_add");
  emitAddSub(mb, "fr_sub");
  emitReduce(mb);
  emitCopy(mb);
  emitEq(mb, mb.alloc(2 * ELEMENT_BYTES));
  emitPow(mb, one, mb.alloc(ELEMENT_BYTES));
  emitConversions(mb, r2, plainOne);
  for (const name of [
    "fr_mul",
    "fr_mulAdd",
    "fr_square",
    "fr_dot",
    "fr_add",
    "fr_sub",
    "fr_copy",
    "fr_eq",
    "fr_pow",
    "fr_fromU64",
    "fr_toU64",
  ])
    mb.exportFunction(name);
  return { zero, one };
}

/**
 * fr_pow(x, e, r): r = x^e, e given as 32 little-endian bytes; square and multiply from the
 * top set bit down.
 */
function emitPow(mb: ModuleBuilder, one: number, base: number): void {
  const f = mb.addFunction("fr_pow");
  f.addParam("x", "i32");
  f.addParam("e", "i32");
  f.addParam("r", "i32");
  f.addLocal("i", "i32");
  const c = f.getCodeBuilder();
  const i = c.getLocal("i");
  const bit = c.i32_and(
    c.i32_shr_u(
      c.i32_load8_u(c.i32_add(c.getLocal("e"), c.i32_shr_u(i, c.i32_const(3)))),
      c.i32_and(i, c.i32_const(7)),
    ),
    c.i32_const(1),
  );
  f.addCode(
    c.call("fr_copy", c.getLocal("x"), c.i32_const(base)),
    c.call("fr_copy", c.i32_const(one), c.getLocal("r")),
    c.setLocal("i", c.i32_const(256)),
    // Skip the leading zero bits: squaring 1 is wasted work.
    c.block(
      c.loop(
        c.br_if(1, c.i32_eqz(i)),
        c.br_if(
          1,
          c.i32_and(
            c.i32_shr_u(
              c.i32_load8_u(
                c.i32_add(c.getLocal("e"), c.i32_shr_u(c.i32_sub(i, c.i32_const(1)), c.i32_const(3))),
              ),
              c.i32_and(c.i32_sub(i, c.i32_const(1)), c.i32_const(7)),
            ),
            c.i32_const(1),
          ),
        ),
        c.setLocal("i", c.i32_sub(i, c.i32_const(1))),
        c.br(0),
      ),
    ),
    c.block(
      c.loop(
        c.br_if(1, c.i32_eqz(i)),
        c.setLocal("i", c.i32_sub(i, c.i32_const(1))),
        c.call("fr_square", c.getLocal("r"), c.getLocal("r")),
        c.if(bit, c.call("fr_mul", c.getLocal("r"), c.i32_const(base), c.getLocal("r"))),
        c.br(0),
      ),
    ),
  );
}

/** fr_eq(x, y): 1 iff x ≡ y (mod p), for x, y in [0, 2p). */
function emitEq(mb: ModuleBuilder, scratch: number): void {
  const f = mb.addFunction("fr_eq");
  f.addParam("x", "i32");
  f.addParam("y", "i32");
  f.setReturnType("i32");
  f.addLocal("d", "i64");
  const c = f.getCodeBuilder();
  const a = c.i32_const(scratch);
  const b = c.i32_const(scratch + ELEMENT_BYTES);
  const code: Code[] = [c.call("fr_reduce", c.getLocal("x"), a), c.call("fr_reduce", c.getLocal("y"), b)];
  // OR of the limb differences (xor): zero iff all limbs agree.
  code.push(c.setLocal("d", c.i64_const(0)));
  for (const j of range(LIMBS)) {
    const diff = c.i64_xor(c.i64_load32_u(a, 4 * j), c.i64_load32_u(b, 4 * j));
    code.push(c.setLocal("d", c.i64_or(c.getLocal("d"), diff)));
  }
  code.push(c.i64_eqz(c.getLocal("d")));
  f.addCode(...code);
}

/**
 * fr_mul: r = x·y·R^-1 (CIOS with delayed carries); r may alias x or y.
 * fr_mulAdd: r = x·y·R^-1 + z, z added before the final carries. Its result can exceed 2p
 * (by up to z): Poseidon's partial rounds let state[1..] grow this way, below 2^261, and
 * reduce them with the dot product that follows (poseidon-code.ts).
 */
function emitMul(mb: ModuleBuilder, name: "fr_mul" | "fr_mulAdd"): void {
  const f = mb.addFunction(name);
  f.addParam("x", "i32");
  f.addParam("y", "i32");
  if (name === "fr_mulAdd") f.addParam("z", "i32");
  f.addParam("r", "i32");
  for (const j of range(LIMBS)) {
    f.addLocal(`x${j}`, "i64");
    f.addLocal(`y${j}`, "i64");
    f.addLocal(`s${j}`, "i64");
  }
  f.addLocal("t", "i64");
  f.addLocal("q", "i64");
  const c = f.getCodeBuilder();
  const code: Code[] = [];
  for (const j of range(LIMBS)) {
    code.push(c.setLocal(`x${j}`, load(c, "x", j)), c.setLocal(`y${j}`, load(c, "y", j)));
    code.push(c.setLocal(`s${j}`, c.i64_const(0)));
  }
  const k = (v: bigint) => c.i64_const(v);
  const mul = (a: Code, b: Code) => c.i64_mul(a, b);
  for (const i of range(LIMBS)) {
    const xi = c.getLocal(`x${i}`);
    // t = s0 + x_i·y_0; q makes t + q·p_0 divisible by 2^29
    code.push(c.setLocal("t", c.i64_add(c.getLocal("s0"), mul(xi, c.getLocal("y0")))));
    code.push(c.setLocal("q", timesMu(c, c.getLocal("t"))));
    code.push(
      c.setLocal(
        "t",
        c.i64_shr_u(c.i64_add(c.getLocal("t"), timesP0(c, c.getLocal("q"))), k(BigInt(LIMB_BITS))),
      ),
    );
    // Shift down one limb while adding x_i·y and q·p.
    for (let j = 1; j < LIMBS; j++) {
      let acc = c.i64_add(mul(xi, c.getLocal(`y${j}`)), mul(c.getLocal("q"), k(P_LIMBS[j]!)));
      if (j < LIMBS - 1) acc = c.i64_add(acc, c.getLocal(`s${j}`));
      if (j === 1) acc = c.i64_add(acc, c.getLocal("t"));
      code.push(c.setLocal(`s${j - 1}`, acc));
    }
  }
  if (name === "fr_mulAdd")
    for (const j of range(LIMBS))
      code.push(c.setLocal(`s${j}`, c.i64_add(c.getLocal(`s${j}`), load(c, "z", j))));
  // Propagate carries: s_0..s_7 hold the result with limbs up to ~2^63.
  for (let j = 0; j < LIMBS - 1; j++) {
    code.push(
      c.setLocal(`s${j + 1}`, c.i64_add(c.getLocal(`s${j + 1}`), c.i64_shr_u(c.getLocal(`s${j}`), k(29n)))),
      c.setLocal(`s${j}`, c.i64_and(c.getLocal(`s${j}`), k(MASK))),
    );
  }
  code.push(storeAll(c, "r", "s"));
  f.addCode(...code);
}

const COLS = 2 * LIMBS;

/** Locals col0..col17 for a double-width product, zeroed. */
function columns(f: FunctionBuilder, c: CodeBuilder): Code[] {
  for (const j of range(COLS)) f.addLocal(`col${j}`, "i64");
  return range(COLS).map((j) => c.setLocal(`col${j}`, c.i64_const(0)));
}

const addTo = (c: CodeBuilder, col: number, v: Code): Code =>
  c.setLocal(`col${col}`, c.i64_add(c.getLocal(`col${col}`), v));

/** Carries col0..col16 into the next column, leaving them below 2^29. */
function normalize(c: CodeBuilder): Code[] {
  return range(COLS - 1).flatMap((j) => [
    addTo(c, j + 1, c.i64_shr_u(c.getLocal(`col${j}`), c.i64_const(BigInt(LIMB_BITS)))),
    c.setLocal(`col${j}`, c.i64_and(c.getLocal(`col${j}`), c.i64_const(MASK))),
  ]);
}

/**
 * Montgomery reduction of the normalized double-width value in the columns: adds q_i·p·2^(29i)
 * to clear the low nine columns, then stores columns 9..17 (normalized) at local `r`.
 * A value below 17·4p^2 comes out below 2p.
 */
function redc(c: CodeBuilder): Code[] {
  const k = (v: bigint) => c.i64_const(v);
  const code: Code[] = [];
  for (const i of range(LIMBS)) {
    code.push(c.setLocal("q", timesMu(c, c.getLocal(`col${i}`))));
    code.push(addTo(c, i, timesP0(c, c.getLocal("q"))));
    for (let j = 1; j < LIMBS; j++) code.push(addTo(c, i + j, c.i64_mul(c.getLocal("q"), k(P_LIMBS[j]!))));
    code.push(addTo(c, i + 1, c.i64_shr_u(c.getLocal(`col${i}`), k(BigInt(LIMB_BITS)))));
  }
  for (let j = LIMBS; j < COLS - 1; j++) {
    code.push(
      addTo(c, j + 1, c.i64_shr_u(c.getLocal(`col${j}`), k(BigInt(LIMB_BITS)))),
      c.setLocal(`col${j}`, c.i64_and(c.getLocal(`col${j}`), k(MASK))),
    );
  }
  for (const j of range(LIMBS))
    code.push(c.i64_store32(c.getLocal("r"), 4 * j, c.getLocal(`col${j + LIMBS}`)));
  return code;
}

/** r = x^2·R^-1: 45 limb products instead of 81, then one reduction. */
function emitSquare(mb: ModuleBuilder): void {
  const f = mb.addFunction("fr_square");
  f.addParam("x", "i32");
  f.addParam("r", "i32");
  for (const j of range(LIMBS)) f.addLocal(`x${j}`, "i64");
  f.addLocal("q", "i64");
  const c = f.getCodeBuilder();
  const code: Code[] = [...columns(f, c)];
  for (const j of range(LIMBS)) code.push(c.setLocal(`x${j}`, load(c, "x", j)));
  for (const i of range(LIMBS)) {
    code.push(addTo(c, 2 * i, c.i64_mul(c.getLocal(`x${i}`), c.getLocal(`x${i}`))));
    for (let j = i + 1; j < LIMBS; j++) {
      // 2·x_i·x_j < 2^59: twice the product, through x_i shifted once.
      const twice = c.i64_shl(c.getLocal(`x${i}`), c.i64_const(1n));
      code.push(addTo(c, i + j, c.i64_mul(twice, c.getLocal(`x${j}`))));
    }
  }
  code.push(...normalize(c), ...redc(c));
  f.addCode(...code);
}

/**
 * r = Σ a[k]·b[k]·R^-1 for k < n <= 17 (a, b contiguous elements): the products are summed
 * at double width and reduced once, so a dot product of n terms costs n·81 + 81 limb
 * products instead of n·162. Columns are carried every fourth term, before they could
 * overflow (each term adds under 9·2^58 to a column).
 */
function emitDot(mb: ModuleBuilder): void {
  const f = mb.addFunction("fr_dot");
  f.addParam("a", "i32");
  f.addParam("b", "i32");
  f.addParam("n", "i32");
  f.addParam("r", "i32");
  for (const j of range(LIMBS)) {
    f.addLocal(`x${j}`, "i64");
    f.addLocal(`y${j}`, "i64");
  }
  f.addLocal("q", "i64");
  f.addLocal("k", "i32");
  const c = f.getCodeBuilder();
  const code: Code[] = [...columns(f, c), c.setLocal("k", c.i32_const(0))];
  const body: Code[] = [c.br_if(1, c.i32_eq(c.getLocal("k"), c.getLocal("n")))];
  for (const j of range(LIMBS))
    body.push(c.setLocal(`x${j}`, load(c, "a", j)), c.setLocal(`y${j}`, load(c, "b", j)));
  for (const i of range(LIMBS))
    for (const j of range(LIMBS))
      body.push(addTo(c, i + j, c.i64_mul(c.getLocal(`x${i}`), c.getLocal(`y${j}`))));
  body.push(
    c.setLocal("k", c.i32_add(c.getLocal("k"), c.i32_const(1))),
    c.if(c.i32_eqz(c.i32_and(c.getLocal("k"), c.i32_const(3))), normalize(c).flat()),
    c.setLocal("a", c.i32_add(c.getLocal("a"), c.i32_const(ELEMENT_BYTES))),
    c.setLocal("b", c.i32_add(c.getLocal("b"), c.i32_const(ELEMENT_BYTES))),
    c.br(0),
  );
  code.push(c.block(c.loop(...body)), ...normalize(c), ...redc(c));
  f.addCode(...code);
}

/**
 * fr_add: r = x + y, minus 2p if that is at least 2p. fr_sub: r = x - y, plus 2p if that is
 * negative. Inputs in [0, 2p), output in [0, 2p); r may alias x or y.
 */
function emitAddSub(mb: ModuleBuilder, name: "fr_add" | "fr_sub"): void {
  const f = mb.addFunction(name);
  f.addParam("x", "i32");
  f.addParam("y", "i32");
  f.addParam("r", "i32");
  for (const j of range(LIMBS)) {
    f.addLocal(`a${j}`, "i64");
    f.addLocal(`d${j}`, "i64");
  }
  f.addLocal("c", "i64");
  f.addLocal("sa", "i64");
  const c = f.getCodeBuilder();
  const k = (v: bigint) => c.i64_const(v);
  const code: Code[] = [c.setLocal("c", k(0n))];
  const add = name === "fr_add";
  // a = x ± y with signed carries (the arithmetic shift keeps borrows); sa is a's sign.
  for (const j of range(LIMBS)) {
    const sum = add
      ? c.i64_add(load(c, "x", j), load(c, "y", j))
      : c.i64_sub(load(c, "x", j), load(c, "y", j));
    code.push(c.setLocal(`a${j}`, c.i64_add(sum, c.getLocal("c"))));
    code.push(c.setLocal("c", c.i64_shr_s(c.getLocal(`a${j}`), k(29n))));
    code.push(c.setLocal(`a${j}`, c.i64_and(c.getLocal(`a${j}`), k(MASK))));
  }
  code.push(c.setLocal("sa", c.getLocal("c")), c.setLocal("c", k(0n)));
  // The correction: d = a - 2p (add) or a + 2p (sub), with carries.
  for (const j of range(LIMBS)) {
    const v = add
      ? c.i64_sub(c.getLocal(`a${j}`), k(P2_LIMBS[j]!))
      : c.i64_add(c.getLocal(`a${j}`), k(P2_LIMBS[j]!));
    code.push(c.setLocal(`d${j}`, c.i64_add(v, c.getLocal("c"))));
    code.push(c.setLocal("c", c.i64_shr_s(c.getLocal(`d${j}`), k(29n))));
    code.push(c.setLocal(`d${j}`, c.i64_and(c.getLocal(`d${j}`), k(MASK))));
  }
  // add: keep a when a - 2p borrowed. sub: keep a when x - y did not borrow.
  const keepA = add ? c.i64_lt_s(c.getLocal("c"), k(0n)) : c.i64_eqz(c.getLocal("sa"));
  code.push(c.if(keepA, storeAll(c, "r", "a"), storeAll(c, "r", "d")));
  f.addCode(...code);
}

/** r = x mod p for x in [0, 2p): the canonical value, to compare or read out. */
function emitReduce(mb: ModuleBuilder): void {
  const f = mb.addFunction("fr_reduce");
  f.addParam("x", "i32");
  f.addParam("r", "i32");
  for (const j of range(LIMBS)) f.addLocal(`d${j}`, "i64");
  f.addLocal("c", "i64");
  const c = f.getCodeBuilder();
  const k = (v: bigint) => c.i64_const(v);
  const code: Code[] = [c.setLocal("c", k(0n))];
  for (const j of range(LIMBS)) {
    code.push(c.setLocal(`d${j}`, c.i64_add(c.i64_sub(load(c, "x", j), k(P_LIMBS[j]!)), c.getLocal("c"))));
    code.push(c.setLocal("c", c.i64_shr_s(c.getLocal(`d${j}`), k(29n))));
    code.push(c.setLocal(`d${j}`, c.i64_and(c.getLocal(`d${j}`), k(MASK))));
  }
  const copyX = range(LIMBS).flatMap((j) => c.i64_store32(c.getLocal("r"), 4 * j, load(c, "x", j)));
  code.push(c.if(c.i64_lt_s(c.getLocal("c"), k(0n)), copyX, storeAll(c, "r", "d")));
  f.addCode(...code);
}

function emitCopy(mb: ModuleBuilder): void {
  const f = mb.addFunction("fr_copy");
  f.addParam("x", "i32");
  f.addParam("r", "i32");
  const c = f.getCodeBuilder();
  f.addCode(...range(LIMBS).map((j) => c.i64_store32(c.getLocal("r"), 4 * j, load(c, "x", j))));
}

/**
 * fr_fromU64: four little-endian u64 words (a value below 2^256) to Montgomery form.
 * fr_toU64: Montgomery form to the canonical value as four u64 words. Limb j holds bits
 * [29j, 29j + 29), which straddle at most two words.
 */
function emitConversions(mb: ModuleBuilder, r2: number, plainOne: number): void {
  const from = mb.addFunction("fr_fromU64");
  from.addParam("w", "i32");
  from.addParam("r", "i32");
  {
    const c = from.getCodeBuilder();
    const word = (k: number) => c.i64_load32_u(c.getLocal("w"), 8 * k);
    const hi = (k: number) => c.i64_load32_u(c.getLocal("w"), 8 * k + 4);
    const wordOf = (k: number) => c.i64_or(word(k), c.i64_shl(hi(k), c.i64_const(32)));
    const code: Code[] = [];
    for (const j of range(LIMBS)) {
      const bit = j * LIMB_BITS;
      const k = Math.floor(bit / 64);
      let v = c.i64_shr_u(wordOf(k), c.i64_const(bit - 64 * k));
      if (bit - 64 * k + LIMB_BITS > 64 && k + 1 < 4)
        v = c.i64_or(v, c.i64_shl(wordOf(k + 1), c.i64_const(64 * (k + 1) - bit)));
      code.push(c.i64_store32(c.getLocal("r"), 4 * j, c.i64_and(v, c.i64_const(MASK))));
    }
    // x < 2^256 < 2^257: x·R^2·R^-1 lands below 2p.
    code.push(c.call("fr_mul", c.getLocal("r"), c.i32_const(r2), c.getLocal("r")));
    from.addCode(...code);
  }
  const to = mb.addFunction("fr_toU64");
  to.addParam("x", "i32");
  to.addParam("w", "i32");
  {
    const c = to.getCodeBuilder();
    const limb = (j: number) => c.i64_load32_u(c.getLocal("w"), 4 * j);
    const code: Code[] = [
      c.call("fr_mul", c.getLocal("x"), c.i32_const(plainOne), c.getLocal("w")),
      c.call("fr_reduce", c.getLocal("w"), c.getLocal("w")),
    ];
    // Pack in place, low word first: word k only needs limbs at or above its own start.
    const words: Code[] = [];
    for (let k = 0; k < 4; k++) {
      let v: Code | undefined;
      for (const j of range(LIMBS)) {
        const bit = j * LIMB_BITS;
        if (bit + LIMB_BITS <= 64 * k || bit >= 64 * (k + 1)) continue;
        const part =
          bit >= 64 * k
            ? c.i64_shl(limb(j), c.i64_const(bit - 64 * k))
            : c.i64_shr_u(limb(j), c.i64_const(64 * k - bit));
        v = v ? c.i64_or(v, part) : part;
      }
      words.push(v!);
    }
    // Limbs are read before any word is written: compute all four on the stack, then store.
    to.addLocal("w0", "i64");
    to.addLocal("w1", "i64");
    to.addLocal("w2", "i64");
    to.addLocal("w3", "i64");
    words.forEach((w, k) => code.push(c.setLocal(`w${k}`, w)));
    for (let k = 0; k < 4; k++) {
      code.push(c.i64_store32(c.getLocal("w"), 8 * k, c.getLocal(`w${k}`)));
      code.push(c.i64_store32(c.getLocal("w"), 8 * k + 4, c.i64_shr_u(c.getLocal(`w${k}`), c.i64_const(32))));
    }
    to.addCode(...code);
  }
}
