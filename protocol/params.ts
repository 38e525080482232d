import type { TreeShape } from "./smt.ts";

/**
 * Sizes fixed per deployment. Circuits are compiled for one set, so the sequencer, the
 * prover and the circuits must agree on it; it is part of the chain's genesis.
 */
export interface ProtocolParams {
  /** Accounts, indexed from 1 (slot 0 stays empty: it means "no account"). */
  readonly accounts: TreeShape;
  /** Registered data contributions, indexed from 1. */
  readonly contributions: TreeShape;
  /** Registered models, indexed from 1. */
  readonly models: TreeShape;
  /** Inference log, indexed from 1 in order of execution. */
  readonly inferences: TreeShape;
  /** Datanets, indexed from 1. */
  readonly datanets: TreeShape;
  /** Per model: the contributions it was trained on, slot j holding a contribution id. */
  readonly trainingSet: TreeShape;
  /** Depth of a batch's binary withdrawals tree: at most 2^depth withdrawals per batch. */
  readonly withdrawalsDepth: number;
}

/**
 * Production: 8^8 = 2^24 accounts (arity 8: the cheapest accounts-tree update per
 * transaction, docs/circuits.md); registries of arity 4, as large.
 */
export const PRODUCTION_PARAMS: ProtocolParams = {
  accounts: { arity: 8, depth: 8 },
  contributions: { arity: 4, depth: 12 },
  models: { arity: 4, depth: 10 },
  inferences: { arity: 4, depth: 16 },
  datanets: { arity: 4, depth: 8 },
  trainingSet: { arity: 4, depth: 6 },
  withdrawalsDepth: 10,
};

/** Tiny trees for tests and the devnet's circuits, of the production arities. */
export const TEST_PARAMS: ProtocolParams = {
  accounts: { arity: 8, depth: 2 },
  contributions: { arity: 4, depth: 3 },
  models: { arity: 4, depth: 2 },
  inferences: { arity: 4, depth: 3 },
  datanets: { arity: 4, depth: 2 },
  trainingSet: { arity: 4, depth: 2 },
  withdrawalsDepth: 4,
};
