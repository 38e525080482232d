pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// stateRoot = Poseidon(accountsRoot, Poseidon(contributionsRoot, modelsRoot, inferencesRoot,
// Poseidon(counters), paramsHash, datanetsRoot)) (docs/protocol.md section 6).
template StateRoot() {
    signal input accountsRoot;
    signal input contributionsRoot;
    signal input modelsRoot;
    signal input inferencesRoot;
    signal input datanetsRoot;
    signal input counters[5];
    signal input paramsHash;
    signal output root;

    component countersHash = Poseidon(5);
    countersHash.inputs <== counters;
    component registries = Poseidon(6);
    registries.inputs <== [contributionsRoot, modelsRoot, inferencesRoot, countersHash.out, paramsHash, datanetsRoot];
    component top = Poseidon(2);
    top.inputs <== [accountsRoot, registries.out];
    root <== top.out;
}
