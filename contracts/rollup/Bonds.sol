// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {RollupStorage} from "./RollupStorage.sol";

/// @notice OPEN bonded by sequencer and prover operators, the prover reward pool, and slashing.
abstract contract Bonds is RollupStorage {
    using SafeERC20 for IERC20;

    /// @dev One slot, so proveBatch checks a prover with one read.
    struct Operator {
        uint128 bond;
        /// @dev 0 while bonded; otherwise when the bond may be withdrawn.
        uint64 unlockAt;
        /// @dev Set when the bond met the minimum prover bond; cleared on unbonding.
        bool prover;
    }

    /// @notice Delay between asking to unbond and withdrawing, so a misdeed can still be slashed.
    uint64 public immutable unbondDelay;

    mapping(address operator => Operator) public operators;
    /// @notice OPEN set aside for prover rewards.
    uint256 public rewardPool;
    /// @notice OPEN bonded by all operators: owed to them whatever happens to the rollup.
    uint256 public bondsTotal;

    event Bonded(address indexed operator, uint256 amount, bool prover);
    event UnbondRequested(address indexed operator, uint64 unlockAt);
    event BondWithdrawn(address indexed operator, uint256 amount);
    event BondSlashed(address indexed operator, uint256 amount, address to);
    event RewardPoolFunded(address indexed from, uint256 amount);
    event ProverRewardsPaid(address indexed prover, uint256 batches, uint256 amount);
    event ProverDemoted(address indexed operator, uint256 bond, uint256 minimum);

    error BondTooSmall(uint256 bond, uint256 minimum);
    error Unbonding();
    error BondLocked(uint64 unlockAt);
    error ActiveSequencer();
    error NothingToWithdraw();
    error NotRewardable(uint64 batchIndex);
    error RewardPoolEmpty(uint256 owed, uint256 available);
    error ProverBondSufficient(uint256 bond, uint256 minimum);

    constructor(uint64 unbondDelay_) {
        unbondDelay = unbondDelay_;
    }

    /// @notice Adds `amount` OPEN to the caller's bond; with `asProver` the total must reach
    /// the minimum prover bond, and the caller may then prove batches.
    function bond(uint128 amount, bool asProver) external whenNotFrozen {
        if (amount == 0) revert ZeroAmount();
        Operator storage op = operators[msg.sender];
        if (op.unlockAt != 0) revert Unbonding();
        token.safeTransferFrom(msg.sender, address(this), amount);
        op.bond += amount;
        bondsTotal += amount;
        if (asProver) {
            uint256 minimum = params.minProverBond();
            if (op.bond < minimum) revert BondTooSmall(op.bond, minimum);
            op.prover = true;
        }
        emit Bonded(msg.sender, amount, op.prover);
    }

    /// @notice Stops proving and starts the unbonding delay. The designated sequencer cannot
    /// unbond until governance names another, or the rollup is frozen: a freeze ends its duty,
    /// and a bond the freeze did not slash is the sequencer's to take back.
    function requestUnbond() external {
        Operator storage op = operators[msg.sender];
        if (op.bond == 0) revert NothingToWithdraw();
        if (op.unlockAt != 0) revert Unbonding();
        (address sequencer,,) = params.sequencerConfig();
        if (msg.sender == sequencer && !_head.frozen) revert ActiveSequencer();
        op.prover = false;
        op.unlockAt = uint64(block.timestamp) + unbondDelay;
        emit UnbondRequested(msg.sender, op.unlockAt);
    }

    /// @notice Withdraws the caller's whole bond once the unbonding delay has passed.
    function withdrawBond() external {
        Operator memory op = operators[msg.sender];
        if (op.unlockAt == 0 || op.bond == 0) revert NothingToWithdraw();
        if (block.timestamp < op.unlockAt) revert BondLocked(op.unlockAt);
        delete operators[msg.sender];
        bondsTotal -= op.bond;
        token.safeTransfer(msg.sender, op.bond);
        emit BondWithdrawn(msg.sender, op.bond);
    }

    /// @notice Clears the prover flag of an operator whose bond no longer meets the minimum
    /// prover bond (governance raised it): anyone may call it, a competing prover has reason
    /// to. proveBatch reads only the flag, to stay within its gas budget.
    function demoteProver(address operator) external {
        Operator storage op = operators[operator];
        uint256 minimum = params.minProverBond();
        if (!op.prover || op.bond >= minimum) revert ProverBondSufficient(op.bond, minimum);
        op.prover = false;
        emit ProverDemoted(operator, op.bond, minimum);
    }

    /// @notice Adds OPEN to the prover reward pool (the treasury funds it through governance).
    /// Not once frozen: no batch can be finalized any more.
    function fundRewardPool(uint256 amount) external whenNotFrozen {
        if (amount == 0) revert ZeroAmount();
        token.safeTransferFrom(msg.sender, address(this), amount);
        rewardPool += amount;
        emit RewardPoolFunded(msg.sender, amount);
    }

    /// @notice Pays the caller the prover reward of each listed final batch it proved, at the
    /// current reward per batch; each batch pays once, empty batches never. Payment for work
    /// done: a prover that has unbonded since is paid too. After a freeze, until the exit
    /// window closes (then the pool goes to the treasury).
    function claimProverRewards(uint64[] calldata batchIndices) external {
        _requireExitWindowOpen();
        uint256 expected = PROVEN | uint160(msg.sender);
        uint64 finalized = _syncFinality(SYNC_STEPS);
        for (uint256 i; i < batchIndices.length; ++i) {
            Batch storage b = _batches[batchIndices[i]];
            if (batchIndices[i] > finalized || b.proofSlot != expected) revert NotRewardable(batchIndices[i]);
            b.proofSlot = PROVEN | REWARD_PAID;
        }
        uint256 owed = batchIndices.length * params.proverRewardPerBatch();
        if (owed > rewardPool) revert RewardPoolEmpty(owed, rewardPool);
        rewardPool -= owed;
        token.safeTransfer(msg.sender, owed);
        emit ProverRewardsPaid(msg.sender, batchIndices.length, owed);
    }

    /// @notice Governance slashes up to `amount` of an operator's bond to the treasury.
    function slashBond(address operator, uint128 amount) external onlyGovernance {
        _slash(operator, amount);
    }

    function _slash(address operator, uint128 amount) internal {
        Operator storage op = operators[operator];
        uint128 taken = amount < op.bond ? amount : op.bond;
        op.bond -= taken;
        bondsTotal -= taken;
        if (op.bond < params.minProverBond()) op.prover = false;
        address treasury = params.treasury();
        if (taken > 0) token.safeTransfer(treasury, taken);
        emit BondSlashed(operator, taken, treasury);
    }

    /// @dev Whether `account` is the designated sequencer holding at least the minimum bond,
    /// not unbonding; and the proof timeout.
    function _bondedSequencer(address account) internal view returns (bool bonded, uint32 proveTimeout) {
        (address sequencer, uint96 minimum, uint32 timeout) = params.sequencerConfig();
        Operator memory op = operators[account];
        return (account == sequencer && op.unlockAt == 0 && op.bond >= minimum && op.bond > 0, timeout);
    }
}
