pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "../utils/log2_ceil.circom";
include "./proportional_share.circom";

// The data credits of one inference (docs/protocol.md section 11.2): contribution j gets
// floor(pool · s_j / S) with S the sum of the C scores, each below 2^64; the dust, pool minus
// the credits, goes to the treasury, and so does the whole pool when S = 0.
//
// The pool is divided once, pool = whole·D + part with 0 <= part < D, D = S (1 when S = 0),
// so that floor(pool · s_j / D) = whole·s_j + floor(part · s_j / D): each pair's quotient is
// below s_j, a 64-bit range check instead of the 96 a pool-sized quotient needs. When S = 0
// every score is 0 (each is range-checked, so no sum wraps) and the pairs' quotients are 0.
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
    signal divisor <== total + none.out;

    // Weight 1: whole < 2^96 as the pool is; part is whole.rem.
    component whole = ProportionalShare(96, BITS);
    whole.amount <== pool;
    whole.weight <== 1;
    whole.divisor <== divisor;

    component share[C];
    var credited = 0;
    for (var j = 0; j < C; j++) {
        share[j] = ProportionalShare(64, BITS);
        share[j].amount <== whole.rem;
        share[j].weight <== scores[j];
        share[j].divisor <== divisor;
        credits[j] <== whole.out * scores[j] + share[j].out;
        credited += credits[j];
    }
    dust <== pool - credited;
}
