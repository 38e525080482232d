// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonMerkle} from "./lib/PoseidonMerkle.sol";
import {RollupStorage} from "./RollupStorage.sol";

/// @notice Withdrawals to L1: each leaf Poseidon(recipient, amount) of a finalized batch's
/// withdrawals tree (binary, depth withdrawalsDepth) is paid once, to its recipient.
abstract contract Withdrawals is RollupStorage {
    using SafeERC20 for IERC20;

    uint256 public immutable withdrawalsDepth;

    /// @dev Bit (leafIndex % 256) of word (batchIndex << 32 | leafIndex >> 8).
    mapping(uint256 word => uint256 bits) private _claimed;

    event WithdrawalClaimed(uint64 indexed batchIndex, uint32 indexed leafIndex, address recipient, uint96 amount);

    error NotFinalized(uint64 batchIndex);
    error AlreadyClaimed(uint64 batchIndex, uint32 leafIndex);
    error InvalidMerkleProof();

    constructor(uint256 withdrawalsDepth_) {
        withdrawalsDepth = withdrawalsDepth_;
    }

    /// @notice Pays withdrawal `leafIndex` of finalized batch `batchIndex` to `recipient`;
    /// `roots` are the batch's (from its BatchCommitted event).
    /// @dev Anyone may submit it (relayers do); the OPEN always goes to the leaf's recipient.
    /// After a freeze, until the exit window closes.
    function claimWithdrawal(
        uint64 batchIndex,
        BatchRoots calldata roots,
        uint32 leafIndex,
        address recipient,
        uint96 amount,
        uint256[] calldata siblings
    ) external {
        _requireExitWindowOpen();
        if (batchIndex == 0 || batchIndex > _syncFinality(SYNC_STEPS)) revert NotFinalized(batchIndex);
        if (isClaimed(batchIndex, leafIndex)) revert AlreadyClaimed(batchIndex, leafIndex);
        if (amount == 0) revert ZeroAmount();
        _checkRoots(batchIndex, roots);
        uint256 leaf = PoseidonT3.hash([uint256(uint160(recipient)), uint256(amount)]);
        uint256 root = PoseidonMerkle.binaryRoot(leaf, leafIndex, siblings, withdrawalsDepth);
        if (bytes32(root) != roots.withdrawalsRoot) revert InvalidMerkleProof();
        _claimed[_word(batchIndex, leafIndex)] |= 1 << (leafIndex & 0xff);
        token.safeTransfer(recipient, amount);
        emit WithdrawalClaimed(batchIndex, leafIndex, recipient, amount);
    }

    /// @notice Whether withdrawal `leafIndex` of batch `batchIndex` has been paid.
    function isClaimed(uint64 batchIndex, uint32 leafIndex) public view returns (bool) {
        return (_claimed[_word(batchIndex, leafIndex)] >> (leafIndex & 0xff)) & 1 == 1;
    }

    function _word(uint64 batchIndex, uint32 leafIndex) private pure returns (uint256) {
        return (uint256(batchIndex) << 32) | (leafIndex >> 8);
    }
}
