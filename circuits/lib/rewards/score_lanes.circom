pragma circom 2.1.0;

// An inference's scores are 0 outside the used lanes: all of them when the inference lane is
// unused (used = 0), and those of unused contribution lanes (lanes[j] = 0). A score there
// would credit no account (its lane's credit is skipped) or change nothing but the public
// input (docs/protocol.md section 11.3 fixes those scores to 0).
template ScoreLanes(C) {
    signal input used;
    signal input lanes[C];
    signal input scores[C];

    signal paid[C];
    for (var j = 0; j < C; j++) {
        paid[j] <== used * lanes[j];
        scores[j] * (1 - paid[j]) === 0;
    }
}
