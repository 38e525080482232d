// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonT9} from "./PoseidonT9.sol";

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

    /// @dev Arity-8 tree of Poseidon(8) nodes (the accounts tree).
    function octalRoot(uint256 leaf, uint256 index, uint256[7][] calldata siblings, uint256 depth)
        internal
        pure
        returns (uint256 node)
    {
        if (siblings.length != depth) revert BadProofLength(siblings.length, depth);
        if (index >> (3 * depth) != 0) revert IndexOutOfRange(index);
        node = leaf;
        uint256[8] memory children;
        for (uint256 level; level < depth; ++level) {
            uint256[7] calldata s = siblings[level];
            uint256 digit = (index >> (3 * level)) & 7;
            for (uint256 j; j < 8; ++j) {
                if (j < digit) children[j] = checkField(s[j]);
                else if (j == digit) children[j] = node;
                else children[j] = checkField(s[j - 1]);
            }
            node = PoseidonT9.hash(children);
        }
    }

    /// @dev poseidon-solidity reduces its inputs mod the field, so an unreduced input would
    /// alias a reduced one: refuse it instead.
    function checkField(uint256 value) internal pure returns (uint256) {
        if (value >= FIELD) revert NotAFieldElement(value);
        return value;
    }
}
