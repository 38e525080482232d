pragma circom 2.1.0;

include "circomlib/circuits/sha256/sha256.circom";

// The one public input of a batch proof: sha256 of the given bits (docs/protocol.md section 8),
// read as a big-endian integer with its top three bits cleared so that it is a field element.
template PublicInputHash(NBITS) {
    signal input bits[NBITS];
    signal output out;

    component sha = Sha256(NBITS);
    sha.in <== bits;
    var acc = 0;
    for (var i = 3; i < 256; i++) acc += sha.out[i] * (1 << (255 - i));
    out <== acc;
}
