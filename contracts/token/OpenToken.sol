// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title OPEN, the OpenLedger token
/// @notice Fixed supply minted once to a treasury; permit for gasless approvals and votes for
/// the Governor. Deposits into the rollup lock OPEN, bonds are OPEN, rewards are OPEN.
/// The supply is below 2^96: the rollup's circuit keeps balances, stakes and escrows in 96 bits
/// and credits them without a range check (docs/circuits.md, "What the OPEN supply cap buys").
contract OpenToken is ERC20, ERC20Permit, ERC20Votes {
    /// @param treasury receives the whole supply (it distributes it further)
    /// @param supply total supply in base units (18 decimals); never changes; at most 2^96 - 1
    ///        (the mint reverts with ERC20ExceededSafeSupply above it)
    constructor(address treasury, uint256 supply) ERC20("OpenLedger", "OPEN") ERC20Permit("OpenLedger") {
        _mint(treasury, supply);
    }

    /// @dev ERC20Votes refuses a mint above this; OPEN's one mint is the constructor's.
    function _maxSupply() internal pure override returns (uint256) {
        return type(uint96).max;
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }

    /// @notice Permit nonce of `owner` (shared by ERC20Permit and ERC20Votes delegation by signature).
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}
