// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IBatchVerifier} from "./interfaces/IBatchVerifier.sol";
import {BatchCommitment} from "./lib/BatchCommitment.sol";
import {PoseidonMerkle} from "./lib/PoseidonMerkle.sol";
import {PublicInput} from "./lib/PublicInput.sol";
import {Bonds} from "./Bonds.sol";
import {PriorityQueue} from "./PriorityQueue.sol";
import {VerifierRegistry} from "./VerifierRegistry.sol";

/// @notice The batch lifecycle: the bonded sequencer commits batches chained by state roots,
/// each with its data in an EIP-4844 blob; bonded provers prove batches, in any order, with a Groth16 proof of each one's
/// folded public input; the proven prefix of the chain is final.
abstract contract Batches is PriorityQueue, VerifierRegistry, Bonds {
    /// @notice What the sequencer states about a batch; the contract adds the queue hashes and
    /// the blob's versioned hash and folds them all into the public input.
    struct Commitment {
        /// @dev Must be lastCommitted + 1: a retried post fails instead of posting twice.
        uint64 batchIndex;
        bytes32 preStateRoot;
        bytes32 postStateRoot;
        bytes32 withdrawalsRoot;
        /// @dev Priority-queue operations consumed once this batch applies (a prefix length).
        uint64 queueEnd;
    }

    /// @notice A blob opening: the blob's polynomial evaluates to `y` at `z` (docs/protocol.md
    /// section 8.2). The batch circuit recomputes z from the versioned hash and the data it
    /// executed and evaluates that data at z, so the proof covers the blob's data.
    struct BlobOpening {
        uint256 z;
        uint256 y;
        /// @dev 48-byte KZG commitment, then the 48-byte KZG proof of the evaluation.
        bytes kzg;
    }

    event BatchCommitted(
        uint64 indexed batchIndex,
        bytes32 postStateRoot,
        bytes32 withdrawalsRoot,
        uint64 queueEnd,
        uint256 commitment,
        bytes32 blobVersionedHash
    );
    event BatchProven(uint64 indexed batchIndex, address prover);
    /// @notice Batches from `fromBatch` on will be bound to circuit `circuitId`.
    event BatchCircuitSet(uint32 indexed circuitId, uint64 fromBatch);
    /// @notice Batches `fromBatch` to `toBatch` were reverted: `fromBatch` was not proven in time.
    event BatchesReverted(uint64 fromBatch, uint64 toBatch, address committer);

    error NotBondedSequencer();
    error NotBondedProver();
    error WrongBatchIndex(uint64 given, uint64 expected);
    error WrongPreStateRoot(bytes32 given, bytes32 expected);
    error BadQueueEnd(uint64 queueEnd);
    error BatchNotProvable(uint64 batchIndex);
    error InvalidProof();
    error NoBlob();
    error InvalidBlobOpening();
    error NothingToRevert();
    error ProofNotOverdue(uint64 batchIndex, uint64 dueAt);

    /// @dev EIP-4844's point-evaluation precompile.
    address private constant POINT_EVALUATION = address(0x0a);

    /// @notice Commits a batch whose data is the transaction's first blob: only the commitment
    /// that folds the roots, the queue hashes and the blob's opening is kept, with the hash of
    /// the roots and the commit time. Data gas no longer grows with the batch: the blob is
    /// priced on its own market. The batch is bound to the current batch circuit
    /// (setBatchCircuit): only a proof checked by that circuit's verifier proves it.
    /// @dev Only the designated, bonded sequencer; the pre-state root must be the post-state
    /// root of the last committed batch. The commit is late if the first queue operation it
    /// consumes has less than proveTimeout left before its deadline: a freeze then slashes the
    /// sequencer (EscapeHatch.freeze).
    function commitBatch(Commitment calldata c, BlobOpening calldata blob) external whenNotFrozen {
        (bool bonded, uint32 proveTimeout) = _bondedSequencer(msg.sender);
        if (!bonded) revert NotBondedSequencer();
        _syncFinality(SYNC_STEPS);
        Head memory h = _head;
        if (c.batchIndex != h.lastCommitted + 1) revert WrongBatchIndex(c.batchIndex, h.lastCommitted + 1);
        bytes32 expectedPre = _tipStateRoot;
        if (c.preStateRoot != expectedPre) revert WrongPreStateRoot(c.preStateRoot, expectedPre);
        if (c.queueEnd < h.queueCommitted || c.queueEnd > _rollingHashes.length) revert BadQueueEnd(c.queueEnd);
        PoseidonMerkle.checkField(uint256(c.postStateRoot));
        PoseidonMerkle.checkField(uint256(c.withdrawalsRoot));
        PoseidonMerkle.checkField(blob.z);
        bytes32 versionedHash = blobhash(0);
        if (versionedHash == 0) revert NoBlob();
        _checkOpening(versionedHash, blob);

        Era memory era = _era;
        // A circuit retired since it was chosen would leave the batch unprovable.
        _verifierFor(era.circuitId, PURPOSE_BATCH);
        if (era.committer != msg.sender) _startEra(msg.sender, era.circuitId, c.batchIndex);

        uint256 commitment = BatchCommitment.fold(
            [
                c.preStateRoot,
                c.postStateRoot,
                bytes32(queueHashAt(h.queueCommitted)),
                bytes32(queueHashAt(c.queueEnd)),
                c.withdrawalsRoot
            ],
            versionedHash,
            blob.z,
            blob.y
        );
        uint256 proofSlot = commitment ^ (uint256(era.circuitId) << CIRCUIT_SHIFT);
        // An empty batch earns no prover reward: born "paid", which its proof keeps.
        if (c.postStateRoot == c.preStateRoot && c.queueEnd == h.queueCommitted) proofSlot |= REWARD_PAID;
        _batches[c.batchIndex] =
            Batch(proofSlot, _rootsSlot(BatchRoots(c.postStateRoot, c.withdrawalsRoot, c.queueEnd)));
        _tipStateRoot = c.postStateRoot;
        _head.lastCommitted = c.batchIndex;
        // Deadlines never decrease along the queue: the first operation consumed has the
        // earliest. It must still have time for the batch to be proven before it expires.
        if (c.queueEnd > h.queueCommitted && block.timestamp + proveTimeout > _deadlines[h.queueCommitted]) {
            _lastLateBatch = c.batchIndex;
        }
        _head.queueCommitted = c.queueEnd;
        emit BatchCommitted(c.batchIndex, c.postStateRoot, c.withdrawalsRoot, c.queueEnd, commitment, versionedHash);
    }

    /// @dev The precompile fails unless the proof opens the blob's commitment at z to y (y < r
    /// included); an address without code would return nothing, hence the length check.
    function _checkOpening(bytes32 versionedHash, BlobOpening calldata blob) private view {
        if (blob.kzg.length != 96) revert InvalidBlobOpening();
        (bool ok, bytes memory out) =
            POINT_EVALUATION.staticcall(abi.encodePacked(versionedHash, blob.z, blob.y, blob.kzg));
        if (!ok || out.length != 64) revert InvalidBlobOpening();
    }

    /// @notice Proves batch `batchIndex` with a Groth16 proof [a0, a1, b00, b01, b10, b11, c0, c1]
    /// (b pairs as the EVM precompile takes them) checked by the verifier registered for
    /// `circuitId`. Batches may be proven in any order, so provers work in parallel; a batch is
    /// final once it and every batch before it are proven (see syncFinality).
    /// The proof's public input binds the batch's commitment to msg.sender (PublicInput.bind),
    /// so a proof seen in the mempool cannot be resubmitted by another prover for the reward.
    /// @dev Only a bonded prover, which is recorded for its reward. No frozen check: after a
    /// freeze finality no longer advances, so a late proof changes nothing. Kept to one storage
    /// write so verification stays within its gas budget: the circuit the batch is bound to is
    /// checked by undoing the XOR of `circuitId` (see CIRCUIT_SHIFT), without reading it.
    function proveBatch(uint64 batchIndex, uint32 circuitId, uint256[8] calldata proof) external {
        if (!operators[msg.sender].prover) revert NotBondedProver();
        Batch storage b = _batches[batchIndex];
        uint256 slot = b.proofSlot;
        // A settlement is proven by proveSettlement, with a reward circuit.
        if (slot == 0 || slot & (PROVEN | SETTLEMENT) != 0) revert BatchNotProvable(batchIndex);
        uint256 commitment = (slot & COMMITMENT_MASK) ^ (uint256(circuitId) << CIRCUIT_SHIFT);
        uint256 publicInput = PublicInput.bind(commitment, msg.sender);
        if (!_verifyProof(_verifierFor(circuitId, PURPOSE_BATCH), proof, publicInput)) revert InvalidProof();
        b.proofSlot = PROVEN | (slot & REWARD_PAID) | uint160(msg.sender);
        emit BatchProven(batchIndex, msg.sender);
    }

    /// @notice Binds the batches committed from now on to batch circuit `circuitId` (one of
    /// governance's, registered for batch proofs): the sequencer names the layout it posts in.
    function setBatchCircuit(uint32 circuitId) external whenNotFrozen {
        (bool bonded,) = _bondedSequencer(msg.sender);
        if (!bonded) revert NotBondedSequencer();
        _verifierFor(circuitId, PURPOSE_BATCH);
        uint64 fromBatch = _head.lastCommitted + 1;
        _startEra(msg.sender, circuitId, fromBatch);
        emit BatchCircuitSet(circuitId, fromBatch);
    }

    /// @notice The batch circuit new commits are bound to.
    function batchCircuit() external view returns (uint32) {
        return _era.circuitId;
    }

    /// @notice Reverts every committed batch from the oldest unproven one on, once that one is
    /// still unproven proveTimeout after its commit (its transition is invalid, or its
    /// witness withheld), and slashes the whole bond of the sequencer that committed it. Its
    /// queue operations are pending again. Anyone may call it; `finalized` are the last
    /// finalized batch's roots, which become the head again.
    function revertBatches(BatchRoots calldata finalized) external whenNotFrozen {
        uint64 last = _syncFinalityToEnd();
        Head memory h = _head;
        if (last == h.lastCommitted) revert NothingToRevert();
        uint64 first = last + 1;
        (,, uint32 proveTimeout) = params.sequencerConfig();
        uint64 dueAt = _committedAt(first) + proveTimeout;
        if (block.timestamp <= dueAt) revert ProofNotOverdue(first, dueAt);
        _checkRoots(last, finalized);
        address committer = _eraOf(first).committer;
        _head.lastCommitted = last;
        _head.queueCommitted = finalized.queueEnd;
        _tipStateRoot = finalized.postStateRoot;
        if (_lastLateBatch > last) _lastLateBatch = 0;
        _truncateEras(first);
        _slash(committer, type(uint128).max);
        emit BatchesReverted(first, h.lastCommitted, committer);
    }

    /// @notice Batch `batchIndex`'s commitment, which its proof's public input binds (0 once
    /// proven, or if not committed).
    function commitmentOf(uint64 batchIndex) public view returns (uint256) {
        if (batchIndex == 0 || batchIndex > _head.lastCommitted) return 0;
        uint256 slot = _batches[batchIndex].proofSlot;
        if (slot & (PROVEN | SETTLEMENT) != 0) return 0;
        return (slot & COMMITMENT_MASK) ^ (uint256(_eraOf(batchIndex).circuitId) << CIRCUIT_SHIFT);
    }

    /// @notice When batch `batchIndex` must be proven by (its commit time + proveTimeout).
    function proofDueAt(uint64 batchIndex) external view returns (uint64) {
        if (batchIndex == 0 || batchIndex > _head.lastCommitted) return 0;
        (,, uint32 proveTimeout) = params.sequencerConfig();
        return _committedAt(batchIndex) + proveTimeout;
    }

    /// @notice The public input `prover`'s proof of batch `batchIndex` must carry (0 once proven).
    function proofInputOf(uint64 batchIndex, address prover) external view returns (uint256) {
        uint256 commitment = commitmentOf(batchIndex);
        return commitment == 0 ? 0 : PublicInput.bind(commitment, prover);
    }

    /// @dev The verifier's arguments (uint[2], uint[2][2], uint[2], uint[1]) are nine static
    /// words: the proof is copied from calldata as it is, which costs less than ABI-encoding it.
    function _verifyProof(IBatchVerifier verifier, uint256[8] calldata proof, uint256 publicInput)
        internal
        view
        returns (bool ok)
    {
        bytes4 selector = IBatchVerifier.verifyProof.selector;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            calldatacopy(add(ptr, 4), proof, 256)
            mstore(add(ptr, 260), publicInput)
            let success := staticcall(gas(), verifier, ptr, 292, ptr, 32)
            ok := and(success, and(gt(returndatasize(), 31), eq(mload(ptr), 1)))
        }
    }
}
