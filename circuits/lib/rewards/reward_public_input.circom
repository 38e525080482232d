pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "../hashers/poseidon_list.circom";

// The settlement's one public signal (docs/protocol.md section 11.3):
//   scoresHash_i     = PoseidonList(scores[i])
//   scoresCommitment = PoseidonList([ids[0], scoresHash_0, ..., ids[N-1], scoresHash_(N-1)])
//   out = Poseidon(Poseidon(epoch, model, preRoot, postRoot, endRoot),
//                  Poseidon(scoresCommitment, proverAccount, treasuryAccount))
// No L1 address: a settlement's proof is not bound to whoever submits it.
template RewardPublicInput(N, C) {
    signal input epoch;
    signal input model;
    signal input preRoot;
    signal input postRoot;
    signal input endRoot;
    signal input ids[N];
    signal input scores[N][C];
    signal input proverAccount;
    signal input treasuryAccount;
    signal output out;

    component scoresHash[N];
    component commitment = PoseidonList(2 * N);
    for (var i = 0; i < N; i++) {
        scoresHash[i] = PoseidonList(C);
        scoresHash[i].items <== scores[i];
        commitment.items[2 * i] <== ids[i];
        commitment.items[2 * i + 1] <== scoresHash[i].out;
    }
    component roots = Poseidon(5);
    roots.inputs <== [epoch, model, preRoot, postRoot, endRoot];
    component parties = Poseidon(3);
    parties.inputs <== [commitment.out, proverAccount, treasuryAccount];
    component top = Poseidon(2);
    top.inputs <== [roots.out, parties.out];
    out <== top.out;
}
