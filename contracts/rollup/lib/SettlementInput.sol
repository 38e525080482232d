// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonT4} from "poseidon-solidity/PoseidonT4.sol";
import {PoseidonT6} from "poseidon-solidity/PoseidonT6.sol";

/// @notice The one public input of a reward settlement's proof (docs/protocol.md section 11.3).
/// A linked library, deployed once: inlined, its three Poseidon calls would take the rollup
/// past the 24,576-byte contract size limit.
library SettlementInput {
    /// @notice Poseidon(Poseidon(epoch, model, pre, post, epochEndRoot),
    /// Poseidon(scoresCommitment, proverAccount, treasuryAccount)).
    function fold(uint256[5] memory roots, uint256[3] memory binding) public pure returns (uint256) {
        return PoseidonT3.hash([PoseidonT6.hash(roots), PoseidonT4.hash(binding)]);
    }
}
