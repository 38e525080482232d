/**
 * The parts of the Rollup contract's ABI that off-chain components (batch poster, bridge
 * relay, prover, explorer) call, as human-readable fragments: no build step needed to use them.
 */
export const ROLLUP_ABI = [
  "function head() view returns (tuple(uint64 lastCommitted, uint64 lastFinalized, uint64 queueCommitted, bool frozen, bool sequencerLate))",
  "function batch(uint64 batchIndex) view returns (tuple(uint256 proofSlot, bytes32 rootsHash))",
  "function committedStateRoot() view returns (bytes32)",
  "function isBatchRoots(uint64 batchIndex, tuple(bytes32 postStateRoot, bytes32 withdrawalsRoot, uint64 queueEnd) roots) view returns (bool)",
  "function lastFinalizedBatch() view returns (uint64)",
  "function commitmentOf(uint64 batchIndex) view returns (uint256)",
  "function proofInputOf(uint64 batchIndex, address prover) view returns (uint256)",
  "function queueLength() view returns (uint256)",
  "function queueHashAt(uint256 n) view returns (uint256)",
  "function commitBatch(tuple(uint64 batchIndex, bytes32 preStateRoot, bytes32 postStateRoot, bytes32 withdrawalsRoot, uint64 queueEnd) c, tuple(uint256 z, uint256 y, bytes kzg) blob)",
  "function proveBatch(uint64 batchIndex, uint32 circuitId, uint256[8] proof)",
  "function claimWithdrawal(uint64 batchIndex, tuple(bytes32 postStateRoot, bytes32 withdrawalsRoot, uint64 queueEnd) roots, uint32 leafIndex, address recipient, uint96 amount, uint256[] siblings)",
  "function deposit(uint32 to, uint256 pubX, uint256 pubY, uint96 amount)",
  "function forceWithdrawal(uint32 account, uint96 amount)",
  "event BatchCommitted(uint64 indexed batchIndex, bytes32 postStateRoot, bytes32 withdrawalsRoot, uint64 queueEnd, uint256 commitment, bytes32 blobVersionedHash)",
  "event BatchProven(uint64 indexed batchIndex, address prover)",
  "event BatchesFinalized(uint64 lastFinalized)",
  "event OperationQueued(uint64 indexed index, uint8 indexed kind, uint32 account, uint96 amount, uint256 w1, uint256 w2, uint256 w3, uint256 rollingHash, uint64 deadline)",
  "error NotBondedSequencer()",
  "error WrongBatchIndex(uint64 given, uint64 expected)",
  "error WrongPreStateRoot(bytes32 given, bytes32 expected)",
  "error BadQueueEnd(uint64 queueEnd)",
  "error NoBlob()",
  "error InvalidBlobOpening()",
  "error Frozen()",
  "event WithdrawalClaimed(uint64 indexed batchIndex, uint32 indexed leafIndex, address recipient, uint96 amount)",
] as const;
