pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "./lane_flags.circom";
include "./training_set_root.circom";

// A model's training set from its C contribution lanes (ids in registration order, 0 past the
// set): the descriptor the model leaf stores, Poseidon(trainingConfigHash, root, last id)
// (protocol/tx/fields.ts trainingDescriptor), and which lanes are used. The descriptor binds
// the ids, so a lane cannot be dropped, added or reordered; a model naming more than C
// contributions has no witness.
template TrainingSet(C, ARITY, DEPTH) {
    signal input configHash;
    signal input ids[C];
    signal output descriptor;
    signal output used[C];

    component flags = LaneFlags(C);
    flags.ids <== ids;
    used <== flags.used;
    signal lastTerm[C];
    var lastId = 0;
    for (var j = 0; j < C; j++) {
        lastTerm[j] <== flags.last[j] * ids[j];
        lastId += lastTerm[j];
    }

    component tree = TrainingSetRoot(C, ARITY, DEPTH);
    tree.ids <== ids;
    component hash = Poseidon(3);
    hash.inputs <== [configHash, tree.root, lastId];
    descriptor <== hash.out;
}
