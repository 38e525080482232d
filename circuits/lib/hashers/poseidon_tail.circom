pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// circomlib's Poseidon(nInputs) (PoseidonEx in poseidon.circom, one output, initial state 0)
// from its first S-box layer on: sboxed[j] = (state[j] + C[j])^5 for the state
// [0, inputs[0], ..., inputs[nInputs-1]] and circomlib's round constants C. Two hashes whose
// inputs differ in one slot then share the other slots' first S-boxes (NodeHashPair). Built
// from circomlib's round templates and constants, in its order: the rest of the first half's
// full rounds (the last mixing with P), the partial rounds (MixS), the second half's full
// rounds, MixLast.
template PoseidonFromFirstSboxes(nInputs) {
    signal input sboxed[nInputs + 1];
    signal output out;

    var PARTIAL_ROUNDS[16] = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
    var t = nInputs + 1;
    var FULL = 8;
    var HALF = FULL \ 2;
    var NP = PARTIAL_ROUNDS[t - 2];
    var C[t * FULL + NP] = POSEIDON_C(t);
    var S[NP * (t * 2 - 1)] = POSEIDON_S(t);
    var M[t][t] = POSEIDON_M(t);
    var P[t][t] = POSEIDON_P(t);

    component ark[HALF];
    component mix[HALF];
    component sigma[HALF - 1][t];
    for (var r = 0; r < HALF; r++) {
        ark[r] = Ark(t, C, (r + 1) * t);
        for (var j = 0; j < t; j++) {
            if (r == 0) {
                ark[r].in[j] <== sboxed[j];
            } else {
                sigma[r - 1][j] = Sigma();
                sigma[r - 1][j].in <== mix[r - 1].out[j];
                ark[r].in[j] <== sigma[r - 1][j].out;
            }
        }
        if (r < HALF - 1) {
            mix[r] = Mix(t, M);
        } else {
            mix[r] = Mix(t, P);
        }
        mix[r].in <== ark[r].out;
    }

    component sigmaP[NP];
    component mixS[NP];
    for (var r = 0; r < NP; r++) {
        sigmaP[r] = Sigma();
        mixS[r] = MixS(t, S, r);
        if (r == 0) {
            sigmaP[r].in <== mix[HALF - 1].out[0];
        } else {
            sigmaP[r].in <== mixS[r - 1].out[0];
        }
        mixS[r].in[0] <== sigmaP[r].out + C[(HALF + 1) * t + r];
        for (var j = 1; j < t; j++) {
            if (r == 0) {
                mixS[r].in[j] <== mix[HALF - 1].out[j];
            } else {
                mixS[r].in[j] <== mixS[r - 1].out[j];
            }
        }
    }

    component sigmaL[HALF][t];
    component arkL[HALF - 1];
    component mixL[HALF - 1];
    for (var r = 0; r < HALF; r++) {
        for (var j = 0; j < t; j++) {
            sigmaL[r][j] = Sigma();
            if (r == 0) {
                sigmaL[r][j].in <== mixS[NP - 1].out[j];
            } else {
                sigmaL[r][j].in <== mixL[r - 1].out[j];
            }
        }
        if (r < HALF - 1) {
            arkL[r] = Ark(t, C, (HALF + 1) * t + NP + r * t);
            for (var j = 0; j < t; j++) arkL[r].in[j] <== sigmaL[r][j].out;
            mixL[r] = Mix(t, M);
            mixL[r].in <== arkL[r].out;
        }
    }
    component last = MixLast(t, M, 0);
    for (var j = 0; j < t; j++) last.in[j] <== sigmaL[HALF - 1][j].out;
    out <== last.out;
}

