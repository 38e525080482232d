// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice The one public input of a batch proof (docs/protocol.md section 8): sha256 of six
/// 32-byte big-endian words with the top three bits cleared, so it is a BN254 field element
/// and verification gas does not grow with the batch.
library PublicInput {
    uint256 internal constant MASK = type(uint256).max >> 3;

    function fold(
        bytes32 preStateRoot,
        bytes32 postStateRoot,
        bytes32 batchDataHash,
        uint256 queueHashStart,
        uint256 queueHashEnd,
        bytes32 withdrawalsRoot
    ) internal pure returns (uint256) {
        bytes32 digest = sha256(
            abi.encodePacked(
                preStateRoot, postStateRoot, batchDataHash, queueHashStart, queueHashEnd, withdrawalsRoot
            )
        );
        return uint256(digest) & MASK;
    }
}
