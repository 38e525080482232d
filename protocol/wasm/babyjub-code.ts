import type { Code, CodeBuilder, ModuleBuilder } from "wasmbuilder";
import { FIELD_MODULUS as P } from "../field.ts";
import { ELEMENT_BYTES as E, modInverse, montgomeryBytes } from "./fr.ts";

/**
 * BabyJubJub (a·x² + y² = 1 + d·x²·y², a = 168700, d = 168696) point arithmetic emitted as
 * WebAssembly. Points are worked on through the isomorphism (x, y) -> (x·√-a, y) to the curve
 * -x² + y² = 1 + d'·x²·y², d' = -d/a (-a is a square mod p), where the Hisil-Wong-Carter-Dawson
 * formulas are cheapest: addition of a "cached" point 8 multiplications (add-2008-hwcd-3),
 * doubling 4 squarings and 4 multiplications (dbl-2008-hwcd), instead of 11 and 9 with a
 * general a. They are complete there (-1 is a square, d' is not), so the identity and equal
 * points need no special case.
 *
 * Points are extended coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, T = X·Y/Z, or cached ones
 * (Y - X, Y + X, 2d'·T, 2Z), four field elements, POINT_BYTES apart. Tables hold cached points.
 *
 *   jj_fromAffine(p): maps the affine point whose x, y were written at p to extended
 *   coordinates on the working curve.
 *   jj_onCurve(p): 1 iff the affine point (x, y) written at p lies on BabyJubJub.
 *   jj_table(p, table): table[k] = k·p for k < 16.
 *   jj_comb(p, table): the comb table of p, table[15w + d - 1] = d·16^w·p (COMB_BYTES).
 *   jj_prepareKey(a, out): out = -(8·A) for the affine A at a (overwritten).
 *   jj_verify(sBytes, hBytes, a, r8): 1 iff S·Base8 = R8 + h·(8·A), S and h given as 32
 *   little-endian bytes, A and R8 as affine points (A is overwritten); Base8's tables at
 *   `baseTable` and `baseComb` must have been filled.
 *   jj_verifyComb(sBytes, hBytes, keyComb, r8): the same with the comb table of -(8·A).
 *   jj_mulBase(sBytes, out): out = s·Base8 (extended, working curve) for s given as 32
 *   little-endian bytes, from Base8's comb table; its memory accesses and branches do not
 *   depend on s (a signature's s is its secret nonce).
 */
export const POINT_BYTES = 4 * E;
/** A comb table: 64 rows (4-bit windows) of 15 points. */
export const COMB_BYTES = 64 * 15 * POINT_BYTES;
export const A = 168700n;
export const D = 168696n;
/** √-a: maps BabyJubJub onto the working curve. */
export const SQRT_MINUS_A = 6360561867910373094066688120553762416144456282423235903351243436111059670888n;
if ((SQRT_MINUS_A * SQRT_MINUS_A + A) % P !== 0n) throw new Error("√-a is wrong");
/** 2d' = -2d/a, the constant of a cached point's third coordinate. */
const TWO_D_PRIME = (((-2n * D * modInverse(A, P)) % P) + P) % P;

/** Fields of a point at address `p`. */
const X = (_c: CodeBuilder, p: Code) => p;
const Y = (c: CodeBuilder, p: Code) => c.i32_add(p, c.i32_const(E));
const Z = (c: CodeBuilder, p: Code) => c.i32_add(p, c.i32_const(2 * E));
const T = (c: CodeBuilder, p: Code) => c.i32_add(p, c.i32_const(3 * E));

