pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "../hashers/poseidon_tail.circom";
include "./node_children.circom";

// The parents of two nodes that sit in the same slot under the same siblings (a leaf's path
// before and after an update): Poseidon(ARITY) of each node's children. The slot selection is
// computed once, and the two hashes share the first S-boxes of every slot but the node's:
//   sboxB[j] = sboxA[j] + sel[j]·((nodeB + C[digit + 1])^5 - sboxA[j])
// with C[digit + 1] = Σ sel[j]·C[j + 1] a linear combination. One S-box and ARITY products
// instead of ARITY S-boxes (3 constraints each) and ARITY products for the second node.
template NodeHashPair(ARITY) {
    var BITS = log2Exact(ARITY);
    signal input nodeA;
    signal input nodeB;
    signal input digitBits[BITS];
    signal input siblings[ARITY - 1];
    signal output parentA;
    signal output parentB;

    var PARTIAL_ROUNDS[16] = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
    var t = ARITY + 1;
    var C[t * 8 + PARTIAL_ROUNDS[t - 2]] = POSEIDON_C(t);

    component slots = SlotSelect(ARITY);
    slots.digitBits <== digitBits;
    slots.siblings <== siblings;
    component placeA = PlaceNode(ARITY);
    placeA.sel <== slots.sel;
    placeA.rest <== slots.rest;
    placeA.siblings <== siblings;
    placeA.node <== nodeA;

    // Slot 0 of the state is the capacity, 0: its S-box is a constant.
    component sboxA[t];
    sboxA[0] = Sigma();
    sboxA[0].in <== C[0];
    var nodeConstant = 0;
    for (var j = 0; j < ARITY; j++) {
        sboxA[j + 1] = Sigma();
        sboxA[j + 1].in <== placeA.children[j] + C[j + 1];
        nodeConstant += slots.sel[j] * C[j + 1];
    }
    component sboxNodeB = Sigma();
    sboxNodeB.in <== nodeB + nodeConstant;
    signal sboxB[t];
    sboxB[0] <== sboxA[0].out;
    for (var j = 0; j < ARITY; j++) {
        sboxB[j + 1] <== sboxA[j + 1].out + slots.sel[j] * (sboxNodeB.out - sboxA[j + 1].out);
    }

    component hashA = PoseidonFromFirstSboxes(ARITY);
    for (var j = 0; j < t; j++) hashA.sboxed[j] <== sboxA[j].out;
    component hashB = PoseidonFromFirstSboxes(ARITY);
    hashB.sboxed <== sboxB;
    parentA <== hashA.out;
    parentB <== hashB.out;
}
