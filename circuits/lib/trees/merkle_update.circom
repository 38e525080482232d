pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "./index_digits.circom";
include "./node_children_pair.circom";

// Replacing `oldLeaf` by `newLeaf` at `index` turns `oldRoot` into `newRoot`: the same
// siblings open both, so the caller checks oldRoot against the state it holds. The two paths
// share each level's slot selection (NodeChildrenPair).
template MerkleUpdate(ARITY, DEPTH) {
    signal input index;
    signal input oldLeaf;
    signal input newLeaf;
    signal input siblings[DEPTH][ARITY - 1];
    signal output oldRoot;
    signal output newRoot;

    component digits = IndexDigits(ARITY, DEPTH);
    digits.index <== index;

    component children[DEPTH];
    component before[DEPTH];
    component after[DEPTH];
    signal oldNodes[DEPTH + 1];
    signal newNodes[DEPTH + 1];
    oldNodes[0] <== oldLeaf;
    newNodes[0] <== newLeaf;
    for (var level = 0; level < DEPTH; level++) {
        children[level] = NodeChildrenPair(ARITY);
        children[level].nodeA <== oldNodes[level];
        children[level].nodeB <== newNodes[level];
        children[level].digit <== digits.digits[level];
        children[level].siblings <== siblings[level];

        before[level] = Poseidon(ARITY);
        before[level].inputs <== children[level].childrenA;
        oldNodes[level + 1] <== before[level].out;
        after[level] = Poseidon(ARITY);
        after[level].inputs <== children[level].childrenB;
        newNodes[level + 1] <== after[level].out;
    }
    oldRoot <== oldNodes[DEPTH];
    newRoot <== newNodes[DEPTH];
}
