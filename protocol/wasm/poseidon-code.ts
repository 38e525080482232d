import type { Code, CodeBuilder, FunctionBuilder, ModuleBuilder } from "wasmbuilder";
import { ELEMENT_BYTES as E } from "./fr.ts";

/**
 * The whole Poseidon permutation as one WebAssembly function, in the sparse-partial-round
 * form of protocol/poseidon.ts, whose plan (constants in Montgomery form) it reads from
 * memory laid out as `planLayout` says.
 *
 *   poseidon_perm(plan, t, nP, st): st holds the t-element state (st[0] = 0, then the
 *   inputs) followed by t + 1 elements of scratch; on return st[0] is the hash.
 */
export function planLayout(t: number, nP: number) {
  const M = 0;
  const fullC = M + t * t;
  const partialA = fullC + 8 * t;
  const partialV = partialA + nP;
  const partialW = partialV + nP * (t - 1);
  const mHat = partialW + nP * (t - 1);
  return { M, fullC, partialA, partialV, partialW, mHat, elements: mHat + (t - 1) * (t - 1) };
}

/** Scratch elements needed after a t-element state. */
export const stateScratch = (t: number) => t + 1;

/** `for (v = from; v < to; v++) body`, with `to` as code. */
function forLoop(c: CodeBuilder, v: string, from: Code, to: Code, ...body: Code[]): Code {
  return [
    ...c.setLocal(v, from),
    ...c.block(
      c.loop(
        c.br_if(1, c.i32_ge_u(c.getLocal(v), to)),
        ...body,
        c.setLocal(v, c.i32_add(c.getLocal(v), c.i32_const(1))),
        c.br(0),
      ),
    ),
  ];
}

/** ptr + idx·E */
const at = (c: CodeBuilder, ptr: Code, idx: Code): Code => c.i32_add(ptr, c.i32_mul(idx, c.i32_const(E)));

function params(f: FunctionBuilder, ...names: string[]): void {
  for (const n of names) f.addParam(n, "i32");
}

export function emitPoseidon(mb: ModuleBuilder): void {
  const scratch = mb.alloc(E);
  {
    // r = x^5
    const f = mb.addFunction("fr_pow5");
    params(f, "x", "r");
    const c = f.getCodeBuilder();
    const x2 = c.i32_const(scratch);
    f.addCode(
      c.call("fr_square", c.getLocal("x"), x2),
      c.call("fr_square", x2, x2),
      c.call("fr_mul", x2, c.getLocal("x"), c.getLocal("r")),
    );
  }
  {
    // A full round: st = M·(st + C)^5, with tmp as scratch.
    const f = mb.addFunction("poseidon_full");
    params(f, "M", "C", "t", "st", "tmp");
    f.addLocal("i", "i32");
    const c = f.getCodeBuilder();
    const st = (i: Code) => at(c, c.getLocal("st"), i);
    const i = c.getLocal("i");
    f.addCode(
      forLoop(
        c,
        "i",
        c.i32_const(0),
        c.getLocal("t"),
        c.call("fr_add", st(i), at(c, c.getLocal("C"), i), st(i)),
        c.call("fr_pow5", st(i), st(i)),
      ),
      forLoop(
        c,
        "i",
        c.i32_const(0),
        c.getLocal("t"),
        c.call(
          "fr_dot",
          at(c, c.getLocal("M"), c.i32_mul(i, c.getLocal("t"))),
          c.getLocal("st"),
          c.getLocal("t"),
          at(c, c.getLocal("tmp"), i),
        ),
      ),
      forLoop(c, "i", c.i32_const(0), c.getLocal("t"), c.call("fr_copy", at(c, c.getLocal("tmp"), i), st(i))),
    );
  }
  const f = mb.addFunction("poseidon_perm");
  params(f, "plan", "t", "nP", "st");
  for (const l of ["r", "i", "k", "u", "tmp", "x0", "C", "V", "W", "H"]) f.addLocal(l, "i32");
  const c = f.getCodeBuilder();
  const L = (n: string) => c.getLocal(n);
  const t = L("t");
  const st = (i: Code) => at(c, L("st"), i);
  const full = (round: Code) =>
    c.call("poseidon_full", L("plan"), at(c, L("C"), c.i32_mul(round, t)), t, L("st"), L("tmp"));
  const code: Code[] = [
    c.setLocal("u", c.i32_sub(t, c.i32_const(1))),
    c.setLocal("C", at(c, L("plan"), c.i32_mul(t, t))),
    c.setLocal("tmp", at(c, L("st"), t)),
    c.setLocal("x0", at(c, L("tmp"), t)),
  ];
  const partialA = at(c, L("C"), c.i32_mul(c.i32_const(8), t));
  code.push(
    c.setLocal("V", at(c, partialA, L("nP"))),
    c.setLocal("W", at(c, L("V"), c.i32_mul(L("nP"), L("u")))),
    c.setLocal("H", at(c, L("W"), c.i32_mul(L("nP"), L("u")))),
    forLoop(c, "r", c.i32_const(0), c.i32_const(4), full(L("r"))),
    // Partial rounds: x0 = (st0 + a_i)^5; st0 = M00·x0 + v_i·st[1..]; st[k] += ŵ_i[k-1]·x0.
    // st[k] is left unreduced, growing by under 1.1p a round (below 75p, so below 2^261, after
    // the 68 rounds of t = 17); the dot products that read it reduce their result.
    forLoop(
      c,
      "i",
      c.i32_const(0),
      L("nP"),
      c.call("fr_add", L("st"), at(c, partialA, L("i")), L("x0")),
      c.call("fr_pow5", L("x0"), L("x0")),
      c.call("fr_dot", at(c, L("V"), c.i32_mul(L("i"), L("u"))), st(c.i32_const(1)), L("u"), L("tmp")),
      c.call("fr_mulAdd", L("plan"), L("x0"), L("tmp"), L("st")),
      forLoop(
        c,
        "k",
        c.i32_const(1),
        t,
        c.call(
          "fr_mulAdd",
          at(c, L("W"), c.i32_add(c.i32_mul(L("i"), L("u")), c.i32_sub(L("k"), c.i32_const(1)))),
          L("x0"),
          st(L("k")),
          st(L("k")),
        ),
      ),
    ),
    // st[1..] = M̂_N·st[1..]
    forLoop(
      c,
      "k",
      c.i32_const(1),
      t,
      c.call(
        "fr_dot",
        at(c, L("H"), c.i32_mul(c.i32_sub(L("k"), c.i32_const(1)), L("u"))),
        st(c.i32_const(1)),
        L("u"),
        at(c, L("tmp"), L("k")),
      ),
    ),
    forLoop(c, "k", c.i32_const(1), t, c.call("fr_copy", at(c, L("tmp"), L("k")), st(L("k")))),
    forLoop(c, "r", c.i32_const(4), c.i32_const(7), full(L("r"))),
    // Last round: only st[0] is wanted, one row of the mix.
    forLoop(
      c,
      "k",
      c.i32_const(0),
      t,
      c.call("fr_add", st(L("k")), at(c, at(c, L("C"), c.i32_mul(c.i32_const(7), t)), L("k")), st(L("k"))),
      c.call("fr_pow5", st(L("k")), st(L("k"))),
    ),
    c.call("fr_dot", L("plan"), L("st"), t, L("tmp")),
    c.call("fr_copy", L("tmp"), L("st")),
  );
  f.addCode(...code);
  mb.exportFunction("poseidon_perm");
}
