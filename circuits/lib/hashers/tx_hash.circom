pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// txHash = Poseidon(domainHash, type, from, nonce, fee, p0..p6): the message an L2 key
// signs (docs/protocol.md section 5.2).
template TxHash() {
    signal input domainHash;
    signal input fields[11];
    signal output hash;

    component h = Poseidon(12);
    h.inputs[0] <== domainHash;
    for (var i = 0; i < 11; i++) h.inputs[i + 1] <== fields[i];
    hash <== h.out;
}
