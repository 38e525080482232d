pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "../utils/log2_ceil.circom";
include "./proportional_share.circom";

// The data credits of one inference (docs/protocol.md section 11.2): contribution j gets
// pool · s_j / S with S the sum of the C scores, each below 2^64; the dust, pool minus the
// credits, goes to the treasury, and so does the whole pool when S = 0.
template DataCredits(C) {
    var BITS = 64 + log2Ceil(C);
    signal input pool;
    signal input scores[C];
    signal output credits[C];
    signal output dust;

    component scoreBits[C];
    var total = 0;
    for (var j = 0; j < C; j++) {
        scoreBits[j] = Num2Bits(64);
        scoreBits[j].in <== scores[j];
        total += scores[j];
    }
    component none = IsZero();
    none.in <== total;

    component share[C];
    var credited = 0;
    for (var j = 0; j < C; j++) {
        share[j] = ProportionalShare(BITS);
        share[j].amount <== pool;
        share[j].weight <== scores[j];
        share[j].total <== total;
        share[j].totalIsZero <== none.out;
        credits[j] <== share[j].out;
        credited += credits[j];
    }
    dust <== pool - credited;
}
