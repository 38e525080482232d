import type { Code, CodeBuilder, ModuleBuilder } from "wasmbuilder";
import { ELEMENT_BYTES as E, montgomeryBytes } from "./fr.ts";

/**
 * BabyJubJub (a·x² + y² = 1 + d·x²·y², a = 168700, d = 168696) point arithmetic emitted as
 * WebAssembly, in extended twisted Edwards coordinates (X, Y, Z, T) with x = X/Z, y = Y/Z,
 * T = X·Y/Z: four field elements, POINT_BYTES apart. Addition and doubling are the
 * Hisil-Wong-Carter-Dawson formulas (add-2008-hwcd, dbl-2008-hwcd), complete on this curve
 * (a is a square, d is not), so the identity and equal points need no special case.
 *
 *   jj_fromAffine(p): fills Z = 1 and T = X·Y for a point whose X, Y were written.
 *   jj_onCurve(p): 1 iff the affine point (X, Y) of p lies on the curve.
 *   jj_table(p, table): table[k] = k·p for k < 16.
 *   jj_comb(p, table): the comb table of p, table[15w + d - 1] = d·16^w·p (COMB_BYTES).
 *   jj_prepareKey(a, out): out = -(8·A) for the affine A at a (overwritten).
 *   jj_verify(sBytes, hBytes, a, r8): 1 iff S·Base8 = R8 + h·(8·A), S and h given as 32
 *   little-endian bytes, A and R8 as affine points (A is overwritten); Base8's tables at
 *   `baseTable` and `baseComb` must have been filled.
 *   jj_verifyComb(sBytes, hBytes, keyComb, r8): the same with the comb table of -(8·A).
 */
