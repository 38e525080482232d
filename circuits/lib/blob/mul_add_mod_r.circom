pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";

// One Horner step of the blob evaluation (docs/protocol.md section 8.2), in BLS12-381's scalar
// field inside BN254: out ≡ acc·z + e (mod r), r = BLS_MODULUS. Every number is 4 limbs of 64
// bits, least significant first. Preconditions (the caller's): acc, z and e limbs < 2^64.
//
// The prover supplies q and out; the circuit checks the integer identity
//   acc·z + e = q·r + out
// limb-polynomial-wise: d_k = Σ_{i+j=k} (acc_i·z_j − q_i·r_j) + e_k − out_k (k = 0..6), then
// pairs of limbs D_m = d_{2m} + d_{2m+1}·2^64 (D_3 = d_6) carried in base 2^128.
// Bound: |d_k| < 4·2^128 + 2^64 < 2^131, |D_m| < 2^196, |carry| < 2^69, so no equation exceeds
// 2^198 < p/2 and each holds over the integers, hence D(2^64) = 0 exactly.
// q < 2^256 for any acc < 2^256: acc·z + e < 2^256·2^254 + 2^248 and r > 2^254.
// out need not be canonical (< r) for soundness: only the last step's out is public (as y) and
// L1's y is canonical, so a non-canonical representative there fails the public input. The
// honest witness (the hint) gives canonical values.
template MulAddModR() {
    signal input acc[4];
    signal input z[4];
    signal input e[4];
    signal output out[4];
    // out's bits, least significant first (bit 64·i + k is bit k of out[i]).
    signal output outBits[256];

    var R[4] = blsModulusLimbs();
    var hint[8] = mulAddModRHint(acc, z, e);
    signal q[4];
    for (var i = 0; i < 4; i++) {
        q[i] <-- hint[i];
        out[i] <-- hint[4 + i];
    }

    component qRange[4];
    component outRange[4];
    for (var i = 0; i < 4; i++) {
        qRange[i] = Num2Bits(64);
        qRange[i].in <== q[i];
        outRange[i] = Num2Bits(64);
        outRange[i].in <== out[i];
        for (var k = 0; k < 64; k++) outBits[64 * i + k] <== outRange[i].out[k];
    }

    signal prod[4][4];
    var d[7];
    for (var k = 0; k < 7; k++) d[k] = 0;
    for (var i = 0; i < 4; i++) {
        for (var j = 0; j < 4; j++) {
            prod[i][j] <== acc[i] * z[j];
            d[i + j] += prod[i][j] - q[i] * R[j];
        }
        d[i] += e[i] - out[i];
    }

    var LIMB = 2 ** 64;
    var BASE = 2 ** 128;
    var CARRY_OFFSET = 2 ** 69;
    var D[4] = [d[0] + d[1] * LIMB, d[2] + d[3] * LIMB, d[4] + d[5] * LIMB, d[6]];
    signal carry[3];
    component carryRange[3];
    var carried = 0;
    for (var m = 0; m < 3; m++) {
        // Honest carries are exact integer quotients, so field division gives them (negative ones as p − |c|).
        carry[m] <-- (D[m] + carried) / BASE;
        D[m] + carried === carry[m] * BASE;
        carried = carry[m];
        carryRange[m] = Num2Bits(70);
        carryRange[m].in <== carry[m] + CARRY_OFFSET;
    }
    D[3] + carry[2] === 0;
}

// r = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001, 64-bit limbs, low first.
function blsModulusLimbs() {
    return [0xffffffff00000001, 0x53bda402fffe5bfe, 0x3339d80809a1d805, 0x73eda753299d7d48];
}

// [q, out] with acc·z + e = q·r + out, out < r, each as 4 limbs of 64 bits: the product as 8
// limbs, then binary long division by r (every intermediate below 2^131, far from p).
function mulAddModRHint(acc, z, e) {
    var LIMB = 2 ** 64;
    var R[4] = blsModulusLimbs();
    var t[8];
    for (var k = 0; k < 8; k++) t[k] = k < 4 ? e[k] : 0;
    for (var i = 0; i < 4; i++) {
        for (var j = 0; j < 4; j++) t[i + j] += acc[i] * z[j];
    }
    var c = 0;
    for (var k = 0; k < 8; k++) {
        var v = t[k] + c;
        t[k] = v % LIMB;
        c = v \ LIMB;
    }

    var rem[4] = [0, 0, 0, 0];
    // 8 limbs so that the compiler's pass over unknown values stays in bounds; q < 2^256 (see MulAddModR).
    var q[8] = [0, 0, 0, 0, 0, 0, 0, 0];
    for (var s = 0; s < 512; s++) {
        var b = 511 - s;
        // rem = 2·rem + bit b of t; rem < 2r < 2^256 fits 4 limbs.
        var carryIn = (t[b \ 64] >> (b % 64)) & 1;
        for (var i = 0; i < 4; i++) {
            var w = 2 * rem[i] + carryIn;
            rem[i] = w % LIMB;
            carryIn = w \ LIMB;
        }
        var ge = 1;
        var decided = 0;
        for (var i = 3; i >= 0; i--) {
            if (decided == 0 && rem[i] != R[i]) {
                ge = rem[i] > R[i] ? 1 : 0;
                decided = 1;
            }
        }
        if (ge == 1) {
            var borrow = 0;
            for (var i = 0; i < 4; i++) {
                var w = rem[i] + LIMB - R[i] - borrow;
                rem[i] = w % LIMB;
                borrow = 1 - w \ LIMB;
            }
            q[b \ 64] += 1 << (b % 64);
        }
    }
    return [q[0], q[1], q[2], q[3], rem[0], rem[1], rem[2], rem[3]];
}
