pragma circom 2.1.0;

include "./index_digits.circom";
include "./merkle_root.circom";

// Holds iff `leaf` sits at `index` under `root`; leaf = 0 proves non-inclusion.
template MerkleInclusion(ARITY, DEPTH) {
    signal input root;
    signal input index;
    signal input leaf;
    signal input siblings[DEPTH][ARITY - 1];

    component digits = IndexDigits(ARITY, DEPTH);
    digits.index <== index;

    component computed = MerkleRoot(ARITY, DEPTH);
    computed.leaf <== leaf;
    computed.digitBits <== digits.bits;
    computed.siblings <== siblings;
    computed.root === root;
}
