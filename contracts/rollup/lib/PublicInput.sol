// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice The one public input of a batch proof (docs/protocol.md section 8). A batch's
/// commitment is sha256 of five 32-byte big-endian words and the batch data, top three bits
/// cleared, so it is a BN254 field element and verification gas does not grow with the batch.
/// One sha256 over words and data (not a hash of the data hash) is what the batch circuit
/// computes at the fewest blocks. The proof's input binds that commitment to the address that
/// submits the proof, so a proof copied from the mempool is worthless to anyone else.
library PublicInput {
    uint256 internal constant MASK = type(uint256).max >> 3;

    function fold(
        bytes32 preStateRoot,
        bytes32 postStateRoot,
        uint256 queueHashStart,
        uint256 queueHashEnd,
        bytes32 withdrawalsRoot,
        bytes calldata batchData
    ) internal pure returns (uint256) {
        bytes32 digest = sha256(
            abi.encodePacked(preStateRoot, postStateRoot, queueHashStart, queueHashEnd, withdrawalsRoot, batchData)
        );
        return uint256(digest) & MASK;
    }

    /// @notice sha256(commitment ‖ prover), 32 + 20 bytes, top three bits cleared: one sha256
    /// block in the circuit, a few hundred gas here.
    function bind(uint256 commitment, address prover) internal pure returns (uint256) {
        return uint256(sha256(abi.encodePacked(commitment, prover))) & MASK;
    }
}
