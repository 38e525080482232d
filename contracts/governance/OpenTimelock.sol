// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title OpenLedger timelock
/// @notice Executes what the Governor passed after `minDelay`; it owns the parameters
/// registry and is the rollup's governance (verifiers, bond slashing).
contract OpenTimelock is TimelockController {
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}
