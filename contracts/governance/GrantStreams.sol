// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {VestingWallet} from "@openzeppelin/contracts/finance/VestingWallet.sol";

/// @title Treasury grant streams
/// @notice Creates OpenZeppelin VestingWallets for grants the Governor passed, so anyone can
/// check that an address is such a stream (`isStream`) with the terms its event shows. Only the
/// timelock creates: every stream listed here was voted. The address comes from CREATE2 with
/// the terms as salt, so a proposal can fund it in the call after `create` and voters read the
/// address before the vote. The same terms twice would collide: a second grant with the same
/// beneficiary, start and duration must differ by a second.
contract GrantStreams {
    address public immutable timelock;
    mapping(address => bool) public isStream;

    event StreamCreated(address indexed stream, address indexed beneficiary, uint64 start, uint64 duration);

    error NotTimelock(address caller);
    error NoBeneficiary();
    error NoDuration();
    error StreamExists(address stream);

    constructor(address timelock_) {
        timelock = timelock_;
    }

    /// @notice Deploys the stream paying `beneficiary` linearly from `start` over `duration` seconds.
    function create(address beneficiary, uint64 start, uint64 duration) external returns (address stream) {
        if (msg.sender != timelock) revert NotTimelock(msg.sender);
        if (beneficiary == address(0)) revert NoBeneficiary();
        // A zero duration pays everything at `start`: not a stream.
        if (duration == 0) revert NoDuration();
        address predicted = predict(beneficiary, start, duration);
        if (isStream[predicted]) revert StreamExists(predicted);
        stream = address(new VestingWallet{salt: _salt(beneficiary, start, duration)}(beneficiary, start, duration));
        isStream[stream] = true;
        emit StreamCreated(stream, beneficiary, start, duration);
    }

    /// @notice Where `create` with these terms deploys its stream.
    function predict(address beneficiary, uint64 start, uint64 duration) public view returns (address) {
        bytes32 initCodeHash = keccak256(
            abi.encodePacked(type(VestingWallet).creationCode, abi.encode(beneficiary, start, duration))
        );
        bytes32 h = keccak256(
            abi.encodePacked(bytes1(0xff), address(this), _salt(beneficiary, start, duration), initCodeHash)
        );
        return address(uint160(uint256(h)));
    }

    function _salt(address beneficiary, uint64 start, uint64 duration) private pure returns (bytes32) {
        return keccak256(abi.encode(beneficiary, start, duration));
    }
}
