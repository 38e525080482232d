pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "../utils/log2.circom";

// The base-ARITY digits of `index`, least significant first: the child slot taken at each
// level from the leaves (docs/protocol.md section 3). Fails when index >= ARITY^DEPTH.
template IndexDigits(ARITY, DEPTH) {
    var BITS = log2Exact(ARITY);
    signal input index;
    signal output digits[DEPTH];

    component bits = Num2Bits(BITS * DEPTH);
    bits.in <== index;
    for (var k = 0; k < DEPTH; k++) {
        var d = 0;
        for (var t = 0; t < BITS; t++) {
            d += bits.out[k * BITS + t] * (1 << t);
        }
        digits[k] <== d;
    }
}
