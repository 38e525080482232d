// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PoseidonMerkle} from "./lib/PoseidonMerkle.sol";
import {SettlementInput} from "./lib/SettlementInput.sol";
import {Batches} from "./Batches.sol";

/// @notice Reward settlements (docs/protocol.md section 11): state transitions that pay inference
/// payments out of a model's escrow, committed by the sequencer in the same chain as batches
/// and proven by the reward circuit. A settlement takes the next batch index, chains by state
/// roots like a batch, is final once it and everything before it are proven, and is reverted
/// with the batches after an overdue one. It has no blob: its data is the calldata it is
/// committed with.
abstract contract Settlements is Batches {
    /// @notice What the sequencer states about a settlement; the contract adds the epoch's end
    /// root and the treasury account and folds them into the proof's public input.
    struct Settlement {
        /// @dev Must be lastCommitted + 1, as for a batch.
        uint64 batchIndex;
        uint32 epoch;
        uint32 model;
        bytes32 preStateRoot;
        bytes32 postStateRoot;
        uint256 scoresCommitment;
        uint32 proverAccount;
    }

    /// @dev Per settlement not yet proven: its public input XOR its circuit id << CIRCUIT_SHIFT.
    /// A Poseidon output uses all 254 bits, so it cannot share the proof slot with the flags.
    mapping(uint256 batchIndex => uint256) internal _settlementInputs;

    /// @param data the settlement's data as docs/protocol.md section 11.5 encodes it (ids and
    /// scores), from which anyone can prove it and replay its state change.
    event SettlementCommitted(
        uint64 indexed batchIndex,
        uint32 indexed epoch,
        uint32 model,
        bytes32 postStateRoot,
        uint256 publicInput,
        uint32 circuitId,
        bytes data
    );

    error EpochNotClosed(uint32 epoch, uint64 endBatch);
    error NoTreasuryAccount();

    /// @notice Commits a settlement of epoch `s.epoch`, whose last batch `epochEnd` are the roots
    /// of; `circuitId` is the reward circuit (registered for PURPOSE_REWARD_EPOCH) whose lanes fit it.
    /// @dev Only the designated, bonded sequencer, on top of the last committed batch. Epoch e
    /// ends at batch (e + 1) * epochLength (the registry's value now), which must be committed.
    function commitSettlement(
        Settlement calldata s,
        uint32 circuitId,
        BatchRoots calldata epochEnd,
        bytes calldata data
    ) external whenNotFrozen {
        (bool bonded,) = _bondedSequencer(msg.sender);
        if (!bonded) revert NotBondedSequencer();
        _syncFinality(SYNC_STEPS);
        Head memory h = _head;
        if (s.batchIndex != h.lastCommitted + 1) revert WrongBatchIndex(s.batchIndex, h.lastCommitted + 1);
        if (s.preStateRoot != _tipStateRoot) revert WrongPreStateRoot(s.preStateRoot, _tipStateRoot);
        uint64 endBatch = (uint64(s.epoch) + 1) * params.epochLength();
        if (endBatch > h.lastCommitted) revert EpochNotClosed(s.epoch, endBatch);
        _checkRoots(endBatch, epochEnd);
        PoseidonMerkle.checkField(uint256(s.postStateRoot));
        PoseidonMerkle.checkField(s.scoresCommitment);
        _verifierFor(circuitId, PURPOSE_REWARD_EPOCH);

        uint256 publicInput = _publicInput(s, epochEnd.postStateRoot);
        _settlementInputs[s.batchIndex] = publicInput ^ (uint256(circuitId) << CIRCUIT_SHIFT);
        _batches[s.batchIndex] = Batch(
            SETTLEMENT | REWARD_PAID, _rootsSlot(BatchRoots(s.postStateRoot, 0, h.queueCommitted))
        );
        _tipStateRoot = s.postStateRoot;
        _head.lastCommitted = s.batchIndex;
        emit SettlementCommitted(s.batchIndex, s.epoch, s.model, s.postStateRoot, publicInput, circuitId, data);
    }

    function _publicInput(Settlement calldata s, bytes32 epochEndRoot) private view returns (uint256) {
        uint32 treasuryAccount = params.treasuryAccount();
        if (treasuryAccount == 0) revert NoTreasuryAccount();
        return SettlementInput.fold(
            [uint256(s.epoch), s.model, uint256(s.preStateRoot), uint256(s.postStateRoot), uint256(epochEndRoot)],
            [s.scoresCommitment, s.proverAccount, treasuryAccount]
        );
    }

    /// @notice Proves settlement `batchIndex` with a Groth16 proof of the reward circuit
    /// `circuitId` it was committed for. Anyone may: the proof is not bound to its sender, since
    /// the state transition itself names who is paid, and no one prover can stall the chain.
    function proveSettlement(uint64 batchIndex, uint32 circuitId, uint256[8] calldata proof) external {
        Batch storage b = _batches[batchIndex];
        if (b.proofSlot & (SETTLEMENT | PROVEN) != SETTLEMENT) revert BatchNotProvable(batchIndex);
        uint256 publicInput = _settlementInputs[batchIndex] ^ (uint256(circuitId) << CIRCUIT_SHIFT);
        if (!_verifyProof(_verifierFor(circuitId, PURPOSE_REWARD_EPOCH), proof, publicInput)) revert InvalidProof();
        b.proofSlot = PROVEN | REWARD_PAID | uint160(msg.sender);
        delete _settlementInputs[batchIndex];
        emit BatchProven(batchIndex, msg.sender);
    }
}