export const POINT_BYTES = 4 * E;
/** A comb table: 64 rows (4-bit windows) of 15 points. */
export const COMB_BYTES = 64 * 15 * POINT_BYTES;
export const A = 168700n;
export const D = 168696n;

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
  // Temporaries of add/double (written before the result, which may alias an input).
  const tmp = mb.alloc(10 * E);
  const tv = (i: number) => tmp + i * E;
  const baseTable = mb.alloc(16 * POINT_BYTES);
  const keyTable = mb.alloc(16 * POINT_BYTES);
  const acc = mb.alloc(POINT_BYTES);
  const neg = mb.alloc(POINT_BYTES);
  const cmp = mb.alloc(2 * E);
  const baseComb = mb.alloc(COMB_BYTES);

  const fn = (name: string, ...params: string[]) => {
    const f = mb.addFunction(name);
    for (const p of params) f.addParam(p, "i32");
    return f;
  };
  const k = (c: CodeBuilder, addr: number) => c.i32_const(addr);
  type Ten = [Code, Code, Code, Code, Code, Code, Code, Code, Code, Code];
  const temps = (c: CodeBuilder): Ten => Array.from({ length: 10 }, (_, i) => k(c, tv(i))) as Ten;

  {
    const f = fn("jj_add", "p", "q", "r");
    const c = f.getCodeBuilder();
    const p = c.getLocal("p");
    const q = c.getLocal("q");
    const r = c.getLocal("r");
    const [vA, vB, vC, vD, vE, vF, vG, vH, s1, s2] = temps(c);
    const m = (x: Code, y: Code, o: Code) => c.call("fr_mul", x, y, o);
    const ad = (x: Code, y: Code, o: Code) => c.call("fr_add", x, y, o);
    const sb = (x: Code, y: Code, o: Code) => c.call("fr_sub", x, y, o);
    f.addCode(
      m(X(c, p), X(c, q), vA),
      m(Y(c, p), Y(c, q), vB),
      m(T(c, p), T(c, q), vC),
      m(vC, k(c, d), vC),
      m(Z(c, p), Z(c, q), vD),
      ad(X(c, p), Y(c, p), s1),
      ad(X(c, q), Y(c, q), s2),
      m(s1, s2, vE),
      sb(vE, vA, vE),
      sb(vE, vB, vE),
      sb(vD, vC, vF),
      ad(vD, vC, vG),
      m(vA, k(c, a), s1),
      sb(vB, s1, vH),
      m(vE, vF, X(c, r)),
      m(vG, vH, Y(c, r)),
      m(vE, vH, T(c, r)),
      m(vF, vG, Z(c, r)),
    );
  }
  {
    const f = fn("jj_double", "p", "r");
    const c = f.getCodeBuilder();
    const p = c.getLocal("p");
    const r = c.getLocal("r");
    const [vA, vB, vC, vD, vE, vF, vG, vH, s1] = temps(c);
    const m = (x: Code, y: Code, o: Code) => c.call("fr_mul", x, y, o);
    const ad = (x: Code, y: Code, o: Code) => c.call("fr_add", x, y, o);
    const sb = (x: Code, y: Code, o: Code) => c.call("fr_sub", x, y, o);
    f.addCode(
      m(X(c, p), X(c, p), vA),
      m(Y(c, p), Y(c, p), vB),
      m(Z(c, p), Z(c, p), vC),
      ad(vC, vC, vC),
      m(vA, k(c, a), vD),
      ad(X(c, p), Y(c, p), s1),
      m(s1, s1, vE),
      sb(vE, vA, vE),
      sb(vE, vB, vE),
      ad(vD, vB, vG),
      sb(vG, vC, vF),
      sb(vD, vB, vH),
      m(vE, vF, X(c, r)),
      m(vG, vH, Y(c, r)),
      m(vE, vH, T(c, r)),
      m(vF, vG, Z(c, r)),
    );
  }
  {
    const f = fn("jj_fromAffine", "p");
    const c = f.getCodeBuilder();
    const p = c.getLocal("p");
    f.addCode(c.call("fr_copy", k(c, one), Z(c, p)), c.call("fr_mul", X(c, p), Y(c, p), T(c, p)));
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
  const entry = (c: CodeBuilder, table: Code, i: Code) =>
    c.i32_add(table, c.i32_mul(i, c.i32_const(POINT_BYTES)));
  {
    const f = fn("jj_table", "p", "table");
    f.addLocal("i", "i32");
    const c = f.getCodeBuilder();
    const tbl = c.getLocal("table");
    const i = c.getLocal("i");
    f.addCode(
      ...setIdentity(c, tbl),
      c.setLocal("i", c.i32_const(1)),
      c.block(
        c.loop(
          c.br_if(1, c.i32_eq(i, c.i32_const(16))),
          c.call("jj_add", entry(c, tbl, c.i32_sub(i, c.i32_const(1))), c.getLocal("p"), entry(c, tbl, i)),
          c.setLocal("i", c.i32_add(i, c.i32_const(1))),
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
    // 1 iff the point at p equals the affine point r (x_r·Z = X and y_r·Z = Y).
    const f = fn("jj_eqAffine", "p", "r");
    f.setReturnType("i32");
    const c = f.getCodeBuilder();
    const p = c.getLocal("p");
    const r = c.getLocal("r");
    f.addCode(
      c.call("fr_mul", X(c, r), Z(c, p), k(c, cmp)),
      c.if(c.i32_eqz(c.call("fr_eq", k(c, cmp), X(c, p))), c.ret(c.i32_const(0))),
      c.call("fr_mul", Y(c, r), Z(c, p), k(c, cmp)),
      c.call("fr_eq", k(c, cmp), Y(c, p)),
    );
  }
  {
    // Comb table: entry (w, d) = d·16^w·p for w < 64, 1 <= d <= 15.
    const f = fn("jj_comb", "p", "table");
    f.addLocal("w", "i32");
    f.addLocal("d", "i32");
    f.addLocal("row", "i32");
    const c = f.getCodeBuilder();
    const L = (n: string) => c.getLocal(n);
    const slot = (d: Code) => entry(c, L("row"), c.i32_sub(d, c.i32_const(1)));
    f.addCode(
      c.setLocal("row", L("table")),
      c.call("fr_copy", X(c, L("p")), X(c, L("row"))),
      c.call("fr_copy", Y(c, L("p")), Y(c, L("row"))),
      c.call("fr_copy", Z(c, L("p")), Z(c, L("row"))),
      c.call("fr_copy", T(c, L("p")), T(c, L("row"))),
      c.setLocal("w", c.i32_const(0)),
      c.block(
        c.loop(
          c.setLocal("d", c.i32_const(2)),
          c.block(
            c.loop(
              c.br_if(1, c.i32_eq(L("d"), c.i32_const(16))),
              c.call("jj_add", slot(c.i32_sub(L("d"), c.i32_const(1))), L("row"), slot(L("d"))),
              c.setLocal("d", c.i32_add(L("d"), c.i32_const(1))),
              c.br(0),
            ),
          ),
          c.setLocal("w", c.i32_add(L("w"), c.i32_const(1))),
          c.br_if(1, c.i32_eq(L("w"), c.i32_const(64))),
          // next row's base: 16·base = 15·base + base
          c.call("jj_add", slot(c.i32_const(15)), L("row"), entry(c, L("row"), c.i32_const(15))),
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
  const names = [
    "jj_fromAffine",
    "jj_onCurve",
    "jj_table",
    "jj_comb",
    "jj_prepareKey",
    "jj_verify",
    "jj_verifyComb",
  ];
  for (const name of names) mb.exportFunction(name);
  return { baseTable, baseComb };
}
