pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "../trees/merkle_update.circom";

// After the last slot, the batch's fees go to the fee recipient in one leaf update
// (protocol/state/batch.ts closeBatch). When the recipient holds no account (exists = 0) its
// leaf is shown empty and the fees are burnt. No range check: the OPEN supply is below 2^96.
template FeeCredit(ARITY, DEPTH) {
    signal input recipient;
    signal input exists;
    signal input ax;
    signal input ay;
    signal input l1Address;
    signal input packed;
    signal input siblings[DEPTH][ARITY - 1];
    signal input fees;
    signal input rootIn;
    signal output rootOut;

    exists * (exists - 1) === 0;
    component oldLeaf = Poseidon(4);
    oldLeaf.inputs <== [ax, ay, l1Address, packed];
    component newLeaf = Poseidon(4);
    newLeaf.inputs <== [ax, ay, l1Address, packed + fees];
    component update = MerkleUpdate(ARITY, DEPTH);
    update.index <== recipient;
    update.oldLeaf <== exists * oldLeaf.out;
    update.newLeaf <== exists * newLeaf.out;
    update.siblings <== siblings;
    update.oldRoot === rootIn;
    rootOut <== update.newRoot;
}
