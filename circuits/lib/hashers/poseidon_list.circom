pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// The twin of protocol/poseidon.ts `poseidonList`: a chain of circomlib Poseidon seeded with the
// list length N, each call absorbing the running hash and up to 15 fresh items (arity 1 + the
// chunk's size, the last chunk shorter, never padded). N = 0 is one Poseidon(1) of 0.
template PoseidonList(N) {
    signal input items[N];
    signal output out;

    var CHUNK = 15;
    var CALLS = N == 0 ? 1 : (N + CHUNK - 1) \ CHUNK;
    component h[CALLS];
    for (var c = 0; c < CALLS; c++) {
        var size = N - c * CHUNK < CHUNK ? N - c * CHUNK : CHUNK;
        h[c] = Poseidon(1 + size);
        h[c].inputs[0] <== c == 0 ? N : h[c - 1].out;
        for (var i = 0; i < size; i++) h[c].inputs[1 + i] <== items[c * CHUNK + i];
    }
    out <== h[CALLS - 1].out;
}
