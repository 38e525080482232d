pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";

// One training row's payable score for one inference (docs/attribution.md §6), factored per
// row: s = <testR, rowR> · <testX, rowX> (scale 2^64), a = floor(s / 2^32) and out =
// active · max(0, a). One 85-bit decomposition of s + 2^84 pins all three: bits 0..31 are the
// dropped remainder, bits 32..84 are a + 2^52 (so a ∈ [−2^52, 2^52), else no witness) and bit
// 84 is 1 exactly when a ≥ 0, in which case a is bits 32..83. An inactive slot (padding) pays 0.
template RowScore(K, E) {
    signal input active;
    signal input testR[K];
    signal input testX[E];
    signal input rowR[K];
    signal input rowX[E];
    signal output out;

    signal rTerm[K];
    signal xTerm[E];
    var rDot = 0;
    var xDot = 0;
    for (var a = 0; a < K; a++) {
        rTerm[a] <== testR[a] * rowR[a];
        rDot += rTerm[a];
    }
    for (var j = 0; j < E; j++) {
        xTerm[j] <== testX[j] * rowX[j];
        xDot += xTerm[j];
    }
    signal s <== rDot * xDot;

    component bits = Num2Bits(85);
    bits.in <== s + (1 << 84);
    var low = 0;
    for (var k = 32; k < 84; k++) low += bits.out[k] * (1 << (k - 32));
    signal paying <== active * bits.out[84];
    out <== paying * low;
}
