// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Bonds} from "./Bonds.sol";
import {EscapeHatch} from "./EscapeHatch.sol";
import {IBatchVerifier} from "./interfaces/IBatchVerifier.sol";
import {IRollupParams} from "./interfaces/IRollupParams.sol";
import {PoseidonMerkle} from "./lib/PoseidonMerkle.sol";
import {RollupStorage} from "./RollupStorage.sol";
import {Settlements} from "./Settlements.sol";
import {Withdrawals} from "./Withdrawals.sol";

/// @title OpenLedger rollup
/// @notice Batches, reward settlements, proofs and finalized roots, the priority queue of L1 operations,
/// withdrawals, the escape hatch and operator bonds (docs/protocol.md section 8).
contract Rollup is Settlements, Withdrawals, EscapeHatch {
    struct Config {
        IERC20 token;
        IRollupParams params;
        /// @dev The timelock.
        address governance;
        /// @dev Post-state root of batch 0: the empty state with the genesis parameters.
        bytes32 genesisStateRoot;
        uint256 accountsDepth;
        uint256 withdrawalsDepth;
        uint64 unbondDelay;
        /// @dev Seconds after a freeze during which exits and claims are paid (then the treasury
        /// takes what is left).
        uint64 exitWindow;
        uint32 batchCircuitId;
        address batchVerifier;
        /// @dev PoseidonT9's constants (exits), deployed with the rollup.
        address[2] poseidonT9Data;
    }

    constructor(Config memory c)
        RollupStorage(c.token, c.params, c.governance, c.exitWindow)
        Bonds(c.unbondDelay)
        Withdrawals(c.withdrawalsDepth)
        EscapeHatch(c.accountsDepth, c.poseidonT9Data)
    {
        PoseidonMerkle.checkField(uint256(c.genesisStateRoot));
        _batches[0] = Batch(PROVEN | REWARD_PAID, bytes32(_hashRoots(BatchRoots(c.genesisStateRoot, 0, 0))));
        _tipStateRoot = c.genesisStateRoot;
        // The rollup is deployed first and the verifier right after it, at a precomputed
        // address, so there is no code to check yet (the deploy module checks it landed).
        circuits[c.batchCircuitId] = Circuit(IBatchVerifier(c.batchVerifier), PURPOSE_BATCH);
        emit VerifierSet(c.batchCircuitId, c.batchVerifier, PURPOSE_BATCH);
        _era = Era(address(0), 1, c.batchCircuitId);
        emit BatchCircuitSet(c.batchCircuitId, 1);
    }
}
