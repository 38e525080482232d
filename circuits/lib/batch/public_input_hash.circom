pragma circom 2.1.0;

include "circomlib/circuits/sha256/sha256.circom";
include "../utils/bits_be.circom";

// A batch proof's one public input (docs/protocol.md section 8). The batch's commitment, what
// commitBatch records, is sha256 of the given bits read as a big-endian integer with its top
// three bits cleared so that it is a field element. `out` is sha256(commitment ‖ prover),
// 32 + 20 bytes, cleared the same way: proveBatch recomputes it with msg.sender, so the proof
// is worth something only to the prover it names. One sha256 block more per batch, not per
// transaction.
template PublicInputHash(NBITS) {
    signal input bits[NBITS];
    signal input prover;
    signal output out;

    component sha = Sha256(NBITS);
    sha.in <== bits;

    component proverBits = BitsBE(160);
    proverBits.in <== prover;
    component bound = Sha256(256 + 160);
    for (var i = 0; i < 3; i++) bound.in[i] <== 0;
    for (var i = 3; i < 256; i++) bound.in[i] <== sha.out[i];
    for (var i = 0; i < 160; i++) bound.in[256 + i] <== proverBits.bits[i];
    var boundAcc = 0;
    for (var i = 3; i < 256; i++) boundAcc += bound.out[i] * (1 << (255 - i));
    out <== boundAcc;
}
