// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice The L1-side parameters the rollup reads from the governance-owned registry.
interface IRollupParams {
    /// @notice Seconds a queued L1 operation may wait before anyone can freeze the rollup.
    function queueDeadline() external view returns (uint64);

    /// @notice The only address allowed to commit batches, the bond it must hold, and the
    /// seconds within which each batch it commits must be proven (else it may be reverted and
    /// the sequencer slashed).
    function sequencerConfig() external view returns (address sequencer, uint96 minBond, uint32 proveTimeout);

    /// @notice What queueing an operation takes: its deadline (seconds after it is queued), the
    /// minimum spacing between consecutive deadlines (seconds; the sequencer's capacity), the
    /// fee in OPEN a user pays per deposit or forced withdrawal, and the treasury it goes to.
    function queueConfig() external view returns (uint32 deadline, uint32 interval, uint96 fee, address treasury);

    /// @notice The bond a prover operator must hold to prove batches.
    function minProverBond() external view returns (uint96);

    /// @notice OPEN paid from the reward pool for each batch a prover finalizes.
    function proverRewardPerBatch() external view returns (uint96);

    /// @notice Reward epoch length in chain entries (batches and settlements): epoch e ends at
    /// batch (e + 1) * epochLength.
    function epochLength() external view returns (uint32);

    /// @notice The L2 account reward settlements pay the protocol share and the dust to (0 until
    /// governance names one).
    function treasuryAccount() external view returns (uint32);

    /// @notice Where slashed L1 bonds, queue fees and, after a freeze's exit window, whatever
    /// no one can claim go.
    function treasury() external view returns (address);
}
