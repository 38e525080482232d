pragma circom 2.1.0;

include "./index_digits.circom";
include "./merkle_root.circom";

// Replacing `oldLeaf` by `newLeaf` at `index` turns `oldRoot` into `newRoot`: the same
// siblings open both, so the caller checks oldRoot against the state it holds.
template MerkleUpdate(ARITY, DEPTH) {
    signal input index;
    signal input oldLeaf;
    signal input newLeaf;
    signal input siblings[DEPTH][ARITY - 1];
    signal output oldRoot;
    signal output newRoot;

    component digits = IndexDigits(ARITY, DEPTH);
    digits.index <== index;

    component before = MerkleRoot(ARITY, DEPTH);
    before.leaf <== oldLeaf;
    before.digits <== digits.digits;
    before.siblings <== siblings;
    oldRoot <== before.root;

    component after = MerkleRoot(ARITY, DEPTH);
    after.leaf <== newLeaf;
    after.digits <== digits.digits;
    after.siblings <== siblings;
    newRoot <== after.root;
}
