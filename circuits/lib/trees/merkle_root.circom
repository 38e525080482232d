pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "./node_children.circom";

// Root of a Poseidon(ARITY) tree with `leaf` at the path given by its digits' bits
// (IndexDigits).
template MerkleRoot(ARITY, DEPTH) {
    signal input leaf;
    signal input digitBits[DEPTH][log2Exact(ARITY)];
    signal input siblings[DEPTH][ARITY - 1];
    signal output root;

    component children[DEPTH];
    component hashers[DEPTH];
    signal nodes[DEPTH + 1];
    nodes[0] <== leaf;
    for (var level = 0; level < DEPTH; level++) {
        children[level] = NodeChildren(ARITY);
        children[level].node <== nodes[level];
        children[level].digitBits <== digitBits[level];
        children[level].siblings <== siblings[level];

        hashers[level] = Poseidon(ARITY);
        hashers[level].inputs <== children[level].children;
        nodes[level + 1] <== hashers[level].out;
    }
    root <== nodes[DEPTH];
}
