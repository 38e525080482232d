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

// floor(2^512 / r), 64-bit limbs, low first: Barrett's constant for mulAddModRHint.
function blsBarrettMu() {
    return [0x42737a020c0d6393, 0x65043eb4be4bad71, 0x38b5dcb707e08ed3, 0x355094edfede377c, 2];
}

// [q, out] with acc·z + e = q·r + out, out < r, each as 4 limbs of 64 bits, by Barrett reduction
// in base b = 2^64 (Handbook of Applied Cryptography 14.42): the estimate
// q̂ = floor(floor(t / b^3)·mu / b^5) is q, q - 1 or q - 2, then at most two corrections. Every
// intermediate stays below 2^135, far from p.
function mulAddModRHint(acc, z, e) {
    var LIMB = 2 ** 64;
    var R[4] = blsModulusLimbs();
    var MU[5] = blsBarrettMu();

    // t = acc·z + e, 8 limbs.
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

    // q̂ = limbs 5..9 of (t's limbs 3..7)·mu.
    var m[10];
    for (var k = 0; k < 10; k++) m[k] = 0;
    for (var i = 0; i < 5; i++) {
        for (var j = 0; j < 5; j++) m[i + j] += t[3 + i] * MU[j];
    }
    c = 0;
    for (var k = 0; k < 10; k++) {
        var v = m[k] + c;
        m[k] = v % LIMB;
        c = v \ LIMB;
    }
    var q[5];
    for (var k = 0; k < 5; k++) q[k] = m[5 + k];

    // out = t - q̂·r < 3r < 2^320: 5 limbs, computed mod 2^320.
    var qr[5] = [0, 0, 0, 0, 0];
    for (var i = 0; i < 5; i++) {
        for (var j = 0; j < 4; j++) {
            if (i + j < 5) qr[i + j] += q[i] * R[j];
        }
    }
    var out[5];
    c = 0;
    var borrow = 0;
    for (var k = 0; k < 5; k++) {
        var v = qr[k] + c;
        qr[k] = v % LIMB;
        c = v \ LIMB;
        var w = t[k] + LIMB - qr[k] - borrow;
        out[k] = w % LIMB;
        borrow = 1 - w \ LIMB;
    }

    for (var round = 0; round < 2; round++) {
        var ge = 1;
        var decided = 0;
        for (var i = 4; i >= 0; i--) {
            var ri = i < 4 ? R[i] : 0;
            if (decided == 0 && out[i] != ri) {
                ge = out[i] > ri ? 1 : 0;
                decided = 1;
            }
        }
        if (ge == 1) {
            borrow = 0;
            for (var i = 0; i < 5; i++) {
                var w = out[i] + LIMB - (i < 4 ? R[i] : 0) - borrow;
                out[i] = w % LIMB;
                borrow = 1 - w \ LIMB;
            }
            c = 1;
            for (var i = 0; i < 5; i++) {
                var v = q[i] + c;
                q[i] = v % LIMB;
                c = v \ LIMB;
            }
        }
    }
    return [q[0], q[1], q[2], q[3], out[0], out[1], out[2], out[3]];
}
