import { ROLLUP_ABI } from "../contracts/client/rollup-abi.ts";

/**
 * The rollup as the bridge tooling drives it: the shared client ABI plus claims, the escape
 * hatch (freeze, exit, refunds) and the views that say where a withdrawal or queued operation
 * stands (contracts/rollup/Withdrawals.sol, EscapeHatch.sol, PriorityQueue.sol).
 */
export const BRIDGE_ABI = [
  ...ROLLUP_ABI,
  "function token() view returns (address)",
  "function params() view returns (address)",
  "function isClaimed(uint64 batchIndex, uint32 leafIndex) view returns (bool)",
  "function withdrawalsDepth() view returns (uint256)",
  "function deadlineOf(uint256 index) view returns (uint64)",
  "function freeze(tuple(bytes32 postStateRoot, bytes32 withdrawalsRoot, uint64 queueEnd) finalized)",
  "function exit(uint32 account, tuple(uint256 publicKeyX, uint256 publicKeyY, uint256 l1Address, uint256 packed) leaf, uint256[7][] siblings, uint256 registriesHash)",
  "function exited(uint32 account) view returns (bool)",
  "function finalizedStateRoot() view returns (bytes32)",
  "function exitDeadline() view returns (uint64)",
  "function refundDeposit(uint256 queueIndex, uint32 to, address sender, uint256 pubX, uint256 pubY, uint96 amount)",
  "function refunded(uint256 queueIndex) view returns (bool)",
  "event RollupFrozen(uint64 lastFinalizedBatch, uint64 expiredOperation, address by)",
  "event AccountExited(uint32 indexed account, address indexed to, uint256 amount)",
  "event DepositRefunded(uint256 indexed queueIndex, address indexed to, uint96 amount)",
  "error NotFinalized(uint64 batchIndex)",
  "error AlreadyClaimed(uint64 batchIndex, uint32 leafIndex)",
  "error InvalidMerkleProof()",
  "error NothingExpired()",
  "error NotFrozen()",
  "error AlreadyExited(uint32 account)",
  "error InvalidAccountProof()",
  "error NotRefundable(uint256 queueIndex)",
  "error ExitWindowClosed(uint64 closedAt)",
  "error FinalitySyncPending(uint64 syncedTo)",
] as const;

/** The OPEN token calls the bridge makes: queue fees and deposits need an allowance. */
export const TOKEN_ABI = [
  "function allowance(address owner, address spender) view returns (uint256)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "function balanceOf(address owner) view returns (uint256)",
] as const;
