pragma circom 2.1.0;

include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";
include "../hashers/poseidon_list.circom";

// A contribution lane's rows and its checkpoint leaf (docs/attribution.md §6): the first n ≤ R
// slots are the contribution's non-duplicate rows (active = 1, a prefix), the others padding;
// leaf = Poseidon(id, H_n) with H_0 = 0, H_{k+1} = PoseidonList([H_k] ‖ r_k ‖ x_k), and 0 for an
// unused lane (id = 0), which has no active slot. A padding slot leaves the chain unchanged,
// so claiming a row that is not committed, or dropping one that is, changes the leaf.
template LaneRows(R, K, E) {
    signal input id;
    signal input active[R];
    signal input rowR[R][K];
    signal input rowX[R][E];
    signal output leaf;

    component unused = IsZero();
    unused.in <== id;
    unused.out * active[0] === 0;

    component step[R];
    signal chain[R + 1];
    chain[0] <== 0;
    for (var k = 0; k < R; k++) {
        active[k] * (1 - active[k]) === 0;
        if (k > 0) active[k] * (1 - active[k - 1]) === 0;
        step[k] = PoseidonList(1 + K + E);
        step[k].items[0] <== chain[k];
        for (var a = 0; a < K; a++) step[k].items[1 + a] <== rowR[k][a];
        for (var j = 0; j < E; j++) step[k].items[1 + K + j] <== rowX[k][j];
        chain[k + 1] <== chain[k] + active[k] * (step[k].out - chain[k]);
    }
    component hash = Poseidon(2);
    hash.inputs <== [id, chain[R]];
    leaf <== (1 - unused.out) * hash.out;
}
