pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// Opens the state's paramsHash: PoseidonList of the nine governance parameters
// (docs/protocol.md section 6), one chunk: Poseidon(9, p0..p8).
template GovernanceParams() {
    signal input params[9];
    signal output hash;

    component h = Poseidon(10);
    h.inputs[0] <== 9;
    for (var i = 0; i < 9; i++) h.inputs[i + 1] <== params[i];
    hash <== h.out;
}
