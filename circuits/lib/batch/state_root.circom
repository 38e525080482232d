pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// stateRoot = Poseidon(accountsRoot, Poseidon(contributionsRoot, modelsRoot, inferencesRoot,
// Poseidon(counters), paramsHash)) (docs/protocol.md section 6).
template StateRoot() {
    signal input accountsRoot;
    signal input contributionsRoot;
    signal input modelsRoot;
    signal input inferencesRoot;
    signal input counters[4];
    signal input paramsHash;
    signal output root;

    component countersHash = Poseidon(4);
    countersHash.inputs <== counters;
    component registries = Poseidon(5);
    registries.inputs <== [contributionsRoot, modelsRoot, inferencesRoot, countersHash.out, paramsHash];
    component top = Poseidon(2);
    top.inputs <== [accountsRoot, registries.out];
    root <== top.out;
}
