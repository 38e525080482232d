pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";

// A batch's commitment, what commitBatch records (docs/protocol.md section 8.1):
//   Poseidon(Poseidon(pre, post, H_start, H_end, withdrawalsRoot), Poseidon(vh_hi, vh_lo, z, y_hi, y_lo))
// with its top three bits cleared, as the 253 bits of its 32-byte big-endian form after three
// zeros (`bits[0..2] = 0`), the order in which the prover binding's sha256 reads it. The
// versioned hash and y exceed p, so they come as 128-bit halves; the caller range-checks them,
// so each pair names one value. The decomposition is strict: an alias (c + p) would clear to
// other bits.
template BatchCommitment() {
    signal input claimed[5];
    signal input versionedHash[2];
    signal input z;
    signal input y[2];
    signal output bits[256];

    component claimedHash = Poseidon(5);
    claimedHash.inputs <== claimed;
    component openingHash = Poseidon(5);
    openingHash.inputs <== [versionedHash[0], versionedHash[1], z, y[0], y[1]];
    component hash = Poseidon(2);
    hash.inputs <== [claimedHash.out, openingHash.out];

    component b = Num2Bits_strict();
    b.in <== hash.out;
    for (var i = 0; i < 3; i++) bits[i] <== 0;
    for (var i = 3; i < 256; i++) bits[i] <== b.out[255 - i];
}
