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

    /// @dev Arity-8 tree of Poseidon(8) nodes (the accounts tree), hashed in one call to
    /// PoseidonT9 with its constants' data contracts `poseidonT9Data`.
    function octalRoot(
        uint256 leaf,
        uint256 index,
        uint256[7][] calldata siblings,
        uint256 depth,
        address[2] memory poseidonT9Data
    ) internal view returns (uint256) {
        if (siblings.length != depth) revert BadProofLength(siblings.length, depth);
        if (index >> (3 * depth) != 0) revert IndexOutOfRange(index);
        for (uint256 level; level < depth; ++level) {
            for (uint256 j; j < 7; ++j) {
                checkField(siblings[level][j]);
            }
        }
        return PoseidonT9.root(poseidonT9Data, leaf, index, siblings);
    }

    /// @dev poseidon-solidity reduces its inputs mod the field, so an unreduced input would
    /// alias a reduced one: refuse it instead.
    function checkField(uint256 value) internal pure returns (uint256) {
        if (value >= FIELD) revert NotAFieldElement(value);
        return value;
    }
}
