pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";
include "../hashers/poseidon_list.circom";
include "./mul_add_mod_r.circom";

// The circuit's side of the blob equivalence (docs/protocol.md section 8.2; twin of
// protocol/blob/challenge.ts): the N data elements e_j (31 bytes each) read as the coefficients
// of a polynomial, evaluated at the challenge z = Poseidon(vh_hi, vh_lo, poseidonList(e)) in
// BLS12-381's scalar field: y = Σ e_j·z^j mod r, by Horner from e_{N-1}. L1 checks with the
// point-evaluation precompile that its blob evaluates to the same y at the same z.
//
// elementBits[j] are element j's 248 bits, most significant first (its 31 bytes in order); the
// caller must have constrained them to be bits (the batch's data bits are Num2Bits outputs).
// versionedHashBits: the blob's 32-byte versioned hash, most significant bit first.
// zBits, yBits: z and y as 256-bit big-endian strings. z < p is decomposed strictly (no alias);
// y is the last step's out (see MulAddModR for why it need not be checked < r).
template BlobEvaluation(N) {
    signal input elementBits[N][248];
    signal input versionedHashBits[256];
    signal output zBits[256];
    signal output yBits[256];

    // Linear in the bits: each element's value and its 64-bit limbs (the top one 56 bits).
    var e[N];
    var limbs[N][4];
    for (var j = 0; j < N; j++) {
        e[j] = 0;
        for (var i = 0; i < 4; i++) limbs[j][i] = 0;
        for (var k = 0; k < 248; k++) {
            e[j] += elementBits[j][247 - k] * 2 ** k;
            limbs[j][k \ 64] += elementBits[j][247 - k] * 2 ** (k % 64);
        }
    }

    component dataHash = PoseidonList(N);
    for (var j = 0; j < N; j++) dataHash.items[j] <== e[j];

    var vhHi = 0;
    var vhLo = 0;
    for (var i = 0; i < 128; i++) {
        vhHi += versionedHashBits[i] * 2 ** (127 - i);
        vhLo += versionedHashBits[128 + i] * 2 ** (127 - i);
    }
    component challenge = Poseidon(3);
    challenge.inputs[0] <== vhHi;
    challenge.inputs[1] <== vhLo;
    challenge.inputs[2] <== dataHash.out;

    component z = Num2Bits_strict();
    z.in <== challenge.out;
    zBits[0] <== 0;
    zBits[1] <== 0;
    for (var k = 0; k < 254; k++) zBits[255 - k] <== z.out[k];
    var zLimbs[4] = [0, 0, 0, 0];
    for (var k = 0; k < 254; k++) zLimbs[k \ 64] += z.out[k] * 2 ** (k % 64);

    component step[N - 1];
    for (var s = 0; s < N - 1; s++) {
        step[s] = MulAddModR();
        for (var i = 0; i < 4; i++) {
            if (s == 0) {
                step[s].acc[i] <== limbs[N - 1][i];
            } else {
                step[s].acc[i] <== step[s - 1].out[i];
            }
            step[s].z[i] <== zLimbs[i];
            step[s].e[i] <== limbs[N - 2 - s][i];
        }
    }

    if (N == 1) {
        for (var k = 0; k < 8; k++) yBits[k] <== 0;
        for (var k = 0; k < 248; k++) yBits[8 + k] <== elementBits[0][k];
    } else {
        for (var k = 0; k < 256; k++) yBits[255 - k] <== step[N - 2].outBits[k];
    }
}
