pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";
include "../state/account_unpack.circom";
include "../trees/merkle_update.circom";

// An account credit as an accounts-tree update (docs/protocol.md section 11.2): the account at
// `index` (leaf fields pubX, pubY, l1Address, packed) gets `amount` added to its balance, which
// must stay below 2^96 (so nothing carries into the nonce). An inactive lane credits nothing
// and leaves the root unchanged; its other inputs are free (the caller gives zeros).
template AccountCredit(ARITY, DEPTH) {
    signal input rootIn;
    signal input active;
    signal input index;
    signal input amount;
    signal input fields[4];
    signal input siblings[DEPTH][ARITY - 1];
    signal output rootOut;

    (1 - active) * amount === 0;
    component unpack = AccountUnpack();
    unpack.packed <== fields[3];
    component balanceAfter = Num2Bits(96);
    balanceAfter.in <== unpack.balance + amount;

    component oldLeaf = Poseidon(4);
    oldLeaf.inputs <== fields;
    component newLeaf = Poseidon(4);
    newLeaf.inputs <== [fields[0], fields[1], fields[2], fields[3] + amount];
    component update = MerkleUpdate(ARITY, DEPTH);
    update.index <== index;
    update.oldLeaf <== oldLeaf.out;
    update.newLeaf <== newLeaf.out;
    update.siblings <== siblings;
    active * (update.oldRoot - rootIn) === 0;
    rootOut <== rootIn + active * (update.newRoot - rootIn);
}
