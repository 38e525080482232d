pragma circom 2.1.0;

// An inference's scores are 0 outside the used lanes: all of them when the inference lane is
// unused (used = 0), and those of unused contribution lanes (lanes[j] = 0). A score there
// would credit no account (its lane's credit is skipped) or change nothing but the public
// input (docs/protocol.md section 11.3 fixes those scores to 0). The unused inference lane is
// checked on the scores' sum, one product instead of one per score: DataCredits range-checks
// every score below 2^64, so the sum of C of them cannot wrap and is 0 only if each is.
template ScoreLanes(C) {
    signal input used;
    signal input lanes[C];
    signal input scores[C];

    var total = 0;
    for (var j = 0; j < C; j++) {
        scores[j] * (1 - lanes[j]) === 0;
        total += scores[j];
    }
    total * (1 - used) === 0;
}
