// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IRollupParams} from "../rollup/interfaces/IRollupParams.sol";

/// @dev What the registry reads of the rollup's bonds (contracts/rollup/Bonds.sol).
interface IRollupBonds {
    function operators(address operator) external view returns (uint128 bond, uint64 unlockAt, bool prover);

    function params() external view returns (IRollupParams);
}

/// @title Compute operators: the inference nodes that stand behind their outputs with a bond
/// @notice The list of operators that serve inferences (docs/inference.md, "Operators"). The
/// bond itself is the operator's rollup bond (Bonds.sol: `bond`, `requestUnbond`,
/// `withdrawBond`, the unbonding delay, and governance's `slashBond`); this contract lists
/// the operators whose bond meets the minimum operator bond (the minimum prover bond) and
/// records the evidence governance slashes them on. The Rollup itself is at the EIP-170 size
/// limit, which is why the list lives here rather than in Bonds.sol.
contract InferenceOperators {
    IRollupBonds public immutable rollup;
    /// @dev The timelock: the only caller of recordSlash.
    address public immutable governance;

    address[] private _listed;
    /// @dev Index in _listed plus one; 0 when not listed.
    mapping(address operator => uint256) private _slot;
    /// @notice Whether the operator was ever listed: its attestations are evidence against its
    /// bond from then on, through its unbonding delay.
    mapping(address operator => bool) public served;

    event OperatorListed(address indexed operator, uint256 bond);
    event OperatorDelisted(address indexed operator);
    /// @notice Governance slashed `operator`'s rollup bond (BondSlashed, same transaction) for
    /// inference `inference` on L2, whose attestation (EIP-712 digest) the operator signed.
    event OperatorSlashed(address indexed operator, uint64 indexed inference, bytes32 attestation, uint256 bondLeft);

    error NotGovernance();
    error NotBonded(address operator, uint256 bond, uint256 minimum);
    error AlreadyListed(address operator);
    error NotListed(address operator);
    error StillBonded(address operator);
    error NeverServed(address operator);
    error NoEvidence();

    constructor(IRollupBonds rollup_, address governance_) {
        rollup = rollup_;
        governance = governance_;
    }

    /// @notice Lists the caller as a compute operator: its rollup bond must meet the minimum
    /// and not be unbonding.
    function list() external {
        if (_slot[msg.sender] != 0) revert AlreadyListed(msg.sender);
        (bool ok, uint256 bond, uint256 minimum) = _bonded(msg.sender);
        if (!ok) revert NotBonded(msg.sender, bond, minimum);
        _listed.push(msg.sender);
        _slot[msg.sender] = _listed.length;
        served[msg.sender] = true;
        emit OperatorListed(msg.sender, bond);
    }

    /// @notice Takes `operator` off the list: the operator itself at any time, anyone else once
    /// its bond no longer backs it (unbonding, slashed or below a raised minimum).
    function delist(address operator) external {
        if (_slot[operator] == 0) revert NotListed(operator);
        if (msg.sender != operator) {
            (bool ok,,) = _bonded(operator);
            if (ok) revert StillBonded(operator);
        }
        _remove(operator);
    }

    /// @notice Records the evidence of a slash governance orders in the same proposal as the
    /// rollup's `slashBond` (that call first), and delists the operator if its bond no longer
    /// meets the minimum.
    function recordSlash(address operator, uint64 inference, bytes32 attestation) external {
        if (msg.sender != governance) revert NotGovernance();
        if (!served[operator]) revert NeverServed(operator);
        if (attestation == bytes32(0)) revert NoEvidence();
        (bool ok, uint256 bond,) = _bonded(operator);
        if (!ok && _slot[operator] != 0) _remove(operator);
        emit OperatorSlashed(operator, inference, attestation, bond);
    }

    /// @notice Whether `operator` is listed and its bond backs it now.
    function isListed(address operator) external view returns (bool) {
        (bool ok,,) = _bonded(operator);
        return ok && _slot[operator] != 0;
    }

    /// @notice Every listed operator (check isListed for one whose bond has since lapsed).
    function listed() external view returns (address[] memory) {
        return _listed;
    }

    function _bonded(address operator) private view returns (bool ok, uint256 bond, uint256 minimum) {
        uint64 unlockAt;
        (bond, unlockAt,) = rollup.operators(operator);
        minimum = rollup.params().minProverBond();
        ok = unlockAt == 0 && bond >= minimum && bond > 0;
    }

    function _remove(address operator) private {
        uint256 i = _slot[operator] - 1;
        address last = _listed[_listed.length - 1];
        _listed[i] = last;
        _slot[last] = i + 1;
        _listed.pop();
        delete _slot[operator];
        emit OperatorDelisted(operator);
    }
}
