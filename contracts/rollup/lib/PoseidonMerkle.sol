// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonT5} from "poseidon-solidity/PoseidonT5.sol";

/// @notice Roots of the sparse Poseidon trees of docs/protocol.md section 3 from an
/// inclusion proof: the index's base-A digits, least significant first, pick the slot at
/// each level; siblings are given per level in slot order with the own slot left out.
library PoseidonMerkle {
    /// @dev Scalar field of BN254; every tree node is below it.
    uint256 internal constant FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    error BadProofLength(uint256 given, uint256 depth);
    error IndexOutOfRange(uint256 index);
    error NotAFieldElement(uint256 value);

    /// @dev Binary tree of Poseidon(2) nodes (the withdrawals tree).
    function binaryRoot(uint256 leaf, uint256 index, uint256[] calldata siblings, uint256 depth)
        internal
        pure
        returns (uint256 node)
    {
        if (siblings.length != depth) revert BadProofLength(siblings.length, depth);
        if (index >> depth != 0) revert IndexOutOfRange(index);
        node = leaf;
        for (uint256 level; level < depth; ++level) {
            uint256 s = checkField(siblings[level]);
            node = (index >> level) & 1 == 0 ? PoseidonT3.hash([node, s]) : PoseidonT3.hash([s, node]);
        }
    }

    /// @dev Arity-4 tree of Poseidon(4) nodes (the accounts tree).
    function quaternaryRoot(uint256 leaf, uint256 index, uint256[3][] calldata siblings, uint256 depth)
        internal
        pure
        returns (uint256 node)
    {
        if (siblings.length != depth) revert BadProofLength(siblings.length, depth);
        if (index >> (2 * depth) != 0) revert IndexOutOfRange(index);
        node = leaf;
        for (uint256 level; level < depth; ++level) {
            uint256[3] calldata s = siblings[level];
            uint256 a = checkField(s[0]);
            uint256 b = checkField(s[1]);
            uint256 c = checkField(s[2]);
            uint256 digit = (index >> (2 * level)) & 3;
            if (digit == 0) node = PoseidonT5.hash([node, a, b, c]);
            else if (digit == 1) node = PoseidonT5.hash([a, node, b, c]);
            else if (digit == 2) node = PoseidonT5.hash([a, b, node, c]);
            else node = PoseidonT5.hash([a, b, c, node]);
        }
    }

    /// @dev poseidon-solidity reduces its inputs mod the field, so an unreduced input would
    /// alias a reduced one: refuse it instead.
    function checkField(uint256 value) internal pure returns (uint256) {
        if (value >= FIELD) revert NotAFieldElement(value);
        return value;
    }
}
