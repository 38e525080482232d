/**
 * The prover node: follows the batches the sequencer seals and the rollup commits on L1,
 * replays them through the shared state transition to build witnesses, proves the batches
 * assigned to it and submits each proof with `proveBatch` at once (the rollup takes proofs in
 * any order; its proven prefix is final).
 *
 * Nothing is persisted: after a restart the node replays the sealed batches from genesis (the
 * state transition without proving is cheap), or from a state snapshot checked against L1
 * (`start`, docs/protocol.md §8.5), and L1 tells it the oldest unproven batch, which is where
 * it resumes. Reward settlement entries are replayed against the epoch end the node
 * recorded itself; with a reward circuit configured the node also builds their witnesses and
 * proves the ones assigned to it with `proveSettlement`, as it does batches (anyone may prove
 * a settlement: the proof is not bound to its sender, §11.5). A `RewardSettlementTracin`
 * circuit recomputes the scores from the rows: the node reads the model, its rows and the
 * inputs through the attributor's sources, and a settlement whose scores the rows do not give
 * fails the step with the witness builder's error naming the lane. A node without a reward
 * circuit replays settlements and leaves them to others. A batch whose replay does not reach
 * the root L1 holds stops the replay there (ROOT_MISMATCH, naming the batch and both roots);
 * the node then starts over from genesis at its next step, exactly as after a restart, so it
 * stops at the same batch again until its source serves that batch's real transactions (and
 * at such a settlement until L1 reverts it, §11.5).
 */
import type { Contract, Signer } from "ethers";
import { toSolidityProof } from "../../circuits/runtime/groth16-proof.ts";
import { type CommittedBatch, committedBatch } from "../../contracts/client/batch-roots.ts";
import { committedSettlement } from "../../contracts/client/settlements.ts";
import { proofWords } from "../../contracts/client/proof-calldata.ts";
import type { BatchShape } from "../../protocol/batch/layout.ts";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { applySettlement, type EpochEnd } from "../../protocol/rewards/settlement.ts";
import { buildTracinWitness } from "../../protocol/rewards/tracin-witness.ts";
import { buildSettlementWitness, type SettlementWitness } from "../../protocol/rewards/witness.ts";
import type { LoadedSnapshot } from "../../protocol/snapshot/load.ts";
import { type Genesis, RollupState } from "../../protocol/state/state.ts";
import { type Assignment, assigned } from "./assignment.ts";
import type { ProvingBackend } from "./backend.ts";
import { type BatchWitness, buildBatchWitness } from "../../protocol/batch/witness.ts";
import type { BatchSource, SourceSettlement } from "./source.ts";
import { ProverError, ProverErrorCode } from "../errors.ts";
import type { AttributionSources } from "../epochs/attributor.ts";
import type { RewardLanes } from "./reward-circuit.ts";
import { fetchSettlementFactors } from "./tracin-factors.ts";

export interface BatchCircuit {
  readonly wasm: string;
  readonly zkey: string;
  /** The id its verifier is registered under in the rollup contract. */
  readonly circuitId: number;
  readonly shape: BatchShape;
}

/**
 * The reward circuit a node proves settlements with: their lanes must fit its shape. A
 * `RewardSettlementTracin` circuit recomputes the scores from the rows, so its witness needs
 * their factors (ProverNodeOptions.sources).
 */
export type RewardCircuit = RewardLanes & {
  readonly wasm: string;
  readonly zkey: string;
  /** The id its verifier is registered under for reward epochs (PURPOSE_REWARD_EPOCH). */
  readonly circuitId: number;
};

export interface ProverNodeOptions {
  readonly genesis: Genesis;
  readonly source: BatchSource;
  /** The rollup contract, connected to this node's bonded prover account. */
  readonly rollup: Contract;
  /** First L1 block to read the rollup's BatchCommitted events from (its deployment block). */
  readonly fromBlock?: number;
  readonly backend: ProvingBackend;
  readonly circuit: BatchCircuit;
  /** Without one, settlement entries are replayed and left for other provers. */
  readonly rewardCircuit?: RewardCircuit;
  /**
   * Where a `RewardSettlementTracin` circuit's witness reads the model, its training rows and
   * the inferences' inputs (the attributor's, prover/epochs/sources.ts); required with one,
   * unused otherwise.
   */
  readonly sources?: AttributionSources;
  readonly assignment: Assignment;
  readonly log?: (line: string) => void;
  /**
   * Where the replay starts instead of genesis: a snapshot of a finalized entry, checked
   * against L1 (`loadVerifiedSnapshot`). Called again whenever the replay starts over.
   */
  readonly start?: () => Promise<LoadedSnapshot>;
}

