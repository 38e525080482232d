pragma circom 2.1.0;

include "circomlib/circuits/comparators.circom";

// Pairs the registry slots, in order, with the account slots that hold registry transactions:
// used registry slots come first, each names its account slot (`slotIndex`, strictly
// increasing), that slot holds a registry transaction with the same txHash, and there are as
// many used registry slots as such account slots. So each registry transaction's registry
// side runs exactly once, in execution order. A curate's account slot and registry slot also
// agree on its link (the owner credited and the refund). Fails when the batch holds more
// registry transactions than NREG.
template RegistryMatch(NTX, NREG) {
    signal input accountFlags[NTX];
    signal input accountHashes[NTX];
    signal input used[NREG];
    signal input slotIndex[NREG];
    signal input registryHashes[NREG];
    signal input accountLinks[NTX];
    signal input registryLinks[NREG];

    component isI[NREG][NTX];
    signal sel[NREG][NTX];
    signal pickedHash[NREG][NTX];
    signal pickedFlag[NREG][NTX];
    signal pickedLink[NREG][NTX];
    component increasing[NREG];
    var usedTotal = 0;
    for (var j = 0; j < NREG; j++) {
        if (j > 0) {
            used[j] * (1 - used[j - 1]) === 0;
            increasing[j] = LessThan(32);
            increasing[j].in[0] <== slotIndex[j - 1];
            increasing[j].in[1] <== slotIndex[j];
            used[j] * (1 - increasing[j].out) === 0;
        }
        var count = 0;
        var hash = 0;
        var flag = 0;
        var link = 0;
        for (var i = 0; i < NTX; i++) {
            isI[j][i] = IsEqual();
            isI[j][i].in[0] <== slotIndex[j];
            isI[j][i].in[1] <== i;
            sel[j][i] <== used[j] * isI[j][i].out;
            pickedHash[j][i] <== sel[j][i] * accountHashes[i];
            pickedFlag[j][i] <== sel[j][i] * accountFlags[i];
            pickedLink[j][i] <== sel[j][i] * accountLinks[i];
            count += sel[j][i];
            hash += pickedHash[j][i];
            flag += pickedFlag[j][i];
            link += pickedLink[j][i];
        }
        link === registryLinks[j];
        count === used[j];
        flag === used[j];
        hash === used[j] * registryHashes[j];
        usedTotal += used[j];
    }
    var flagTotal = 0;
    for (var i = 0; i < NTX; i++) flagTotal += accountFlags[i];
    usedTotal === flagTotal;
}
