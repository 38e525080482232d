pragma circom 2.1.0;

include "circomlib/circuits/comparators.circom";

// Lanes named by ids, 0 for an unused lane: used[i] = (ids[i] != 0), the used lanes form a
// prefix, and last[i] = 1 for the last used lane only (all 0 when none is used).
template LaneFlags(L) {
    signal input ids[L];
    signal output used[L];
    signal output last[L];

    component zero[L];
    for (var i = 0; i < L; i++) {
        zero[i] = IsZero();
        zero[i].in <== ids[i];
        used[i] <== 1 - zero[i].out;
        if (i > 0) used[i] * (1 - used[i - 1]) === 0;
    }
    for (var i = 0; i < L; i++) last[i] <== i < L - 1 ? used[i] - used[i + 1] : used[i];
}
