pragma circom 2.1.0;

include "circomlib/circuits/sha256/sha256.circom";
include "../utils/bits_be.circom";

// A batch proof's one public input (docs/protocol.md section 8.1): sha256(commitment ‖ prover),
// 32 + 20 bytes, top three bits cleared. proveBatch recomputes it with msg.sender, so the proof
// is worth something only to the prover it names. One sha256 block per batch: a few hundred
// gas on L1, where Poseidon or a second public input would take proveBatch past its budget.
template ProverBinding() {
    signal input commitmentBits[256];
    signal input prover;
    signal output out;

    component proverBits = BitsBE(160);
    proverBits.in <== prover;
    component sha = Sha256(256 + 160);
    for (var i = 0; i < 256; i++) sha.in[i] <== commitmentBits[i];
    for (var i = 0; i < 160; i++) sha.in[256 + i] <== proverBits.bits[i];
    var acc = 0;
    for (var i = 3; i < 256; i++) acc += sha.out[i] * (1 << (255 - i));
    out <== acc;
}
