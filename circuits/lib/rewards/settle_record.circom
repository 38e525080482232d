pragma circom 2.1.0;

include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";
include "../trees/merkle_update.circom";

// One inference lane: the record at id `id` (fields user, model, inputHash, outputHash,
// featureCommitment, payment) is an unsettled record (payment != 0) of `model` and its payment
// is set to 0 in the inferences tree (docs/protocol.md section 11.1). An unused lane (used = 0) pays nothing and
// leaves the root unchanged.
template SettleRecord(ARITY, DEPTH) {
    signal input rootIn;
    signal input used;
    signal input id;
    signal input model;
    signal input record[6];
    signal input siblings[DEPTH][ARITY - 1];
    signal output rootOut;
    signal output payment;

    used * (record[1] - model) === 0;
    component settled = IsZero();
    settled.in <== record[5];
    used * settled.out === 0;
    (1 - used) * record[5] === 0;
    payment <== record[5];

    component oldLeaf = Poseidon(6);
    oldLeaf.inputs <== record;
    component newLeaf = Poseidon(6);
    newLeaf.inputs <== [record[0], record[1], record[2], record[3], record[4], 0];
    component update = MerkleUpdate(ARITY, DEPTH);
    update.index <== id;
    update.oldLeaf <== oldLeaf.out;
    update.newLeaf <== newLeaf.out;
    update.siblings <== siblings;
    used * (update.oldRoot - rootIn) === 0;
    rootOut <== rootIn + used * (update.newRoot - rootIn);
}
