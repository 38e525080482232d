// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice The one public input of a batch proof (docs/protocol.md section 8.1): the batch's
/// commitment (BatchCommitment) bound to the address that submits the proof, so a proof copied
/// from the mempool is worthless to anyone else.
library PublicInput {
    uint256 internal constant MASK = type(uint256).max >> 3;

    /// @notice sha256(commitment ‖ prover), 32 + 20 bytes, top three bits cleared: one sha256
    /// block in the circuit, a few hundred gas here, where a Poseidon (about 21k) or a second
    /// public input (about 6.2k) would take proveBatch past its 230k budget.
    function bind(uint256 commitment, address prover) internal pure returns (uint256) {
        return uint256(sha256(abi.encodePacked(commitment, prover))) & MASK;
    }
}
