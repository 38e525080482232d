pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "../utils/one_hot.circom";

// A piece's length L in 0..16 (docs/protocol.md §12.4): mask[i] = 1 iff i < L, and active = 1
// iff L > 0. L is one-hot over 32 values with its first 17 summing to 1, which is the range
// check L <= 16; the mask is then a sum of one-hot entries, free of constraints.
template SpanLength() {
    signal input length;
    signal output mask[16];
    signal output active;

    component bits = Num2Bits(5);
    bits.in <== length;
    component oneHot = OneHotBits(5);
    oneHot.bits <== bits.out;
    var inRange = 0;
    for (var l = 0; l <= 16; l++) inRange += oneHot.out[l];
    inRange === 1;

    for (var i = 0; i < 16; i++) {
        var above = 0;
        for (var l = i + 1; l <= 16; l++) above += oneHot.out[l];
        mask[i] <== above;
    }
    active <== 1 - oneHot.out[0];
}
