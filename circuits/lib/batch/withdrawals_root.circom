pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "../utils/log2.circom";

// Root of the binary Poseidon withdrawals tree of depth DEPTH (docs/protocol.md section 8)
// whose first NWD leaves are given and the rest are empty (0). NWD is a power of two.
template WithdrawalsRoot(NWD, DEPTH) {
    var FILLED = log2Exact(NWD);
    assert(FILLED <= DEPTH);
    signal input leaves[NWD];
    signal output root;

    component inner[NWD];
    signal nodes[2 * NWD];
    nodes[0] <== 0;
    for (var k = 0; k < NWD; k++) nodes[NWD + k] <== leaves[k];
    for (var n = NWD - 1; n >= 1; n--) {
        inner[n] = Poseidon(2);
        inner[n].inputs <== [nodes[2 * n], nodes[2 * n + 1]];
        nodes[n] <== inner[n].out;
    }

    // Above the filled subtree every right sibling is an empty subtree.
    component zero[DEPTH];
    component up[DEPTH - FILLED];
    signal zeros[DEPTH + 1];
    signal path[DEPTH - FILLED + 1];
    zeros[0] <== 0;
    path[0] <== nodes[1];
    for (var h = 0; h < DEPTH; h++) {
        zero[h] = Poseidon(2);
        zero[h].inputs <== [zeros[h], zeros[h]];
        zeros[h + 1] <== zero[h].out;
        if (h >= FILLED) {
            up[h - FILLED] = Poseidon(2);
            up[h - FILLED].inputs <== [path[h - FILLED], zeros[h]];
            path[h - FILLED + 1] <== up[h - FILLED].out;
        }
    }
    root <== path[DEPTH - FILLED];
}
