// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonT5} from "poseidon-solidity/PoseidonT5.sol";
import {Bonds} from "./Bonds.sol";
import {PoseidonMerkle} from "./lib/PoseidonMerkle.sol";
import {PriorityQueue} from "./PriorityQueue.sol";

/// @notice The escape hatch: once a queued operation outlives its deadline without being
/// processed by a finalized batch, anyone freezes the rollup (slashing the sequencer that
/// failed a duty: see freeze). Then every account exits once with a proof of its leaf against
/// the last finalized state root, paid to the leaf's l1Address, unprocessed deposits are
/// refunded to their senders and operators take back their bonds. After the exit window what
/// no exit, claim or prover reward took goes to the treasury (docs/contracts.md, "Threat model").
abstract contract EscapeHatch is PriorityQueue, Bonds {
    using SafeERC20 for IERC20;

    /// @notice The account leaf of docs/protocol.md section 6.
    struct AccountLeaf {
        uint256 publicKeyX;
        uint256 publicKeyY;
        uint256 l1Address;
        /// @dev balance + nonce·2^96 + staked·2^128
        uint256 packed;
    }

    /// @notice Depth of the arity-8 accounts tree.
    uint256 public immutable accountsDepth;
    /// @dev The data contracts of PoseidonT9's constants (contracts/tools/poseidon-library.ts).
    address private immutable _poseidonT9Data0;
    address private immutable _poseidonT9Data1;

    mapping(uint32 account => bool) public exited;
    mapping(uint256 queueIndex => bool) public refunded;

    event AccountExited(uint32 indexed account, address indexed to, uint256 amount);
    event DepositRefunded(uint256 indexed queueIndex, address indexed to, uint96 amount);
    event SweptToTreasury(address indexed treasury, uint256 amount);

    error NothingExpired();
    error AlreadyExited(uint32 account);
    error InvalidAccountProof();
    error BadAccountLeaf();
    error NotRefundable(uint256 queueIndex);
    error ExitWindowOpen(uint64 closesAt);

    constructor(uint256 accountsDepth_, address[2] memory poseidonT9Data) {
        accountsDepth = accountsDepth_;
        _poseidonT9Data0 = poseidonT9Data[0];
        _poseidonT9Data1 = poseidonT9Data[1];
    }

    /// @notice Freezes the rollup if the oldest operation not processed by a finalized batch
    /// is past its deadline. `finalized` are the last finalized batch's roots, recorded for
    /// exits and refunds (finality must be synced to its end first: syncFinality). Whole bonds
    /// go to the treasury, of each sequencer that failed a duty:
    /// - the expired operation is in no committed batch: the designated sequencer, whose duty
    ///   it was to commit it;
    /// - a batch not final yet was committed late (less than proveTimeout before the deadline
    ///   of an operation it consumed): the sequencer that committed it;
    /// - the oldest unproven batch is past its proof deadline (commit + proveTimeout): the
    ///   sequencer that committed it, which alone holds its witness and may prove it itself.
    /// An operation committed in time is consumed by a batch due for proof before the
    /// operation's deadline, so every freeze with a committed operation finds one of the last
    /// two; a freeze of an uncommitted one, the first.
    function freeze(BatchRoots calldata finalized) external whenNotFrozen {
        uint64 last = _syncFinalityToEnd();
        _checkRoots(last, finalized);
        uint64 pending = finalized.queueEnd;
        if (pending >= _rollingHashes.length || block.timestamp <= _deadlines[pending]) revert NothingExpired();
        Head memory h = _head;
        _head.frozen = true;
        _frozenAt = FrozenAt(finalized.postStateRoot, pending, uint64(block.timestamp));
        (address sequencer,, uint32 proveTimeout) = params.sequencerConfig();
        if (h.queueCommitted <= pending) _slash(sequencer, type(uint128).max);
        uint64 late = _lastLateBatch;
        if (late > last) _slash(_eraOf(late).committer, type(uint128).max);
        if (last < h.lastCommitted && block.timestamp > _committedAt(last + 1) + proveTimeout) {
            _slash(_eraOf(last + 1).committer, type(uint128).max);
        }
        emit RollupFrozen(last, pending, msg.sender);
    }

    /// @notice Pays account `account` its balance and stake at the last finalized state root,
    /// once, to the leaf's l1Address. Anyone may submit the proof.
    /// @param siblings per level of the accounts tree, the 7 siblings in slot order
    /// @param registriesHash the second half of stateRoot = Poseidon(accountsRoot, registriesHash)
    function exit(
        uint32 account,
        AccountLeaf calldata leaf,
        uint256[7][] calldata siblings,
        uint256 registriesHash
    ) external {
        if (!_head.frozen) revert NotFrozen();
        _requireExitWindowOpen();
        if (exited[account]) revert AlreadyExited(account);
        if (leaf.l1Address == 0 || leaf.l1Address >> 160 != 0) revert BadAccountLeaf();
        uint256 leafHash = PoseidonT5.hash(
            [
                PoseidonMerkle.checkField(leaf.publicKeyX),
                PoseidonMerkle.checkField(leaf.publicKeyY),
                leaf.l1Address,
                PoseidonMerkle.checkField(leaf.packed)
            ]
        );
        uint256 accountsRoot = PoseidonMerkle.octalRoot(
            leafHash, account, siblings, accountsDepth, [_poseidonT9Data0, _poseidonT9Data1]
        );
        uint256 root = PoseidonT3.hash([accountsRoot, PoseidonMerkle.checkField(registriesHash)]);
        if (bytes32(root) != finalizedStateRoot()) revert InvalidAccountProof();
        exited[account] = true;
        uint256 amount = (leaf.packed & type(uint96).max) + (leaf.packed >> 128);
        address to = address(uint160(leaf.l1Address));
        if (amount > 0) token.safeTransfer(to, amount);
        emit AccountExited(account, to, amount);
    }

    /// @notice After a freeze, returns a deposit that no finalized batch processed to its
    /// sender (`sender`, the deposit's l1Sender), once, until the exit window closes. Anyone
    /// may submit it (a relayer, or the sender's contract wallet).
    function refundDeposit(
        uint256 queueIndex,
        uint32 to,
        address sender,
        uint256 pubX,
        uint256 pubY,
        uint96 amount
    ) external {
        if (!_head.frozen) revert NotFrozen();
        _requireExitWindowOpen();
        if (
            refunded[queueIndex] || queueIndex < _frozenAt.queueEnd
                || !_isQueuedDeposit(queueIndex, to, sender, pubX, pubY, amount)
        ) revert NotRefundable(queueIndex);
        refunded[queueIndex] = true;
        token.safeTransfer(sender, amount);
        emit DepositRefunded(queueIndex, sender, amount);
    }

    /// @notice Once the exit window after a freeze has closed, sends the treasury every OPEN
    /// the rollup holds beyond the operators' bonds (which stay theirs, with no deadline): what
    /// accounts did not exit (their contribution stakes and model escrows, which exits do not
    /// pay, included), withdrawals not claimed, deposits not refunded, fees burnt on L2, L2
    /// stakes slashed, the prover reward pool, OPEN sent to the contract. Anyone may call it,
    /// more than once.
    function sweepToTreasury() external {
        uint64 closesAt = exitDeadline();
        if (closesAt == 0) revert NotFrozen();
        if (block.timestamp <= closesAt) revert ExitWindowOpen(closesAt);
        uint256 owed = bondsTotal;
        uint256 held = token.balanceOf(address(this));
        rewardPool = 0;
        uint256 amount = held > owed ? held - owed : 0;
        address treasury = params.treasury();
        if (amount > 0) token.safeTransfer(treasury, amount);
        emit SweptToTreasury(treasury, amount);
    }
}