export type StepResult =
  | {
      readonly kind: "proved";
      readonly batch: number;
      readonly entry: "batch" | "settlement";
      readonly witnessSeconds: number;
      readonly proveSeconds: number;
    }
  | { readonly kind: "idle" };

export class ProverNode {
  private state: RollupState;
  private replayed = 0;
  private readonly witnesses = new Map<number, BatchWitness>();
  /** Commits of the unproven batches replayed: their roots and commit time, read once. */
  private readonly commits = new Map<number, CommittedBatch & { committedAt: bigint }>();
  /**
   * Replayed settlement entries not final yet, with their reward-circuit witness when this
   * node can prove them (a reward circuit of their committed id, whose lanes they fit).
   */
  private readonly settlements = new Map<number, SettlementWitness | undefined>();
  /**
   * The state after each replayed entry that ends an epoch (a multiple of the epoch length in
   * force after it): what a settlement of that epoch is applied against.
   */
  private readonly epochEnds = new Map<number, EpochEnd>();
  private readonly log: (line: string) => void;
  /** The L1 address proofs are submitted from: each proof's public input binds it. */
  private prover?: string;
  /** Whether the replay's starting state is in place (genesis, or `start`'s snapshot). */
  private started: boolean;

  constructor(private readonly o: ProverNodeOptions) {
    if (o.rewardCircuit?.template === "RewardSettlementTracin" && !o.sources) {
      throw new ProverError(
        ProverErrorCode.MissingSources,
        "a RewardSettlementTracin reward circuit recomputes the scores from the rows: the node needs the sources of the model, its rows and the inputs",
      );
    }
    this.state = new RollupState(o.genesis, { witness: true });
    this.started = !o.start;
    this.log = o.log ?? (() => {});
  }

  /** Batches this node replayed so far. */
  get replayedBatches(): number {
    return this.replayed;
  }

  /** One unit of work: prove and submit the oldest unproven batch assigned to this node, if any. */
  async step(): Promise<StepResult> {
    const rollup = this.o.rollup;
    this.prover ??= await (rollup.runner as Signer).getAddress();
    const lastCommitted = Number(
      ((await rollup.getFunction("head")()) as { lastCommitted: bigint }).lastCommitted,
    );
    const next = Number(await rollup.getFunction("lastFinalizedBatch")()) + 1;
    for (const map of [this.witnesses, this.commits, this.settlements])
      for (const n of [...map.keys()]) if (n < next) map.delete(n);
    if (!this.started) await this.startFromSnapshot(this.o.start!);
    await this.replayTo(lastCommitted, next);
    const now = BigInt((await rollup.runner!.provider!.getBlock("latest"))!.timestamp);
    for (let n = next; n <= this.replayed; n++) {
      if (this.settlements.has(n)) {
        const w = this.settlements.get(n);
        if (!w) continue;
        const entry = (await rollup.getFunction("batch")(n)) as { proofSlot: bigint; committedAt: bigint };
        if (entry.proofSlot & PROVEN) continue;
        if (!assigned(this.o.assignment, BigInt(n), entry.committedAt, now)) continue;
        return this.proveSettlement(n, w);
      }
      const { committedAt } = await this.commit(n);
      if (!assigned(this.o.assignment, BigInt(n), committedAt, now)) continue;
      const expected = BigInt(await rollup.getFunction("commitmentOf")(n));
      if (expected === 0n) continue; // proven already
      return this.prove(n, expected);
    }
    return { kind: "idle" };
  }

  /** Steps until `signal` aborts, pausing `idleMs` whenever there is nothing to do. */
  async run(signal: AbortSignal, idleMs = 1000): Promise<void> {
    let lastFailure = "";
    while (!signal.aborted) {
      let result: StepResult;
      try {
        result = await this.step();
        lastFailure = "";
      } catch (e) {
        // A failure that repeats (a root mismatch does, step after step) is logged once.
        const message = e instanceof Error ? e.message : String(e);
        if (message !== lastFailure) this.log(`step failed: ${message}`);
        lastFailure = message;
        result = { kind: "idle" };
      }
      if (result.kind === "idle") await new Promise((r) => setTimeout(r, idleMs));
    }
  }

