// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice The one public input of a batch proof (docs/protocol.md section 8): sha256 of five
/// 32-byte big-endian words and the batch data, top three bits cleared, so it is a BN254 field
/// element and verification gas does not grow with the batch. One sha256 over words and data
/// (not a hash of the data hash) is what the batch circuit computes at the fewest blocks.
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
}
