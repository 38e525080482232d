// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonT6} from "poseidon-solidity/PoseidonT6.sol";

/// @notice A batch's commitment (docs/protocol.md section 8.1): its roots, queue hashes and blob
/// opening folded with Poseidon, which the batch circuit hashes for about a thousand constraints
/// where sha256 took five blocks (about 150k). A linked library, deployed once: inlined, its
/// three Poseidon calls would take the rollup past the 24,576-byte contract size limit.
library BatchCommitment {
    /// @dev Top three bits cleared: the proof slot keeps its flags there (RollupStorage).
    uint256 internal constant MASK = type(uint256).max >> 3;

    /// @notice Poseidon(Poseidon(pre, post, H_start, H_end, withdrawalsRoot),
    /// Poseidon(vh_hi, vh_lo, z, y_hi, y_lo)), top three bits cleared. The versioned hash (256
    /// bits) and y (below BLS12-381's r) exceed BN254's p, so they enter as 128-bit halves;
    /// every other word is below p (the caller checks the roots and z).
    function fold(bytes32[5] memory claimed, bytes32 versionedHash, uint256 z, uint256 y)
        public
        pure
        returns (uint256)
    {
        uint256 vh = uint256(versionedHash);
        uint256 claimedHash = PoseidonT6.hash(
            [uint256(claimed[0]), uint256(claimed[1]), uint256(claimed[2]), uint256(claimed[3]), uint256(claimed[4])]
        );
        uint256 openingHash = PoseidonT6.hash([vh >> 128, uint128(vh), z, y >> 128, uint128(y)]);
        return PoseidonT3.hash([claimedHash, openingHash]) & MASK;
    }
}
