// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IBatchVerifier} from "./interfaces/IBatchVerifier.sol";
import {RollupStorage} from "./RollupStorage.sol";

/// @notice Groth16 verifiers by circuit id, set by governance, so that circuits of several
/// batch sizes and the reward circuits coexist and a verifier upgrade is a governance vote.
abstract contract VerifierRegistry is RollupStorage {
    uint8 public constant PURPOSE_BATCH = 1;
    uint8 public constant PURPOSE_REWARD_EPOCH = 2;

    /// @dev A proof for one purpose must never be accepted for another.
    struct Circuit {
        IBatchVerifier verifier;
        uint8 purpose;
    }

    mapping(uint32 circuitId => Circuit) public circuits;

    event VerifierSet(uint32 indexed circuitId, address verifier, uint8 purpose);

    error UnknownCircuit(uint32 circuitId);
    error BadPurpose(uint8 purpose);
    error NotAContract(address verifier);

    /// @notice Registers, replaces or (verifier = 0) retires the verifier of a circuit id.
    function setVerifier(uint32 circuitId, address verifier, uint8 purpose) external onlyGovernance {
        _setVerifier(circuitId, verifier, purpose);
    }

    function _setVerifier(uint32 circuitId, address verifier, uint8 purpose) internal {
        if (purpose != PURPOSE_BATCH && purpose != PURPOSE_REWARD_EPOCH) revert BadPurpose(purpose);
        if (verifier != address(0) && verifier.code.length == 0) revert NotAContract(verifier);
        circuits[circuitId] = Circuit(IBatchVerifier(verifier), purpose);
        emit VerifierSet(circuitId, verifier, purpose);
    }

    function _verifierFor(uint32 circuitId, uint8 purpose) internal view returns (IBatchVerifier) {
        Circuit memory c = circuits[circuitId];
        if (address(c.verifier) == address(0) || c.purpose != purpose) revert UnknownCircuit(circuitId);
        return c.verifier;
    }
}