  private async replayTo(lastCommitted: number, next: number): Promise<void> {
    while (this.replayed < lastCommitted) {
      const n = this.replayed + 1;
      const batch = await this.o.source.batch(n);
      if (!batch) return;
      if (batch.kind === "settlement") {
        await this.replaySettlement(batch, next);
        continue;
      }
      const { roots, blobVersionedHash } = await this.commit(n);
      let w: BatchWitness;
      try {
        w = buildBatchWitness(this.state, batch.txs, batch.feeRecipient, this.o.circuit.shape, {
          prover: this.prover!,
          versionedHash: blobVersionedHash,
        });
        if (roots.postStateRoot !== w.claims.postStateRoot) {
          throw new ProverError(
            ProverErrorCode.RootMismatch,
            `batch ${n}: replaying the sequencer's transactions gives state root ${fieldToHex(w.claims.postStateRoot)}, L1 committed ${fieldToHex(roots.postStateRoot)}; not proving it`,
            {
              batch: n,
              replayedRoot: fieldToHex(w.claims.postStateRoot),
              l1Root: fieldToHex(roots.postStateRoot),
            },
          );
        }
      } catch (e) {
        // The state holds part or all of batch n now: drop it rather than build on it.
        this.restartReplay();
        throw e;
      }
      if (n >= next) this.witnesses.set(n, w);
      this.replayed = n;
      this.recordEpochEnd(n);
    }
  }

  /**
   * Applies settlement entry `e.number` against the end of its epoch as this node replayed it,
   * and checks the root L1 committed for the entry, as for a batch.
   */
  private async replaySettlement(e: SourceSettlement, next: number): Promise<void> {
    const n = e.number;
    let witness: SettlementWitness | undefined;
    const committed = await committedSettlement(this.o.rollup, n, this.state.queue.next, this.o.fromBlock);
    if (!committed) throw new OpenLedgerError(ErrorCode.StateCorrupt, `entry ${n} is not committed on L1`);
    const reward = this.o.rewardCircuit;
    // Only an entry still to be proven, committed for this node's circuit, needs a witness.
    const provable = n >= next && reward !== undefined && committed.circuitId === reward.circuitId;
    // Read before the state changes: a store that does not answer costs a retry, not a replay.
    const factors =
      provable && reward.template === "RewardSettlementTracin"
        ? await fetchSettlementFactors(this.o.sources!, this.state, e.settlement)
        : undefined;
    try {
      const endEntry = (e.settlement.epoch + 1) * this.state.governance.epochLength;
      const end = this.epochEnds.get(endEntry);
      if (!end || endEntry >= n) {
        throw new OpenLedgerError(
          ErrorCode.StateCorrupt,
          `entry ${n} settles epoch ${e.settlement.epoch}, whose last entry ${endEntry} this node has not replayed before it`,
        );
      }
      if (provable) {
        witness =
          reward.template === "RewardSettlementTracin"
            ? buildTracinWitness(this.state, e.settlement, end, reward.shape, factors!)
            : buildSettlementWitness(this.state, e.settlement, end, reward.shape);
        if (witness.publicInput !== committed.publicInput) {
          throw new OpenLedgerError(
            ErrorCode.StateCorrupt,
            `settlement ${n}: L1 holds public input ${fieldToHex(committed.publicInput)}, the witness gives ${fieldToHex(witness.publicInput)}`,
          );
        }
      } else {
        applySettlement(this.state, e.settlement, end);
        // Its leaf updates are the reward circuit's witness, not the next batch's.
        this.state.takeUpdates();
      }
      const root = this.state.root();
      if (root !== committed.postStateRoot) {
        throw new ProverError(
          ProverErrorCode.RootMismatch,
          `settlement ${n}: replaying it gives state root ${fieldToHex(root)}, L1 committed ${fieldToHex(committed.postStateRoot)}`,
          { batch: n, replayedRoot: fieldToHex(root), l1Root: fieldToHex(committed.postStateRoot) },
        );
      }
    } catch (err) {
      this.restartReplay();
      throw err;
    }
    if (n >= next) this.settlements.set(n, witness);
    this.replayed = n;
    this.recordEpochEnd(n);
  }

  private recordEpochEnd(n: number): void {
    if (n % this.state.governance.epochLength === 0) {
      this.epochEnds.set(n, { roots: this.state.roots(), counters: this.state.counters });
    }
  }

