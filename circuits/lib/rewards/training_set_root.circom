pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// Root of a model's training-set tree (protocol/tx/fields.ts trainingSetRoot; docs/protocol.md
// section 3): arity ARITY, depth DEPTH, leaf j = ids[j] for j < C and empty (0) beyond. Only
// the nodes above the C given leaves are hashed; a slot past them holds the empty subtree
// zero_h (zero_0 = 0, zero_{h+1} = Poseidon(zero_h × ARITY)).
template TrainingSetRoot(C, ARITY, DEPTH) {
    assert(C >= 1 && C <= ARITY ** DEPTH);
    signal input ids[C];
    signal output root;

    // Level h holds width[h] computed nodes, the rest of the level is empty.
    var width[DEPTH + 1];
    width[0] = C;
    for (var h = 0; h < DEPTH; h++) width[h + 1] = (width[h] + ARITY - 1) \ ARITY;
    // zero_h is needed up to the highest level whose last parent has a slot past the nodes.
    var zerosNeeded = 0;
    for (var h = 0; h < DEPTH; h++) {
        if (width[h] % ARITY != 0) zerosNeeded = h + 1;
    }

    component zeroHash[DEPTH];
    signal zeros[DEPTH + 1];
    zeros[0] <== 0;
    for (var h = 0; h + 1 < zerosNeeded; h++) {
        zeroHash[h] = Poseidon(ARITY);
        for (var t = 0; t < ARITY; t++) zeroHash[h].inputs[t] <== zeros[h];
        zeros[h + 1] <== zeroHash[h].out;
    }

    signal nodes[DEPTH + 1][C];
    component parent[DEPTH][C];
    for (var j = 0; j < C; j++) nodes[0][j] <== ids[j];
    for (var h = 0; h < DEPTH; h++) {
        for (var k = 0; k < width[h + 1]; k++) {
            parent[h][k] = Poseidon(ARITY);
            for (var t = 0; t < ARITY; t++) {
                parent[h][k].inputs[t] <== k * ARITY + t < width[h] ? nodes[h][k * ARITY + t] : zeros[h];
            }
            nodes[h + 1][k] <== parent[h][k].out;
        }
    }
    root <== nodes[DEPTH][0];
}
