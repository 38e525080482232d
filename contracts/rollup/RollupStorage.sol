// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IRollupParams} from "./interfaces/IRollupParams.sol";

/// @notice State shared by the rollup's modules: the chain of batches and its head.
abstract contract RollupStorage {
    /// @dev A batch's proof slot holds its public input (top three bits clear) until it is
    /// proven, then PROVEN | prover address, then PROVEN | REWARD_PAID once the prover is paid.
    /// One slot read and rewritten keeps proveBatch within its gas budget.
    uint256 internal constant PROVEN = 1 << 255;
    uint256 internal constant REWARD_PAID = 1 << 254;

    /// @notice Progress of the chain, packed in one slot: a commit reads and updates all of it.
    struct Head {
        uint64 lastCommitted;
        /// @dev Synced lazily (syncFinality); lastFinalizedBatch() also counts unsynced proofs.
        uint64 lastFinalized;
        /// @dev Priority-queue operations consumed by committed batches.
        uint64 queueCommitted;
        bool frozen;
        /// @dev Set once a commit consumed a queue operation already past its deadline: the
        /// sequencer let the queue expire, which a freeze then punishes (EscapeHatch.freeze).
        bool sequencerLate;
    }

    /// @notice What later calls need of a committed batch. Only its hash is stored (one slot
    /// instead of three); claims, the next commit's checks and freeze take the roots in calldata
    /// and check them against it. BatchCommitted carries them.
    struct BatchRoots {
        bytes32 postStateRoot;
        bytes32 withdrawalsRoot;
        /// @dev Priority-queue operations consumed once this batch is final (a prefix length).
        uint64 queueEnd;
    }

    /// @notice A committed batch: two slots, the fewest a commit can write (see proveBatch).
    struct Batch {
        uint256 proofSlot;
        /// @dev keccak256(abi.encode(BatchRoots)).
        bytes32 rootsHash;
    }

    /// @notice Recorded by freeze from the last finalized batch: what exits and refunds read.
    struct FrozenAt {
        bytes32 stateRoot;
        uint64 queueEnd;
    }

    IERC20 public immutable token;
    IRollupParams public immutable params;
    /// @notice The timelock: sets verifiers and slashes bonds.
    address public immutable governance;

    Head internal _head;
    /// @dev Post-state root of batch lastCommitted: the next commit's pre-state root. One slot
    /// rewritten per commit costs less than a root stored per batch.
    bytes32 internal _tipStateRoot;
    FrozenAt internal _frozenAt;
    mapping(uint256 batchIndex => Batch) internal _batches;

    error Frozen();
    error NotFrozen();
    error NotGovernance();
    error ZeroAmount();
    error WrongBatchRoots(uint64 batchIndex);

    event RollupFrozen(uint64 lastFinalizedBatch, uint64 expiredOperation, address by);
    event BatchesFinalized(uint64 lastFinalized);

    modifier whenNotFrozen() {
        if (_head.frozen) revert Frozen();
        _;
    }

    modifier onlyGovernance() {
        if (msg.sender != governance) revert NotGovernance();
        _;
    }

    constructor(IERC20 token_, IRollupParams params_, address governance_) {
        token = token_;
        params = params_;
        governance = governance_;
    }

    /// @notice The chain's progress: last committed and finalized batch, queue consumed, frozen.
    function head() external view returns (Head memory) {
        return _head;
    }

    /// @notice A committed batch (index 0 is genesis): its proof slot and the hash of its roots.
    function batch(uint64 batchIndex) external view returns (Batch memory) {
        return _batches[batchIndex];
    }

    /// @notice Post-state root of the last committed batch (genesis before any commit).
    function committedStateRoot() external view returns (bytes32) {
        return _tipStateRoot;
    }

    /// @notice The state root exits prove against: the last finalized batch's, as freeze
    /// recorded it (0 before a freeze). Before a freeze, batch roots come from BatchCommitted.
    function finalizedStateRoot() public view returns (bytes32) {
        return _frozenAt.stateRoot;
    }

    /// @notice Whether `roots` are batch `batchIndex`'s, as committed.
    function isBatchRoots(uint64 batchIndex, BatchRoots calldata roots) public view returns (bool) {
        return keccak256(abi.encode(roots)) == _batches[batchIndex].rootsHash;
    }

    function _checkRoots(uint64 batchIndex, BatchRoots calldata roots) internal view {
        if (!isBatchRoots(batchIndex, roots)) revert WrongBatchRoots(batchIndex);
    }

    /// @notice Advances the last finalized batch over every proven batch that follows it and
    /// returns it. Commits, claims, rewards and freeze call it; anyone may.
    function syncFinality() external returns (uint64) {
        return _syncFinality();
    }

    /// @notice The last finalized batch, counting proofs not yet synced. Frozen: where it stopped.
    function lastFinalizedBatch() public view returns (uint64 n) {
        Head memory h = _head;
        n = h.lastFinalized;
        if (h.frozen) return n;
        while (n < h.lastCommitted && _batches[n + 1].proofSlot & PROVEN != 0) ++n;
    }

    /// @dev A batch is final once it and every batch before it are proven.
    function _syncFinality() internal returns (uint64 n) {
        n = lastFinalizedBatch();
        if (n != _head.lastFinalized) {
            _head.lastFinalized = n;
            emit BatchesFinalized(n);
        }
    }
}