  /** Takes the snapshot's state, entry and epoch ends as where the replay stands. */
  private async startFromSnapshot(start: () => Promise<LoadedSnapshot>): Promise<void> {
    const s = await start();
    s.state.setWitnessMode(true);
    this.state = s.state;
    this.replayed = s.header.entry;
    for (const [entry, end] of s.epochEnds) this.epochEnds.set(entry, end);
    this.started = true;
    this.log(
      `starting from a snapshot of entry ${s.header.entry} (root ${fieldToHex(s.header.stateRoot)}, checked against L1)`,
    );
  }

  private restartReplay(): void {
    this.state = new RollupState(this.o.genesis, { witness: true });
    this.started = !this.o.start;
    this.replayed = 0;
    this.witnesses.clear();
    this.settlements.clear();
    this.epochEnds.clear();
  }

  /** Batch `n`'s commit on L1 (it is committed: n <= lastCommitted). */
  private async commit(n: number): Promise<CommittedBatch & { committedAt: bigint }> {
    let c = this.commits.get(n);
    if (!c) {
      const committed = await committedBatch(this.o.rollup, n, this.o.fromBlock);
      if (!committed) throw new OpenLedgerError(ErrorCode.StateCorrupt, `batch ${n} is not committed on L1`);
      const block = await this.o.rollup.runner!.provider!.getBlock(committed.l1Block);
      c = { ...committed, committedAt: BigInt(block!.timestamp) };
      this.commits.set(n, c);
    }
    return c;
  }

  private async prove(n: number, expected: bigint): Promise<StepResult> {
    const w = this.witnesses.get(n)!;
    if (expected !== w.commitment) {
      throw new OpenLedgerError(
        ErrorCode.StateCorrupt,
        `batch ${n}: L1 holds commitment ${fieldToHex(expected)}, the witness gives ${fieldToHex(w.commitment)} (the sequencer's transactions do not encode to the blob's data)`,
      );
    }
    const r = await this.o.backend.prove({
      wasm: this.o.circuit.wasm,
      zkey: this.o.circuit.zkey,
      input: w.input,
    });
    const proof = proofWords(toSolidityProof(r.proof, r.publicSignals));
    try {
      await (await this.o.rollup.getFunction("proveBatch")(n, this.o.circuit.circuitId, proof)).wait();
    } catch (e) {
      // After a takeover another node may have proven it first: nothing is lost.
      if (BigInt(await this.o.rollup.getFunction("commitmentOf")(n)) !== 0n) throw e;
      this.log(`batch ${n} was proven by another node meanwhile`);
      return { kind: "idle" };
    }
    this.witnesses.delete(n);
    this.log(
      `batch ${n} proved and submitted (witness ${r.witnessSeconds.toFixed(2)} s, proof ${r.proveSeconds.toFixed(2)} s, ${this.o.backend.name})`,
    );
    return {
      kind: "proved",
      batch: n,
      entry: "batch",
      witnessSeconds: r.witnessSeconds,
      proveSeconds: r.proveSeconds,
    };
  }

  private async proveSettlement(n: number, w: SettlementWitness): Promise<StepResult> {
    const reward = this.o.rewardCircuit!;
    const r = await this.o.backend.prove({ wasm: reward.wasm, zkey: reward.zkey, input: w.input });
    const proof = proofWords(toSolidityProof(r.proof, r.publicSignals));
    try {
      await (await this.o.rollup.getFunction("proveSettlement")(n, reward.circuitId, proof)).wait();
    } catch (e) {
      const entry = (await this.o.rollup.getFunction("batch")(n)) as { proofSlot: bigint };
      if (!(entry.proofSlot & PROVEN)) throw e;
      this.log(`settlement ${n} was proven by another node meanwhile`);
      return { kind: "idle" };
    }
    this.settlements.set(n, undefined);
    this.log(
      `settlement ${n} (epoch ${w.statement.epoch}, model ${w.statement.model}) proved and submitted (witness ${r.witnessSeconds.toFixed(2)} s, proof ${r.proveSeconds.toFixed(2)} s, ${this.o.backend.name})`,
    );
    return {
      kind: "proved",
      batch: n,
      entry: "settlement",
      witnessSeconds: r.witnessSeconds,
      proveSeconds: r.proveSeconds,
    };
  }
}

/** The proof slot's proven bit (contracts/rollup/RollupStorage.sol). */
const PROVEN = 1n << 255n;
