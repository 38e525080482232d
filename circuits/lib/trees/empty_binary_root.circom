pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// Root of an empty binary Poseidon tree of depth DEPTH: zero_{h+1} = Poseidon(zero_h, zero_h).
template EmptyBinaryRoot(DEPTH) {
    signal output root;

    component up[DEPTH];
    signal zeros[DEPTH + 1];
    zeros[0] <== 0;
    for (var h = 0; h < DEPTH; h++) {
        up[h] = Poseidon(2);
        up[h].inputs <== [zeros[h], zeros[h]];
        zeros[h + 1] <== up[h].out;
    }
    root <== zeros[DEPTH];
}
