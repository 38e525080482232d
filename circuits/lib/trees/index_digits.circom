pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "../utils/log2.circom";

// The base-ARITY digits of `index`, least significant first, each as its log2(ARITY) bits
// (least significant first): the child slot taken at each level from the leaves
// (docs/protocol.md section 3). Fails when index >= ARITY^DEPTH.
template IndexDigits(ARITY, DEPTH) {
    var BITS = log2Exact(ARITY);
    signal input index;
    signal output bits[DEPTH][BITS];

    component split = Num2Bits(BITS * DEPTH);
    split.in <== index;
    for (var k = 0; k < DEPTH; k++) {
        for (var t = 0; t < BITS; t++) bits[k][t] <== split.out[k * BITS + t];
    }
}
