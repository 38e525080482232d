pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";
include "../trees/merkle_update.circom";

// The settled model's leaf (owner, modelHash, trainingDescriptor, checkpointCommitment,
// inferenceFee, baseModel, escrow) at id `model` under rootIn, its escrow lowered by `total`
// (range-checked: the escrow holds at least the payments settled).
template ModelDebit(ARITY, DEPTH) {
    signal input rootIn;
    signal input model;
    signal input fields[7];
    signal input total;
    signal input siblings[DEPTH][ARITY - 1];
    signal output rootOut;

    signal escrow <== fields[6] - total;
    component escrowBits = Num2Bits(96);
    escrowBits.in <== escrow;

    component oldLeaf = Poseidon(7);
    oldLeaf.inputs <== fields;
    component newLeaf = Poseidon(7);
    newLeaf.inputs <== [fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], escrow];
    component update = MerkleUpdate(ARITY, DEPTH);
    update.index <== model;
    update.oldLeaf <== oldLeaf.out;
    update.newLeaf <== newLeaf.out;
    update.siblings <== siblings;
    update.oldRoot === rootIn;
    rootOut <== update.newRoot;
}