export function emitBabyJub(
  mb: ModuleBuilder,
  { zero, one }: { zero: number; one: number },
): { baseTable: number; baseComb: number } {
  const a = mb.alloc(E, montgomeryBytes(A));
  const d = mb.alloc(E, montgomeryBytes(D));
  const sqrtMinusA = mb.alloc(E, montgomeryBytes(SQRT_MINUS_A));
  const twoDPrime = mb.alloc(E, montgomeryBytes(TWO_D_PRIME));
  const two = mb.alloc(E, montgomeryBytes(2n));
  // Temporaries of add/double (written before the result, which may alias an input).
  const tmp = mb.alloc(10 * E);
  const tv = (i: number) => tmp + i * E;
  const baseTable = mb.alloc(16 * POINT_BYTES);
  const keyTable = mb.alloc(16 * POINT_BYTES);
  const acc = mb.alloc(POINT_BYTES);
  const neg = mb.alloc(POINT_BYTES);
  const cmp = mb.alloc(2 * E);
  const cached = mb.alloc(POINT_BYTES);
  const run = mb.alloc(POINT_BYTES);
  const baseComb = mb.alloc(COMB_BYTES);
  const pick = mb.alloc(POINT_BYTES);

  const fn = (name: string, ...params: string[]) => {
    const f = mb.addFunction(name);
    for (const p of params) f.addParam(p, "i32");
    return f;
  };
  const k = (c: CodeBuilder, addr: number) => c.i32_const(addr);
  type Ten = [Code, Code, Code, Code, Code, Code, Code, Code, Code, Code];
  const temps = (c: CodeBuilder): Ten => Array.from({ length: 10 }, (_, i) => k(c, tv(i))) as Ten;

  const mulOf = (c: CodeBuilder) => (x: Code, y: Code, o: Code) => c.call("fr_mul", x, y, o);
  const addOf = (c: CodeBuilder) => (x: Code, y: Code, o: Code) => c.call("fr_add", x, y, o);
  const subOf = (c: CodeBuilder) => (x: Code, y: Code, o: Code) => c.call("fr_sub", x, y, o);
  {
    // r = p + q, p extended, q cached (add-2008-hwcd-3); r may alias p.
    const f = fn("jj_add", "p", "q", "r");
    const c = f.getCodeBuilder();
    const p = c.getLocal("p");
    const q = c.getLocal("q");
    const r = c.getLocal("r");
    const [vA, vB, vC, vD, vE, vF, vG, vH, s1] = temps(c);
    const [m, ad, sb] = [mulOf(c), addOf(c), subOf(c)];
    f.addCode(
      sb(Y(c, p), X(c, p), s1),
      m(s1, X(c, q), vA),
      ad(Y(c, p), X(c, p), s1),
      m(s1, Y(c, q), vB),
      m(T(c, p), Z(c, q), vC),
      m(Z(c, p), T(c, q), vD),
      sb(vB, vA, vE),
      sb(vD, vC, vF),
      ad(vD, vC, vG),
      ad(vB, vA, vH),
      m(vE, vF, X(c, r)),
      m(vG, vH, Y(c, r)),
      m(vE, vH, T(c, r)),
      m(vF, vG, Z(c, r)),
    );
  }
  {
    // r = 2·p (dbl-2008-hwcd with a = -1); r may alias p.
    const f = fn("jj_double", "p", "r");
    const c = f.getCodeBuilder();
    const p = c.getLocal("p");
    const r = c.getLocal("r");
    const [vA, vB, vC, vE, vF, vG, vH, s1] = temps(c);
    const [m, ad, sb] = [mulOf(c), addOf(c), subOf(c)];
    const sq = (x: Code, o: Code) => c.call("fr_square", x, o);
    f.addCode(
      sq(X(c, p), vA),
      sq(Y(c, p), vB),
      sq(Z(c, p), vC),
      ad(vC, vC, vC),
      ad(X(c, p), Y(c, p), s1),
      sq(s1, vE),
      sb(vE, vA, vE),
      sb(vE, vB, vE),
      sb(vB, vA, vG),
      sb(vG, vC, vF),
      sb(k(c, zero), vA, vH),
      sb(vH, vB, vH),
      m(vE, vF, X(c, r)),
      m(vG, vH, Y(c, r)),
      m(vE, vH, T(c, r)),
      m(vF, vG, Z(c, r)),
    );
  }
  {
    // r = the cached form (Y - X, Y + X, 2d'·T, 2Z) of the extended point p.
    const f = fn("jj_toCached", "p", "r");
    const c = f.getCodeBuilder();
    const p = c.getLocal("p");
    const r = c.getLocal("r");
    f.addCode(
      c.call("fr_sub", Y(c, p), X(c, p), X(c, r)),
      c.call("fr_add", Y(c, p), X(c, p), Y(c, r)),
      c.call("fr_mul", T(c, p), k(c, twoDPrime), Z(c, r)),
      c.call("fr_add", Z(c, p), Z(c, p), T(c, r)),
    );
  }
  {
    const f = fn("jj_fromAffine", "p");
    const c = f.getCodeBuilder();
    const p = c.getLocal("p");
    f.addCode(
      c.call("fr_mul", X(c, p), k(c, sqrtMinusA), X(c, p)),
      c.call("fr_copy", k(c, one), Z(c, p)),
      c.call("fr_mul", X(c, p), Y(c, p), T(c, p)),
    );
  }
  {
    // a·x² + y² = 1 + d·x²·y²
    const f = fn("jj_onCurve", "p");
    f.setReturnType("i32");
    const c = f.getCodeBuilder();
    const p = c.getLocal("p");
    const [x2, y2, l, rr] = temps(c);
    f.addCode(
      c.call("fr_mul", X(c, p), X(c, p), x2),
      c.call("fr_mul", Y(c, p), Y(c, p), y2),
      c.call("fr_mul", x2, k(c, a), l),
      c.call("fr_add", l, y2, l),
      c.call("fr_mul", x2, y2, rr),
      c.call("fr_mul", rr, k(c, d), rr),
      c.call("fr_add", rr, k(c, one), rr),
      c.call("fr_eq", l, rr),
    );
  }
  const setIdentity = (c: CodeBuilder, p: Code): Code[] => [
    c.call("fr_copy", k(c, zero), X(c, p)),
    c.call("fr_copy", k(c, one), Y(c, p)),
    c.call("fr_copy", k(c, one), Z(c, p)),
    c.call("fr_copy", k(c, zero), T(c, p)),
  ];
  /** The identity's cached form: (1, 1, 0, 2). */
  const setCachedIdentity = (c: CodeBuilder, p: Code): Code[] => [
    c.call("fr_copy", k(c, one), X(c, p)),
    c.call("fr_copy", k(c, one), Y(c, p)),
    c.call("fr_copy", k(c, zero), Z(c, p)),
    c.call("fr_copy", k(c, two), T(c, p)),
  ];
  const copyPoint = (c: CodeBuilder, from: Code, to: Code): Code[] => [
    c.call("fr_copy", X(c, from), X(c, to)),
    c.call("fr_copy", Y(c, from), Y(c, to)),
    c.call("fr_copy", Z(c, from), Z(c, to)),
    c.call("fr_copy", T(c, from), T(c, to)),
  ];
  const entry = (c: CodeBuilder, table: Code, i: Code) =>
    c.i32_add(table, c.i32_mul(i, c.i32_const(POINT_BYTES)));
  {
    // table[i] = i·p (cached), p extended.
    const f = fn("jj_table", "p", "table");
    f.addLocal("i", "i32");
    const c = f.getCodeBuilder();
    const tbl = c.getLocal("table");
    const i = c.getLocal("i");
    f.addCode(
      ...setCachedIdentity(c, tbl),
      c.call("jj_toCached", c.getLocal("p"), k(c, cached)),
      ...copyPoint(c, c.getLocal("p"), k(c, run)),
      c.setLocal("i", c.i32_const(1)),
      c.block(
        c.loop(
          c.call("jj_toCached", k(c, run), entry(c, tbl, i)),
          c.setLocal("i", c.i32_add(i, c.i32_const(1))),
          c.br_if(1, c.i32_eq(i, c.i32_const(16))),
          c.call("jj_add", k(c, run), k(c, cached), k(c, run)),
          c.br(0),
        ),
      ),
    );
  }
  const nibbleOf = (c: CodeBuilder, bytes: Code, w: Code) =>
    c.i32_and(
      c.i32_shr_u(
        c.i32_load8_u(c.i32_add(bytes, c.i32_shr_u(w, c.i32_const(1)))),
        c.i32_mul(c.i32_and(w, c.i32_const(1)), c.i32_const(4)),
      ),
      c.i32_const(15),
    );
  {
    // out = -(8·A) for the affine point A at a (overwritten).
    const f = fn("jj_prepareKey", "a", "out");
    const c = f.getCodeBuilder();
    const a8 = c.getLocal("a");
    const out = c.getLocal("out");
    f.addCode(
      c.call("jj_fromAffine", a8),
      c.call("jj_double", a8, a8),
      c.call("jj_double", a8, a8),
      c.call("jj_double", a8, a8),
      c.call("fr_sub", k(c, zero), X(c, a8), X(c, out)),
      c.call("fr_copy", Y(c, a8), Y(c, out)),
      c.call("fr_copy", Z(c, a8), Z(c, out)),
      c.call("fr_sub", k(c, zero), T(c, a8), T(c, out)),
    );
  }
  {
    // 1 iff the extended point p is the affine BabyJubJub point r (x_r·√-a·Z = X, y_r·Z = Y).
    const f = fn("jj_eqAffine", "p", "r");
    f.setReturnType("i32");
    const c = f.getCodeBuilder();
    const p = c.getLocal("p");
    const r = c.getLocal("r");
    f.addCode(
      c.call("fr_mul", X(c, r), k(c, sqrtMinusA), k(c, cmp)),
      c.call("fr_mul", k(c, cmp), Z(c, p), k(c, cmp)),
      c.if(c.i32_eqz(c.call("fr_eq", k(c, cmp), X(c, p))), c.ret(c.i32_const(0))),
      c.call("fr_mul", Y(c, r), Z(c, p), k(c, cmp)),
      c.call("fr_eq", k(c, cmp), Y(c, p)),
    );
  }
  {
    // Comb table: entry (w, d) = d·16^w·p (cached) for w < 64, 1 <= d <= 15; p extended.
    const f = fn("jj_comb", "p", "table");
    f.addLocal("w", "i32");
    f.addLocal("d", "i32");
    f.addLocal("row", "i32");
    const c = f.getCodeBuilder();
    const L = (n: string) => c.getLocal(n);
    // run = d·16^w·p as the row fills; cached = 16^w·p, the row's step.
    f.addCode(
      ...copyPoint(c, L("p"), k(c, run)),
      c.setLocal("row", L("table")),
      c.setLocal("w", c.i32_const(0)),
      c.block(
        c.loop(
          c.call("jj_toCached", k(c, run), k(c, cached)),
          ...copyPoint(c, k(c, cached), L("row")),
          c.setLocal("d", c.i32_const(2)),
          c.block(
            c.loop(
              c.br_if(1, c.i32_eq(L("d"), c.i32_const(16))),
              c.call("jj_add", k(c, run), k(c, cached), k(c, run)),
              c.call("jj_toCached", k(c, run), entry(c, L("row"), c.i32_sub(L("d"), c.i32_const(1)))),
              c.setLocal("d", c.i32_add(L("d"), c.i32_const(1))),
              c.br(0),
            ),
          ),
          c.setLocal("w", c.i32_add(L("w"), c.i32_const(1))),
          c.br_if(1, c.i32_eq(L("w"), c.i32_const(64))),
          // the next row's step: 16·step = 15·step + step
          c.call("jj_add", k(c, run), k(c, cached), k(c, run)),
          c.setLocal("row", entry(c, L("row"), c.i32_const(15))),
          c.br(0),
        ),
      ),
    );
  }
  {
    // Straus: one shared chain of doublings, 4-bit windows of both scalars, top first;
    // S·Base8 + h·(-8·A) is compared with R8.
    const f = fn("jj_verify", "s", "h", "a", "r8");
    f.setReturnType("i32");
    f.addLocal("w", "i32");
    const c = f.getCodeBuilder();
    const w = c.getLocal("w");
    const accP = k(c, acc);
    f.addCode(
      c.call("jj_prepareKey", c.getLocal("a"), k(c, neg)),
      c.call("jj_table", k(c, neg), k(c, keyTable)),
      ...setIdentity(c, accP),
      c.setLocal("w", c.i32_const(64)),
      c.block(
        c.loop(
          c.br_if(1, c.i32_eqz(w)),
          c.setLocal("w", c.i32_sub(w, c.i32_const(1))),
          c.call("jj_double", accP, accP),
          c.call("jj_double", accP, accP),
          c.call("jj_double", accP, accP),
          c.call("jj_double", accP, accP),
          c.call("jj_add", accP, entry(c, k(c, baseTable), nibbleOf(c, c.getLocal("s"), w)), accP),
          c.call("jj_add", accP, entry(c, k(c, keyTable), nibbleOf(c, c.getLocal("h"), w)), accP),
          c.br(0),
        ),
      ),
      c.call("jj_eqAffine", accP, c.getLocal("r8")),
    );
  }
  {
    // With comb tables of Base8 and of -8·A: no doublings, one addition per non-zero nibble.
    const f = fn("jj_verifyComb", "s", "h", "keyComb", "r8");
    f.setReturnType("i32");
    f.addLocal("w", "i32");
    f.addLocal("n", "i32");
    const c = f.getCodeBuilder();
    const w = c.getLocal("w");
    const accP = k(c, acc);
    const combAdd = (bytes: string, table: Code) =>
      c.if(
        c.i32_eqz(c.i32_eqz(c.teeLocal("n", nibbleOf(c, c.getLocal(bytes), w)))),
        c.call(
          "jj_add",
          accP,
          entry(
            c,
            table,
            c.i32_add(c.i32_mul(w, c.i32_const(15)), c.i32_sub(c.getLocal("n"), c.i32_const(1))),
          ),
          accP,
        ),
      );
    f.addCode(
      ...setIdentity(c, accP),
      c.setLocal("w", c.i32_const(0)),
      c.block(
        c.loop(
          c.br_if(1, c.i32_eq(w, c.i32_const(64))),
          combAdd("s", k(c, baseComb)),
          combAdd("h", c.getLocal("keyComb")),
          c.setLocal("w", c.i32_add(w, c.i32_const(1))),
          c.br(0),
        ),
      ),
      c.call("jj_eqAffine", accP, c.getLocal("r8")),
    );
  }
  {
    // Fixed-base multiplication for signing: one addition in each of the 64 windows, of the
    // row's entry for the nibble (the identity for 0), copied out by a masked scan of the
    // whole row rather than loaded by index.
    const f = fn("jj_mulBase", "s", "out");
    for (const name of ["w", "n", "d", "row"]) f.addLocal(name, "i32");
    f.addLocal("m", "i64");
    const c = f.getCodeBuilder();
    const L = (n: string) => c.getLocal(n);
    const accP = k(c, acc);
    // m = all ones iff the nibble is d, else 0; pick |= entry & m, 8 bytes at a time.
    const setMask = (d: Code) =>
      c.setLocal("m", c.i64_extend_i32_s(c.i32_sub(c.i32_const(0), c.i32_eq(L("n"), d))));
    const words = Array.from({ length: POINT_BYTES / 8 }, (_, j) => 8 * j);
    const orMasked = (from: Code) =>
      words.map((o) =>
        c.i64_store(
          k(c, pick),
          o,
          c.i64_or(c.i64_load(k(c, pick), o), c.i64_and(c.i64_load(from, o), L("m"))),
        ),
      );
    f.addCode(
      ...setIdentity(c, accP),
      c.setLocal("row", k(c, baseComb)),
      c.setLocal("w", c.i32_const(0)),
      c.block(
        c.loop(
          c.br_if(1, c.i32_eq(L("w"), c.i32_const(64))),
          c.setLocal("n", nibbleOf(c, L("s"), L("w"))),
          ...setCachedIdentity(c, k(c, pick)),
          setMask(c.i32_const(0)),
          ...words.map((o) => c.i64_store(k(c, pick), o, c.i64_and(c.i64_load(k(c, pick), o), L("m")))),
          c.setLocal("d", c.i32_const(1)),
          c.block(
            c.loop(
              c.br_if(1, c.i32_eq(L("d"), c.i32_const(16))),
              setMask(L("d")),
              ...orMasked(entry(c, L("row"), c.i32_sub(L("d"), c.i32_const(1)))),
              c.setLocal("d", c.i32_add(L("d"), c.i32_const(1))),
              c.br(0),
            ),
          ),
          c.call("jj_add", accP, k(c, pick), accP),
          c.setLocal("row", entry(c, L("row"), c.i32_const(15))),
          c.setLocal("w", c.i32_add(L("w"), c.i32_const(1))),
          c.br(0),
        ),
      ),
      ...copyPoint(c, accP, L("out")),
    );
  }
  const names = [
    "jj_fromAffine",
    "jj_onCurve",
    "jj_table",
    "jj_comb",
    "jj_prepareKey",
    "jj_verify",
    "jj_verifyComb",
    "jj_mulBase",
  ];
  for (const name of names) mb.exportFunction(name);
  return { baseTable, baseComb };
}
