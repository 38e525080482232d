// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice The Groth16 verifier snarkjs exports for a circuit with one public signal: every
/// rollup circuit folds its public inputs into one hash so verification gas stays flat.
interface IBatchVerifier {
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[1] calldata pubSignals
    ) external view returns (bool);
}
