pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "../trees/index_digits.circom";
include "../trees/merkle_root.circom";

// When active, the registry leaf Poseidon(fields) sits at `index` under `root`; when not, the
// lane's inputs are free (the caller gives zeros) and nothing is checked.
template LeafOpening(FIELDS, ARITY, DEPTH) {
    signal input root;
    signal input active;
    signal input index;
    signal input fields[FIELDS];
    signal input siblings[DEPTH][ARITY - 1];

    component leaf = Poseidon(FIELDS);
    leaf.inputs <== fields;
    component digits = IndexDigits(ARITY, DEPTH);
    digits.index <== index;
    component computed = MerkleRoot(ARITY, DEPTH);
    computed.leaf <== leaf.out;
    computed.digitBits <== digits.bits;
    computed.siblings <== siblings;
    active * (computed.root - root) === 0;
}
