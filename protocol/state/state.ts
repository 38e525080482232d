import type { Domain } from "../domain.ts";
import type { Field } from "../field.ts";
import type { ProtocolParams } from "../params.ts";
import { type MerkleProof, type NodeStore, SparseMerkleTree } from "../smt.ts";
import {
  type Account,
  accountLeaf,
  type Contribution,
  type Counters,
  ContributionStatus,
  contributionLeaf,
  countersHash,
  type Datanet,
  datanetLeaf,
  type GovernanceParams,
  type InferenceRecord,
  inferenceLeaf,
  type Model,
  modelLeaf,
  paramsHash,
  type StateRoots,
  stateRoot,
} from "./leaves.ts";

/**
 * The rollup state: the five registries as records and as sparse Merkle trees, the
 * counters, the governance parameters and the L1 queue position (docs/protocol.md, section 6).
 *
 * Leaf hashing is lazy by default: a write marks the slot dirty and `root()` rehashes all
 * dirty slots at once, sharing the upper levels, because the sequencer only needs a root per
 * batch. In witness mode every write updates its tree at once and records the Merkle path,
 * which is what the prover needs per transaction. Both modes give the same roots.
 *
 * The trees' nodes live in memory unless `nodes` gives each tree a store (the sequencer's
 * LevelDB-backed one): the transition itself never knows where they are.
 */
export type TreeName = "accounts" | "contributions" | "models" | "inferences" | "datanets";

/** What the batch circuit needs to check one leaf update. */
export interface LeafUpdate {
  readonly tree: TreeName;
  readonly index: number;
  readonly oldLeaf: Field;
  readonly newLeaf: Field;
  /** Siblings of the path, bottom level first (section 3); the same before and after. */
  readonly siblings: MerkleProof["siblings"];
  readonly oldRoot: Field;
  readonly newRoot: Field;
}

/** A model's training set, kept beside the leaf (the leaf holds only its descriptor). */
export interface TrainingSet {
  readonly trainingConfigHash: Field;
  readonly contributions: readonly number[];
}

/** L1 priority queue position: next index to consume and the rolling hash so far. */
export interface QueueCursor {
  readonly next: bigint;
  readonly hash: Field;
}

/** What a state root needs, taken at one moment (see `RollupState.snapshotForRoot`). */
export interface RootSnapshot {
  /**
   * Per tree, the dirty slots and how to hash their leaf from the record of that moment
   * (records are replaced, never changed in place, so holding one is holding its value): the
   * hashing waits for `hashSnapshot`, which spreads it over steps.
   */
  readonly leaves: ReadonlyArray<readonly [TreeName, ReadonlyArray<readonly [bigint, () => Field]>]>;
  readonly counters: Counters;
  readonly governance: GovernanceParams;
}

export interface Genesis {
  /** Chain and rollup deployment every signature is bound to. */
  readonly domain: Domain;
  readonly params: ProtocolParams;
  readonly governance: GovernanceParams;
}

export interface StateOptions {
  readonly witness?: boolean;
  /** Where each tree keeps its nodes; in memory when left out. */
  readonly nodes?: (tree: TreeName) => NodeStore;
}

export class RollupState {
  readonly domain: Domain;
  readonly params: ProtocolParams;
  governance: GovernanceParams;
  readonly accounts = new Map<number, Account>();
  readonly contributions = new Map<number, Contribution>();
  readonly models = new Map<number, Model>();
  readonly trainingSets = new Map<number, TrainingSet>();
  readonly inferences = new Map<number, InferenceRecord>();
  readonly datanets = new Map<number, Datanet>();
  counters: Counters = { accounts: 0, contributions: 0, models: 0, inferences: 0, datanets: 0 };
  queue: QueueCursor = { next: 0n, hash: 0n };
  private witness: boolean;

