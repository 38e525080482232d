// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice The one public input of a batch proof (docs/protocol.md section 8). A batch's
/// commitment is sha256 of eight 32-byte words (roots, queue hashes, the blob's versioned hash
/// and opening), top three bits cleared, so it is a BN254 field element and verification gas
/// does not grow with the batch. The proof's input binds that commitment to the address that
/// submits the proof, so a proof copied from the mempool is worthless to anyone else.
library PublicInput {
    uint256 internal constant MASK = type(uint256).max >> 3;

    /// @notice sha256(pre ‖ post ‖ H_start ‖ H_end ‖ withdrawalsRoot ‖ versionedHash ‖ z ‖ y).
    function fold(bytes32[8] memory words) internal pure returns (uint256) {
        return uint256(sha256(abi.encodePacked(words))) & MASK;
    }

    /// @notice sha256(commitment ‖ prover), 32 + 20 bytes, top three bits cleared: one sha256
    /// block in the circuit, a few hundred gas here.
    function bind(uint256 commitment, address prover) internal pure returns (uint256) {
        return uint256(sha256(abi.encodePacked(commitment, prover))) & MASK;
    }
}
