pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// txHash = Poseidon(domainHash, type + from·2^8 + nonce·2^40 + fee·2^72, p0..p5): the message
// an L2 key signs (docs/protocol.md section 5.2), from the field vector
// [type, from, nonce, fee, p0..p5]. The packing is one-to-one only for type < 2^8,
// from, nonce < 2^32 and fee < 2^96: the caller range-checks them.
template TxHash() {
    signal input domainHash;
    signal input fields[10];
    signal output hash;

    component h = Poseidon(8);
    h.inputs[0] <== domainHash;
    h.inputs[1] <== fields[0] + fields[1] * (1 << 8) + fields[2] * (1 << 40) + fields[3] * (1 << 72);
    for (var i = 0; i < 6; i++) h.inputs[i + 2] <== fields[i + 4];
    hash <== h.out;
}