  private readonly trees: Record<TreeName, SparseMerkleTree>;
  private readonly dirty = emptyChanges();
  private updates: LeafUpdate[] = [];
  /** Snapshots taken by snapshotForRoot and not hashed yet. */
  private pendingSnapshots = 0;
  private changed = emptyChanges();
  /** contentRoot -> the contribution holding it, rejected ones left out (section 7.3). */
  private readonly contentIndex = new Map<Field, number>();

  constructor(genesis: Genesis, options: StateOptions = {}) {
    this.domain = genesis.domain;
    this.params = genesis.params;
    this.governance = genesis.governance;
    this.witness = options.witness ?? false;
    const tree = (name: TreeName) => new SparseMerkleTree(genesis.params[name], options.nodes?.(name));
    this.trees = {
      accounts: tree("accounts"),
      contributions: tree("contributions"),
      models: tree("models"),
      inferences: tree("inferences"),
      datanets: tree("datanets"),
    };
  }

  setAccount(id: number, a: Account): void {
    this.accounts.set(id, a);
    this.touch("accounts", id);
  }

  setContribution(id: number, c: Contribution): void {
    this.contributions.set(id, c);
    if (c.status !== ContributionStatus.Rejected) this.contentIndex.set(c.contentRoot, id);
    else if (this.contentIndex.get(c.contentRoot) === id) this.contentIndex.delete(c.contentRoot);
    this.touch("contributions", id);
  }

  /** The contribution, not rejected, that registered `contentRoot`, if any. */
  contributionWithContent(contentRoot: Field): number | undefined {
    return this.contentIndex.get(contentRoot);
  }

  setDatanet(id: number, d: Datanet): void {
    this.datanets.set(id, d);
    this.touch("datanets", id);
  }

  setModel(id: number, m: Model, training?: TrainingSet): void {
    this.models.set(id, m);
    if (training) this.trainingSets.set(id, training);
    this.touch("models", id);
  }

  setInference(id: number, r: InferenceRecord): void {
    this.inferences.set(id, r);
    this.touch("inferences", id);
  }

  /** Eager hashing with per-update Merkle paths (see the class comment); flushes first. */
  setWitnessMode(on: boolean): void {
    this.flush();
    this.witness = on;
  }

  /** Leaf updates recorded in witness mode since the last call. */
  takeUpdates(): LeafUpdate[] {
    const out = this.updates;
    this.updates = [];
    return out;
  }

  roots(): StateRoots {
    this.flush();
    return {
      accounts: this.trees.accounts.root,
      contributions: this.trees.contributions.root,
      models: this.trees.models.root,
      inferences: this.trees.inferences.root,
      counters: countersHash(this.counters),
      params: paramsHash(this.governance),
      datanets: this.trees.datanets.root,
    };
  }

  root(): Field {
    return stateRoot(this.roots());
  }

  proof(tree: TreeName, id: number): MerkleProof {
    this.flush();
    return this.trees[tree].proof(BigInt(id));
  }

  /**
   * Takes what the state root of this moment needs, to hash later with `hashSnapshot`: the
   * leaf values of the dirty slots, the counters hash and the parameters hash. A sequencer
   * seals a batch this way and hashes its trees over several turns of its event loop while
   * the next batch executes (writes only mark slots dirty again). Snapshots must be hashed in
   * the order they were taken; until the last is hashed, `flush` (so `root`, `roots` and
   * `proof`) throws.
   */
  snapshotForRoot(): RootSnapshot {
    const leaves = (Object.keys(this.dirty) as TreeName[]).map((name) => {
      const entries = [...this.dirty[name]].map((id) => [BigInt(id), this.leafOf(name, id)] as const);
      this.dirty[name].clear();
      return [name, entries] as const;
    });
    this.pendingSnapshots++;
    return { leaves, counters: this.counters, governance: this.governance };
  }

