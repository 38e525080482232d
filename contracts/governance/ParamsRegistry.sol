// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IGovernanceOrders} from "../rollup/interfaces/IGovernanceOrders.sol";
import {IRollupParams} from "../rollup/interfaces/IRollupParams.sol";

/// @title Protocol parameters set by governance
/// @notice Owned by the timelock. L2 parameters (reward split, epoch length, attribution
/// method, minimum L2 stakes) reach L2 as governance orders in the rollup's priority queue;
/// L1 parameters (queue deadline, operator bonds, prover reward, sequencer) take effect on L1
/// at once. Datanets and their curation are L2 state (docs/protocol.md 7.1), not recorded
/// here. Parameter ids and order encodings: docs/protocol.md 8.
contract ParamsRegistry is Ownable, IRollupParams {
    uint8 internal constant ORDER_SET_PARAM = 3;
    uint8 internal constant ORDER_SLASH = 4;

    uint32 public constant PARAM_REWARD_SPLIT = 0;
    uint32 public constant PARAM_EPOCH_LENGTH = 1;
    uint32 public constant PARAM_ATTRIBUTION_METHOD = 2;
    uint32 public constant PARAM_MIN_CONTRIBUTION_STAKE = 3;
    uint32 public constant PARAM_MIN_MODEL_STAKE = 4;

    /// @notice Shares of an inference payment in basis points; baseModelBps is the share of
    /// the model portion that goes to the base model of a fine-tune.
    struct RewardSplit {
        uint16 dataBps;
        uint16 modelBps;
        uint16 baseModelBps;
        uint16 proverBps;
        uint16 protocolBps;
    }

    struct L2Params {
        RewardSplit split;
        uint32 epochLength;
        uint32 attributionMethod;
        uint96 minContributionStake;
        uint96 minModelStake;
    }

    /// @notice The rollup's L1 parameters, each within a range (docs/contracts.md, "Threat
    /// model"): a value outside it could switch off the escape hatch (a deadline of years), the
    /// bonds (a zero minimum) or the reward pool (a reward that drains it in one claim).
    struct L1Params {
        /// @dev Seconds an operation may wait: MIN_QUEUE_DEADLINE to MAX_QUEUE_DEADLINE.
        uint64 queueDeadline;
        address sequencer;
        /// @dev MIN_BOND to MAX_BOND, as minProverBond.
        uint96 minSequencerBond;
        uint96 minProverBond;
        /// @dev At most MAX_PROVER_REWARD.
        uint96 proverRewardPerBatch;
        address treasury;
        /// @dev Seconds within which a committed batch must be proven: at least
        /// MIN_PROVE_TIMEOUT, at most half the queue deadline.
        uint32 proveTimeout;
        /// @dev Minimum seconds between consecutive queue deadlines: at most MAX_QUEUE_INTERVAL,
        /// and proveTimeout + queueInterval at most the queue deadline.
        uint32 queueInterval;
        /// @dev OPEN a deposit or forced withdrawal pays the treasury (at most MAX_QUEUE_FEE).
        uint96 queueFee;
    }

    RewardSplit public rewardSplit;
    uint32 public epochLength;
    /// @notice L2 account of the treasury: reward settlements pay it the protocol share and the
    /// dust. An L1 record (the rollup folds it into each settlement's public input); 0 = none yet.
    uint32 public treasuryAccount;
    uint32 public attributionMethod;
    uint96 public minContributionStake;
    uint96 public minModelStake;

    uint64 public constant MIN_QUEUE_DEADLINE = 1 hours;
    uint64 public constant MAX_QUEUE_DEADLINE = 30 days;
    uint32 public constant MIN_PROVE_TIMEOUT = 10 minutes;
    uint32 public constant MAX_QUEUE_INTERVAL = 1 hours;
    uint96 public constant MAX_QUEUE_FEE = 1_000 ether;
    uint96 public constant MIN_BOND = 1 ether;
    uint96 public constant MAX_BOND = 100_000_000 ether;
    uint96 public constant MAX_PROVER_REWARD = 10_000 ether;

    // Packed so that a commit (sequencerConfig) and a queued operation (queueConfig) each read
    // one or two slots.
    address public sequencer;
    uint32 private _queueDeadline;
    uint32 public proveTimeout;
    uint32 public queueInterval;
    address public treasury;
    uint96 public queueFee;
    uint96 public minSequencerBond;
    uint96 public minProverBond;
    uint96 public proverRewardPerBatch;

    /// @notice The rollup whose priority queue carries L2 parameter changes; set once.
    IGovernanceOrders public rollup;
    address private immutable _deployer;

    event L2ParamChanged(uint32 indexed paramId, uint256 value);
    event L1ParamsChanged(L1Params params);
    event TreasuryAccountChanged(uint32 account);
    event L2StakeSlashed(uint32 indexed account, uint96 amount);

    error RollupAlreadyBound();
    error NotDeployer();
    error RollupNotBound();
    error BadRewardSplit();
    error ZeroValue();
    error ZeroAddress();
    error OutOfRange(string param);

    /// @param owner_ the timelock
    /// @param l2 genesis L2 parameters (they are part of the genesis state root, not queued)
    constructor(address owner_, L2Params memory l2, L1Params memory l1) Ownable(owner_) {
        _deployer = msg.sender;
        _checkSplit(l2.split);
        rewardSplit = l2.split;
        epochLength = l2.epochLength;
        attributionMethod = l2.attributionMethod;
        minContributionStake = l2.minContributionStake;
        minModelStake = l2.minModelStake;
        _setL1(l1);
    }

    /// @notice Binds the rollup once, right after it is deployed (the two reference each other).
    function bindRollup(IGovernanceOrders rollup_) external {
        if (msg.sender != _deployer) revert NotDeployer();
        if (address(rollup) != address(0)) revert RollupAlreadyBound();
        if (address(rollup_) == address(0)) revert ZeroAddress();
        rollup = rollup_;
    }

    /// @notice Sets the reward split (one atomic order, so L2 never sees a split that does not sum to 10,000).
    function setRewardSplit(RewardSplit calldata split) external onlyOwner {
        _checkSplit(split);
        rewardSplit = split;
        uint256 packed = uint256(split.dataBps) | (uint256(split.modelBps) << 16)
            | (uint256(split.baseModelBps) << 32) | (uint256(split.proverBps) << 48)
            | (uint256(split.protocolBps) << 64);
        _order(PARAM_REWARD_SPLIT, packed);
    }

    /// @notice Sets the reward epoch length in L2 batches.
    function setEpochLength(uint32 value) external onlyOwner {
        if (value == 0) revert ZeroValue();
        epochLength = value;
        _order(PARAM_EPOCH_LENGTH, value);
    }

    /// @notice Selects the attribution method (ids in docs/attribution.md).
    function setAttributionMethod(uint32 value) external onlyOwner {
        attributionMethod = value;
        _order(PARAM_ATTRIBUTION_METHOD, value);
    }

    /// @notice Sets the minimum stake of a data contribution on L2.
    function setMinContributionStake(uint96 value) external onlyOwner {
        minContributionStake = value;
        _order(PARAM_MIN_CONTRIBUTION_STAKE, value);
    }

    /// @notice Sets the minimum stake a model owner must hold on L2.
    function setMinModelStake(uint96 value) external onlyOwner {
        minModelStake = value;
        _order(PARAM_MIN_MODEL_STAKE, value);
    }

    /// @notice Slashes `amount` of an L2 account's stake (a governance order through the queue).
    function slashL2Stake(uint32 account, uint96 amount) external onlyOwner {
        if (address(rollup) == address(0)) revert RollupNotBound();
        if (amount == 0) revert ZeroValue();
        emit L2StakeSlashed(account, amount);
        rollup.enqueueGovernanceOrder(ORDER_SLASH, account, amount, 0);
    }

    /// @notice Replaces the L1 parameters (queue deadline, spacing and fee, proof timeout, bonds,
    /// prover reward, sequencer, treasury), each checked against its range.
    function setL1Params(L1Params calldata l1) external onlyOwner {
        _setL1(l1);
    }

    /// @notice Names the L2 account reward settlements pay the protocol's share to. It must be
    /// an account whose l1Address is the treasury, so that governance can force its funds out
    /// to L1 (the rollup cannot check that; the proposal's voters can).
    function setTreasuryAccount(uint32 account) external onlyOwner {
        if (account == 0) revert ZeroValue();
        treasuryAccount = account;
        emit TreasuryAccountChanged(account);
    }

    /// @inheritdoc IRollupParams
    function queueDeadline() external view returns (uint64) {
        return _queueDeadline;
    }

    /// @inheritdoc IRollupParams
    function sequencerConfig() external view returns (address, uint96, uint32) {
        return (sequencer, minSequencerBond, proveTimeout);
    }

    /// @inheritdoc IRollupParams
    function queueConfig() external view returns (uint32, uint32, uint96, address) {
        return (_queueDeadline, queueInterval, queueFee, treasury);
    }

    function _setL1(L1Params memory l1) private {
        if (l1.sequencer == address(0) || l1.treasury == address(0)) revert ZeroAddress();
        if (l1.queueDeadline < MIN_QUEUE_DEADLINE || l1.queueDeadline > MAX_QUEUE_DEADLINE) {
            revert OutOfRange("queueDeadline");
        }
        // A batch must be provable well within the deadline of the operations it consumes: a
        // commit later than deadline - proveTimeout is late (docs/contracts.md, "Threat model").
        if (l1.proveTimeout < MIN_PROVE_TIMEOUT || l1.proveTimeout > l1.queueDeadline / 2) {
            revert OutOfRange("proveTimeout");
        }
        // A sequencer serving one operation per interval commits each within interval of its
        // turn: it needs the interval and the proof window inside the deadline.
        if (l1.queueInterval > MAX_QUEUE_INTERVAL || uint64(l1.queueInterval) + l1.proveTimeout > l1.queueDeadline) {
            revert OutOfRange("queueInterval");
        }
        if (l1.queueFee > MAX_QUEUE_FEE) revert OutOfRange("queueFee");
        if (l1.minSequencerBond < MIN_BOND || l1.minSequencerBond > MAX_BOND) revert OutOfRange("minSequencerBond");
        if (l1.minProverBond < MIN_BOND || l1.minProverBond > MAX_BOND) revert OutOfRange("minProverBond");
        if (l1.proverRewardPerBatch > MAX_PROVER_REWARD) revert OutOfRange("proverRewardPerBatch");
        _queueDeadline = uint32(l1.queueDeadline);
        sequencer = l1.sequencer;
        proveTimeout = l1.proveTimeout;
        queueInterval = l1.queueInterval;
        treasury = l1.treasury;
        queueFee = l1.queueFee;
        minSequencerBond = l1.minSequencerBond;
        minProverBond = l1.minProverBond;
        proverRewardPerBatch = l1.proverRewardPerBatch;
        emit L1ParamsChanged(l1);
    }

    function _order(uint32 paramId, uint256 value) private {
        if (address(rollup) == address(0)) revert RollupNotBound();
        emit L2ParamChanged(paramId, value);
        rollup.enqueueGovernanceOrder(ORDER_SET_PARAM, paramId, 0, value);
    }

    function _checkSplit(RewardSplit memory s) private pure {
        uint256 sum = uint256(s.dataBps) + s.modelBps + s.proverBps + s.protocolBps;
        if (sum != 10_000 || s.baseModelBps > 10_000) revert BadRewardSplit();
    }
}
