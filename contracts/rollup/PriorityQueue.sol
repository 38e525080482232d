// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {PoseidonT6} from "poseidon-solidity/PoseidonT6.sol";
import {IGovernanceOrders} from "./interfaces/IGovernanceOrders.sol";
import {BabyJubJub} from "./lib/BabyJubJub.sol";
import {PoseidonMerkle} from "./lib/PoseidonMerkle.sol";
import {RollupStorage} from "./RollupStorage.sol";

/// @notice The queue of L1 operations L2 must process in order (docs/protocol.md section 8):
/// H_0 = 0, H_{i+1} = Poseidon(H_i, kind + account·2^8 + amount·2^40, w1, w2, w3). A batch
/// consumes a prefix; an operation left unprocessed past its deadline lets anyone freeze.
/// Deadlines are spaced at least queueInterval apart (the sequencer's capacity), so no burst of
/// operations can outrun an honest sequencer; deposits and forced withdrawals pay queueFee to
/// the treasury, so a burst that delays everyone's deadlines costs its sender (docs/contracts.md).
abstract contract PriorityQueue is RollupStorage, IGovernanceOrders {
    using SafeERC20 for IERC20;

    uint8 internal constant KIND_DEPOSIT = 1;
    uint8 internal constant KIND_FORCED_WITHDRAWAL = 2;
    uint8 internal constant KIND_SET_PARAM = 3;
    uint8 internal constant KIND_SLASH = 4;

    /// @dev _rollingHashes[i] = H_{i+1}.
    uint256[] internal _rollingHashes;
    /// @dev Non-decreasing, so the oldest pending operation is the first to expire.
    uint64[] internal _deadlines;

    event OperationQueued(
        uint64 indexed index,
        uint8 indexed kind,
        uint32 account,
        uint96 amount,
        uint256 w1,
        uint256 w2,
        uint256 w3,
        uint256 rollingHash,
        uint64 deadline
    );

    error NotParamsRegistry();
    error UnknownOrderKind(uint8 kind);
    error NoAccount();
    /// @dev (x, y) is not a BabyJubJub point, or one of small order (docs/protocol.md section 8).
    error InvalidAccountKey(uint256 x, uint256 y);

    /// @notice Locks `amount` OPEN and queues its credit to L2 account `to`; if `to` holds no
    /// account, L2 opens one for public key (pubX, pubY) with l1Address = msg.sender. The key
    /// must be a BabyJubJub point not of small order, even when `to` names an account: every
    /// queued operation must be one L2 can carry and the circuit can replay.
    /// @dev Needs an allowance (or a permit) for `amount` on the OPEN token.
    function deposit(uint32 to, uint256 pubX, uint256 pubY, uint96 amount) external whenNotFrozen {
        if (amount == 0) revert ZeroAmount();
        PoseidonMerkle.checkField(pubX);
        PoseidonMerkle.checkField(pubY);
        if (!BabyJubJub.isAccountKey(pubX, pubY)) revert InvalidAccountKey(pubX, pubY);
        (uint32 deadline, uint32 interval, uint96 fee, address treasury) = params.queueConfig();
        if (fee > 0) token.safeTransferFrom(msg.sender, treasury, fee);
        token.safeTransferFrom(msg.sender, address(this), amount);
        _enqueue(KIND_DEPOSIT, to, amount, uint160(msg.sender), pubX, pubY, deadline, interval);
    }

    /// @notice Forces L2 to withdraw min(amount, balance) of `account` to msg.sender, which
    /// L2 honours only if msg.sender is the account's l1Address (censorship resistance).
    /// @dev Pays queueFee (an OPEN allowance) to the treasury, as a deposit does.
    function forceWithdrawal(uint32 account, uint96 amount) external whenNotFrozen {
        if (account == 0) revert NoAccount();
        if (amount == 0) revert ZeroAmount();
        (uint32 deadline, uint32 interval, uint96 fee, address treasury) = params.queueConfig();
        if (fee > 0) token.safeTransferFrom(msg.sender, treasury, fee);
        _enqueue(KIND_FORCED_WITHDRAWAL, account, amount, uint160(msg.sender), 0, 0, deadline, interval);
    }

    /// @notice Queues a governance order (3: set parameter `account` to `word`; 4: slash
    /// `amount` of the stake of `account`). Only the parameters registry calls this.
    function enqueueGovernanceOrder(uint8 kind, uint32 account, uint96 amount, uint256 word)
        external
        whenNotFrozen
    {
        if (msg.sender != address(params)) revert NotParamsRegistry();
        if (kind != KIND_SET_PARAM && kind != KIND_SLASH) revert UnknownOrderKind(kind);
        PoseidonMerkle.checkField(word);
        (uint32 deadline, uint32 interval,,) = params.queueConfig();
        _enqueue(kind, account, amount, word, 0, 0, deadline, interval);
    }

    /// @notice OPEN a deposit or forced withdrawal pays the treasury, beyond a deposit's amount.
    function queueFee() external view returns (uint96 fee) {
        (,, fee,) = params.queueConfig();
    }

    /// @notice Number of operations ever queued.
    function queueLength() external view returns (uint256) {
        return _rollingHashes.length;
    }

    /// @notice H_n, the rolling hash after the first n operations.
    function queueHashAt(uint256 n) public view returns (uint256) {
        return n == 0 ? 0 : _rollingHashes[n - 1];
    }

    /// @notice The time after which operation `index` may no longer be pending.
    function deadlineOf(uint256 index) public view returns (uint64) {
        return _deadlines[index];
    }

    /// @dev deadline_n = max(now + queueDeadline, deadline_{n-1} + queueInterval).
    function _enqueue(
        uint8 kind,
        uint32 account,
        uint96 amount,
        uint256 w1,
        uint256 w2,
        uint256 w3,
        uint32 queueDeadline,
        uint32 queueInterval
    ) private {
        uint256 n = _rollingHashes.length;
        uint256 header = uint256(kind) | (uint256(account) << 8) | (uint256(amount) << 40);
        uint256 h = PoseidonT6.hash([queueHashAt(n), header, w1, w2, w3]);
        uint64 deadline = uint64(block.timestamp) + queueDeadline;
        if (n > 0) {
            uint64 spaced = _deadlines[n - 1] + queueInterval;
            if (spaced > deadline) deadline = spaced;
        }
        _rollingHashes.push(h);
        _deadlines.push(deadline);
        emit OperationQueued(uint64(n), kind, account, amount, w1, w2, w3, h, deadline);
    }

    /// @dev Recomputes H_{index+1} from H_index and a deposit's fields (for refunds after a freeze).
    function _isQueuedDeposit(uint256 index, uint32 to, address sender, uint256 pubX, uint256 pubY, uint96 amount)
        internal
        view
        returns (bool)
    {
        if (index >= _rollingHashes.length) return false;
        uint256 header = uint256(KIND_DEPOSIT) | (uint256(to) << 8) | (uint256(amount) << 40);
        return PoseidonT6.hash([queueHashAt(index), header, uint160(sender), pubX, pubY]) == _rollingHashes[index];
    }
}