  /**
   * Hashes a snapshot into the trees one inner node per step; returns its sub-roots (a state
   * root with `stateRoot`): a sealed entry keeps them, since a settlement's epoch end needs them.
   */
  *hashSnapshot(snapshot: RootSnapshot): Generator<void, StateRoots> {
    try {
      for (const [name, entries] of snapshot.leaves) {
        const hashed: Array<readonly [bigint, Field]> = [];
        for (const [index, leaf] of entries) {
          hashed.push([index, leaf()]);
          yield;
        }
        yield* this.trees[name].setManySteps(hashed);
      }
      const counters = countersHash(snapshot.counters);
      yield;
      const params = paramsHash(snapshot.governance);
      return {
        accounts: this.trees.accounts.root,
        contributions: this.trees.contributions.root,
        models: this.trees.models.root,
        inferences: this.trees.inferences.root,
        counters,
        params,
        datanets: this.trees.datanets.root,
      };
    } finally {
      this.pendingSnapshots--;
    }
  }

  /** No snapshot waits to be hashed: the trees may be read and flushed. */
  get treesIdle(): boolean {
    return this.pendingSnapshots === 0;
  }

  /** Rehashes every dirty slot; a no-op in witness mode, where nothing is left dirty. */
  flush(): void {
    this.checkNotHashing();
    for (const name of Object.keys(this.dirty) as TreeName[]) {
      const ids = this.dirty[name];
      if (ids.size === 0) continue;
      this.trees[name].setMany([...ids].map((id) => [BigInt(id), this.leaf(name, id)] as const));
      ids.clear();
    }
  }

  private checkNotHashing(): void {
    if (this.pendingSnapshots > 0) {
      throw new Error("root snapshots are still being hashed: wait until treesIdle");
    }
  }

  /**
   * Declares that the trees already hold the leaves of every record set so far (a restart
   * over stored nodes): nothing is left to hash or to persist. Witness mode has written
   * them already, so it refuses.
   */
  adoptStoredTrees(): void {
    if (this.witness) throw new Error("witness mode hashes every write: there is nothing to adopt");
    for (const ids of Object.values(this.dirty)) ids.clear();
    this.changed = emptyChanges();
  }

  /** Whether the tree's leaf at `id` is the hash of the record held for it (a restart's check). */
  leafMatches(tree: TreeName, id: number): boolean {
    this.flush();
    return this.trees[tree].get(BigInt(id)) === this.leaf(tree, id);
  }

  /** Ids written since the last call, per registry: what a store must persist. */
  takeChanges(): Record<TreeName, Set<number>> {
    const out = this.changed;
    this.changed = emptyChanges();
    return out;
  }

  private touch(tree: TreeName, id: number): void {
    this.changed[tree].add(id);
    if (!this.witness) {
      this.dirty[tree].add(id);
      return;
    }
    const t = this.trees[tree];
    const before = t.proof(BigInt(id));
    const oldRoot = t.root;
    const newLeaf = this.leaf(tree, id);
    const newRoot = t.set(BigInt(id), newLeaf);
    this.updates.push({
      tree,
      index: id,
      oldLeaf: before.leaf,
      newLeaf,
      siblings: before.siblings,
      oldRoot,
      newRoot,
    });
  }

  private leaf(tree: TreeName, id: number): Field {
    return this.leafOf(tree, id)();
  }

  /** The leaf of slot `id` as its record is now, hashed when called. */
  private leafOf(tree: TreeName, id: number): () => Field {
    switch (tree) {
      case "accounts": {
        const a = this.accounts.get(id)!;
        return () => accountLeaf(a);
      }
      case "contributions": {
        const c = this.contributions.get(id)!;
        return () => contributionLeaf(c);
      }
      case "models": {
        const m = this.models.get(id)!;
        return () => modelLeaf(m);
      }
      case "inferences": {
        const r = this.inferences.get(id)!;
        return () => inferenceLeaf(r);
      }
      case "datanets": {
        const d = this.datanets.get(id)!;
        return () => datanetLeaf(d);
      }
    }
  }
}

function emptyChanges(): Record<TreeName, Set<number>> {
  return {
    accounts: new Set(),
    contributions: new Set(),
    models: new Set(),
    inferences: new Set(),
    datanets: new Set(),
  };
}
