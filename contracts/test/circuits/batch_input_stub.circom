pragma circom 2.1.0;

// Stand-in for the batch circuit until it exists (docs/protocol.md section 8): a real Groth16
// circuit whose one public signal is the folded public input, so the rollup's proveBatch is
// tested with real proofs of the right shape. It proves nothing about the batch itself.
template BatchInputStub() {
    signal input publicInput;
    signal input blinding;
    // The product ties the public input into a constraint (snarkjs would bind it anyway).
    signal product;
    product <== publicInput * blinding;
}
