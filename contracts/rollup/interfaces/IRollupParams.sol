// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice The L1-side parameters the rollup reads from the governance-owned registry.
interface IRollupParams {
    /// @notice Seconds a queued L1 operation may wait before anyone can freeze the rollup.
    function queueDeadline() external view returns (uint64);

    /// @notice The only address allowed to commit batches, and the bond it must hold.
    function sequencerConfig() external view returns (address sequencer, uint96 minBond);

    /// @notice The bond a prover operator must hold to prove batches.
    function minProverBond() external view returns (uint96);

    /// @notice OPEN paid from the reward pool for each batch a prover finalizes.
    function proverRewardPerBatch() external view returns (uint96);

    /// @notice Where slashed L1 bonds go.
    function treasury() external view returns (address);
}
