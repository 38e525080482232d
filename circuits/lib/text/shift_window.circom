pragma circom 2.1.0;

// out[i] = in[offset + i] for i < OUT, where offset < 2^BITS is given by its bits (least
// significant first, checked boolean by the caller). A barrel shifter: one layer per bit, each
// output one product `x + bit·(y - x)`. The largest shift goes first, so each later layer
// only keeps the outputs the smaller shifts can still reach: OUT + 2^k - 1 after bit k, 75
// products for 16 of 31 rather than the 256 of one selector per (offset, i).
template ShiftWindow(OUT, BITS) {
    var IN = OUT + (1 << BITS) - 1;
    signal input in[IN];
    signal input bits[BITS];
    signal output out[OUT];

    signal stage[BITS + 1][IN];
    for (var t = 0; t < IN; t++) stage[BITS][t] <== in[t];
    for (var k = BITS - 1; k >= 0; k--) {
        var size = OUT + (1 << k) - 1;
        for (var t = 0; t < size; t++) {
            stage[k][t] <== stage[k + 1][t] + bits[k] * (stage[k + 1][t + (1 << k)] - stage[k + 1][t]);
        }
    }
    for (var i = 0; i < OUT; i++) out[i] <== stage[0][i];
}
