pragma circom 2.1.0;

include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";

// Pairs the slots' withdrawals, in order, with the NWD recipients batch data posts: the k-th
// withdrawal of the batch is leaf k of its withdrawals tree (protocol/state/batch.ts), leaf
// Poseidon(recipient, amount), and recipients past the last withdrawal are 0. Fails when the
// slots emit more than NWD withdrawals.
template WithdrawalsMatch(NTX, NWD) {
    signal input flags[NTX];
    signal input amounts[NTX];
    // The recipient each slot names (0 for a slot without withdrawal).
    signal input slotRecipients[NTX];
    signal input recipients[NWD];
    signal output leaves[NWD];

    component isK[NTX][NWD];
    signal sel[NTX][NWD];
    signal pickedRecipient[NTX][NWD];
    signal pickedAmount[NWD][NTX + 1];
    signal used[NWD][NTX + 1];
    for (var k = 0; k < NWD; k++) {
        pickedAmount[k][0] <== 0;
        used[k][0] <== 0;
    }
    var before = 0;
    for (var i = 0; i < NTX; i++) {
        var picked = 0;
        var count = 0;
        for (var k = 0; k < NWD; k++) {
            isK[i][k] = IsEqual();
            isK[i][k].in[0] <== before;
            isK[i][k].in[1] <== k;
            sel[i][k] <== flags[i] * isK[i][k].out;
            pickedRecipient[i][k] <== sel[i][k] * recipients[k];
            picked += pickedRecipient[i][k];
            count += sel[i][k];
            pickedAmount[k][i + 1] <== pickedAmount[k][i] + sel[i][k] * amounts[i];
            used[k][i + 1] <== used[k][i] + sel[i][k];
        }
        count === flags[i];
        picked === slotRecipients[i];
        before += flags[i];
    }

    component leaf[NWD];
    for (var k = 0; k < NWD; k++) {
        (1 - used[k][NTX]) * recipients[k] === 0;
        leaf[k] = Poseidon(2);
        leaf[k].inputs <== [recipients[k], pickedAmount[k][NTX]];
        leaves[k] <== used[k][NTX] * leaf[k].out;
    }
}
