// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IRollupParams} from "./interfaces/IRollupParams.sol";

/// @notice State shared by the rollup's modules: the chain of batches and its head.
abstract contract RollupStorage {
    /// @dev A batch's proof slot holds its commitment XOR its circuit id << CIRCUIT_SHIFT (top
    /// three bits clear) until it is proven, then PROVEN | prover address, then
    /// PROVEN | REWARD_PAID once the prover is paid. An empty batch (no state change, no queue
    /// operation) is committed with REWARD_PAID already set, which its proof keeps: it earns
    /// nothing. One slot read and rewritten keeps proveBatch within its gas budget.
    uint256 internal constant PROVEN = 1 << 255;
    uint256 internal constant REWARD_PAID = 1 << 254;
    /// @dev Marks a reward settlement's slot (Settlements.sol), set with REWARD_PAID: a
    /// settlement pays its prover on L2 and earns no L1 prover reward. Batch commitments have
    /// bit 253 clear (COMMITMENT_MASK).
    uint256 internal constant SETTLEMENT = 1 << 253;
    /// @dev The batch circuit is bound to a batch by XORing its id into the stored commitment
    /// (bits 200 to 231): proveBatch(i, circuitId) undoes it with the id it is given, so a
    /// proof checked by another circuit's verifier is a proof of another public input and
    /// fails. No extra storage read, no circuit change (docs/contracts.md).
    uint256 internal constant CIRCUIT_SHIFT = 200;
    uint256 internal constant COMMITMENT_MASK = type(uint256).max >> 3;
    /// @dev Proven batches a transaction's own finality sync walks at most (about 2.2k gas
    /// each): every entry point's work stays bounded whatever the backlog; syncFinality(n)
    /// walks more.
    uint256 public constant SYNC_STEPS = 32;
    /// @dev rootsHash keeps the low 224 bits of keccak256(abi.encode(roots)) (collisions cost
    /// 2^112 work) and the commit's timestamp above them.
    uint256 private constant ROOTS_HASH_BITS = 224;
    uint256 private constant ROOTS_HASH_MASK = type(uint224).max;

    /// @notice Progress of the chain, packed in one slot: a commit reads and updates all of it.
    struct Head {
        uint64 lastCommitted;
        /// @dev Synced lazily, at most SYNC_STEPS a transaction (syncFinality);
        /// lastFinalizedBatch() also counts up to SYNC_STEPS unsynced proofs.
        uint64 lastFinalized;
        /// @dev Priority-queue operations consumed by committed batches.
        uint64 queueCommitted;
        bool frozen;
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
        /// @dev committedAt << 224 | (keccak256(abi.encode(BatchRoots)) & (2^224 - 1)).
        bytes32 rootsHash;
    }

    /// @notice A run of batches committed by one sequencer and bound to one batch circuit.
    struct Era {
        address committer;
        uint64 fromBatch;
        uint32 circuitId;
    }

    /// @notice Recorded by freeze from the last finalized batch: what exits and refunds read.
    struct FrozenAt {
        bytes32 stateRoot;
        uint64 queueEnd;
        /// @dev When the freeze happened: exits and claims close exitWindow later.
        uint64 time;
    }

    IERC20 public immutable token;
    IRollupParams public immutable params;
    /// @notice The timelock: sets verifiers and slashes bonds.
    address public immutable governance;
    /// @notice Seconds after a freeze during which exits, withdrawal claims, refunds and prover
    /// rewards are paid; then what they left goes to the treasury (EscapeHatch.sweepToTreasury).
    uint64 public immutable exitWindow;

    Head internal _head;
    /// @dev Post-state root of batch lastCommitted: the next commit's pre-state root. One slot
    /// rewritten per commit costs less than a root stored per batch.
    bytes32 internal _tipStateRoot;
    FrozenAt internal _frozenAt;
    mapping(uint256 batchIndex => Batch) internal _batches;
    /// @dev The current era (batches from fromBatch on, including those not committed yet)
    /// and the earlier ones, by increasing fromBatch: who committed a batch and which circuit
    /// proves it, in one slot read at each commit.
    Era internal _era;
    mapping(uint256 eraIndex => Era) internal _pastEras;
    uint256 internal _pastEraCount;
    /// @dev The last batch committed late (see Batches.commitBatch); only counts while it is
    /// not final.
    uint64 internal _lastLateBatch;

    error Frozen();
    error NotFrozen();
    error NotGovernance();
    error ZeroAmount();
    error WrongBatchRoots(uint64 batchIndex);
    /// @dev The caller needs finality synced to the end: call syncFinality(n) first.
    error FinalitySyncPending(uint64 syncedTo);
    error ExitWindowClosed(uint64 closedAt);

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

    constructor(IERC20 token_, IRollupParams params_, address governance_, uint64 exitWindow_) {
        token = token_;
        params = params_;
        governance = governance_;
        exitWindow = exitWindow_;
    }

    /// @notice The chain's progress: last committed and finalized batch, queue consumed, frozen.
    function head() external view returns (Head memory) {
        return _head;
    }

    /// @notice A committed batch (index 0 is genesis; zeros past the last committed batch):
    /// its proof slot, the hash of its roots (224 bits), when it was committed, the sequencer
    /// that committed it and the batch circuit bound to it.
    function batch(uint64 batchIndex)
        external
        view
        returns (uint256 proofSlot, bytes32 rootsHash, uint64 committedAt, address committer, uint32 circuitId)
    {
        if (batchIndex > _head.lastCommitted) return (0, 0, 0, address(0), 0);
        Batch memory b = _batches[batchIndex];
        proofSlot = b.proofSlot;
        rootsHash = bytes32(uint256(b.rootsHash) & ROOTS_HASH_MASK);
        committedAt = _committedAt(batchIndex);
        if (batchIndex > 0) {
            Era memory e = _eraOf(batchIndex);
            (committer, circuitId) = (e.committer, e.circuitId);
        }
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

    /// @notice After a freeze: when exits, claims, refunds and prover rewards close (0 before).
    function exitDeadline() public view returns (uint64) {
        return _head.frozen ? _frozenAt.time + exitWindow : 0;
    }

    /// @notice Whether `roots` are batch `batchIndex`'s, as committed.
    function isBatchRoots(uint64 batchIndex, BatchRoots calldata roots) public view returns (bool) {
        return batchIndex <= _head.lastCommitted
            && uint256(_batches[batchIndex].rootsHash) & ROOTS_HASH_MASK == _hashRoots(roots);
    }

    /// @notice The last batch committed late that is not final yet (0 if none): a freeze
    /// slashes the sequencer that committed it.
    function lastLateBatch() external view returns (uint64) {
        return _lastLateBatch > lastFinalizedBatch() ? _lastLateBatch : 0;
    }

    /// @notice Advances the last finalized batch over at most `maxSteps` proven batches that
    /// follow it and returns it. Commits, claims, rewards, freeze and reverts do the same with
    /// SYNC_STEPS; after a long gap (a batch proven last behind thousands of proven ones)
    /// anyone catches up in as many calls as the block gas limit needs.
    function syncFinality(uint256 maxSteps) external returns (uint64) {
        return _syncFinality(maxSteps);
    }

    /// @notice The last finalized batch counting up to SYNC_STEPS proofs not yet synced: what
    /// a claim's own sync reaches now. Frozen: where finality stopped.
    function lastFinalizedBatch() public view returns (uint64) {
        return _finalityAfter(SYNC_STEPS);
    }

    function _checkRoots(uint64 batchIndex, BatchRoots calldata roots) internal view {
        if (!isBatchRoots(batchIndex, roots)) revert WrongBatchRoots(batchIndex);
    }

    function _hashRoots(BatchRoots memory roots) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(roots))) & ROOTS_HASH_MASK;
    }

    /// @dev The stored second slot of a batch committed now with `roots`.
    function _rootsSlot(BatchRoots memory roots) internal view returns (bytes32) {
        return bytes32((block.timestamp << ROOTS_HASH_BITS) | _hashRoots(roots));
    }

    function _committedAt(uint64 batchIndex) internal view returns (uint64) {
        return uint64(uint256(_batches[batchIndex].rootsHash) >> ROOTS_HASH_BITS);
    }

    /// @dev Where finality gets after at most `maxSteps` proven batches past the synced one.
    function _finalityAfter(uint256 maxSteps) internal view returns (uint64 n) {
        Head memory h = _head;
        n = h.lastFinalized;
        if (h.frozen) return n;
        uint64 end = h.lastCommitted;
        if (maxSteps < end - n) end = n + uint64(maxSteps);
        while (n < end && _batches[n + 1].proofSlot & PROVEN != 0) ++n;
    }

    /// @dev A batch is final once it and every batch before it are proven.
    function _syncFinality(uint256 maxSteps) internal returns (uint64 n) {
        n = _finalityAfter(maxSteps);
        if (n != _head.lastFinalized) {
            _head.lastFinalized = n;
            emit BatchesFinalized(n);
        }
    }

    /// @dev Syncs SYNC_STEPS and requires that this reached the end: the batch after the last
    /// finalized one is unproven or not committed. Freeze and reverts must not act on a
    /// finality that is only behind.
    function _syncFinalityToEnd() internal returns (uint64 n) {
        n = _syncFinality(SYNC_STEPS);
        if (n < _head.lastCommitted && _batches[n + 1].proofSlot & PROVEN != 0) revert FinalitySyncPending(n);
    }

    /// @dev Exits, claims, refunds and prover rewards after a freeze stop at exitDeadline().
    function _requireExitWindowOpen() internal view {
        if (_head.frozen) {
            uint64 closesAt = exitDeadline();
            if (block.timestamp > closesAt) revert ExitWindowClosed(closesAt);
        }
    }

    /// @dev The era of batch `batchIndex` (>= 1, committed): a binary search of past eras.
    function _eraOf(uint64 batchIndex) internal view returns (Era memory e) {
        e = _era;
        if (batchIndex >= e.fromBatch) return e;
        uint256 lo = 0;
        uint256 hi = _pastEraCount; // the answer is in [lo, hi)
        while (hi - lo > 1) {
            uint256 mid = (lo + hi) / 2;
            if (_pastEras[mid].fromBatch <= batchIndex) lo = mid;
            else hi = mid;
        }
        return _pastEras[lo];
    }

    /// @dev Starts an era at batch `fromBatch` (lastCommitted + 1): the current one is kept
    /// among the past eras if it holds batches, otherwise replaced.
    function _startEra(address committer, uint32 circuitId, uint64 fromBatch) internal {
        Era memory e = _era;
        if (e.fromBatch < fromBatch) _pastEras[_pastEraCount++] = e;
        _era = Era(committer, fromBatch, circuitId);
    }

    /// @dev Batches from `fromBatch` on are reverted: the current era restarts there and past
    /// eras that began there or later are dropped (found by binary search).
    function _truncateEras(uint64 fromBatch) internal {
        Era memory e = _era;
        if (e.fromBatch <= fromBatch) return;
        uint256 lo = 0;
        uint256 hi = _pastEraCount; // keep the eras in [0, lo): fromBatch < given
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            if (_pastEras[mid].fromBatch < fromBatch) lo = mid + 1;
            else hi = mid;
        }
        _pastEraCount = lo;
        _era.fromBatch = fromBatch;
    }
}
