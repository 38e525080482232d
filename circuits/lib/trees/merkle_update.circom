pragma circom 2.1.0;

include "./index_digits.circom";
include "./node_hash_pair.circom";

// Replacing `oldLeaf` by `newLeaf` at `index` turns `oldRoot` into `newRoot`: the same
// siblings open both, so the caller checks oldRoot against the state it holds. The two paths
// share each level's slot selection and first S-boxes (NodeHashPair).
template MerkleUpdate(ARITY, DEPTH) {
    signal input index;
    signal input oldLeaf;
    signal input newLeaf;
    signal input siblings[DEPTH][ARITY - 1];
    signal output oldRoot;
    signal output newRoot;

    component digits = IndexDigits(ARITY, DEPTH);
    digits.index <== index;

    component level[DEPTH];
    signal oldNodes[DEPTH + 1];
    signal newNodes[DEPTH + 1];
    oldNodes[0] <== oldLeaf;
    newNodes[0] <== newLeaf;
    for (var k = 0; k < DEPTH; k++) {
        level[k] = NodeHashPair(ARITY);
        level[k].nodeA <== oldNodes[k];
        level[k].nodeB <== newNodes[k];
        level[k].digitBits <== digits.bits[k];
        level[k].siblings <== siblings[k];
        oldNodes[k + 1] <== level[k].parentA;
        newNodes[k + 1] <== level[k].parentB;
    }
    oldRoot <== oldNodes[DEPTH];
    newRoot <== newNodes[DEPTH];
}
