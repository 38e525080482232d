// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice What the parameters registry calls on the rollup to send a governance order to L2
/// through the priority queue (docs/protocol.md section 8, kinds 3 and 4).
interface IGovernanceOrders {
    function enqueueGovernanceOrder(uint8 kind, uint32 account, uint96 amount, uint256 word) external;
}
