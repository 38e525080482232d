pragma circom 2.1.0;

// out[i] = 1 iff the number whose bits (least significant first) are `bits` equals i. The
// bits must be checked boolean by the caller (they come from Num2Bits). Built a bit at a
// time: each step splits every entry e into e·(1 - b) and e·b, and the entries sum to 1, so
// the last product follows from the others: 2^BITS - BITS - 1 constraints (4 for 8 slots).
template OneHotBits(BITS) {
    signal input bits[BITS];
    signal output out[1 << BITS];

    var N = 1 << BITS;
    signal prefix[BITS + 1][N];
    signal product[BITS][N];
    prefix[0][0] <== 1;
    for (var k = 0; k < BITS; k++) {
        var width = 1 << k;
        var taken = 0;
        for (var i = 0; i < width - 1; i++) {
            product[k][i] <== prefix[k][i] * bits[k];
            taken += product[k][i];
        }
        // The entries of prefix[k] sum to 1: the last one's product is bits[k] minus the others.
        product[k][width - 1] <== bits[k] - taken;
        for (var i = 0; i < width; i++) {
            prefix[k + 1][i] <== prefix[k][i] - product[k][i];
            prefix[k + 1][i + width] <== product[k][i];
        }
    }
    out <== prefix[BITS];
}
