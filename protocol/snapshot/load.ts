/**
 * Reading a snapshot (docs/protocol.md §8.5): the header first (handed to `checkHeader`, where
 * a consumer asks L1 whether it names a finalized entry of its chain before any record is
 * read), then the records, set into a fresh state as they arrive, so that the state holds each
 * record once and the stream none. Everything is checked: the canonical order, every id of
 * every registry present, the trailer, and the root the records hash to against the header's.
 */
import { CodedError, ErrorCode, OpenLedgerError } from "../errors.ts";
import { fieldToHex } from "../field.ts";
import type { EpochEnd } from "../rewards/settlement.ts";
import { countersHash } from "../state/leaves.ts";
import { RollupState, type StateOptions, type TreeName } from "../state/state.ts";
import {
  recordCount,
  SNAPSHOT_FORMAT,
  SNAPSHOT_TREES,
  type SnapshotHeader,
  type SnapshotRecord,
  type SnapshotTrailer,
} from "./format.ts";

export interface LoadOptions {
  /** Where the rebuilt trees keep their nodes (in memory when left out). */
  readonly nodes?: StateOptions["nodes"];
  /** Called with the header before any record is read; throws to refuse the snapshot. */
  readonly checkHeader?: (header: SnapshotHeader) => Promise<void> | void;
  readonly progress?: (records: number, total: number) => void;
}

export interface LoadedSnapshot {
  readonly header: SnapshotHeader;
  /** The state after `header.entry`; its root is `header.stateRoot`. */
  readonly state: RollupState;
  /** The epoch ends up to the entry, by entry: what later settlements are applied against. */
  readonly epochEnds: Map<number, EpochEnd>;
}

const invalid = (message: string) => new OpenLedgerError(ErrorCode.SnapshotInvalid, message);

export async function loadSnapshot(
  frames: AsyncIterable<unknown>,
  o: LoadOptions = {},
): Promise<LoadedSnapshot> {
  const it = frames[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw invalid("the stream is empty: no snapshot header");
  const header = checkedHeader(first.value);
  await o.checkHeader?.(header);
  const state = new RollupState(
    {
      domain: { chainId: header.chainId, rollup: header.rollup },
      params: header.params,
      governance: header.governance,
    },
    { nodes: o.nodes },
  );
  const total = recordCount(header.counters);
  const order = new RecordOrder(header);
  for (;;) {
    const next = await it.next();
    if (next.done) {
      throw invalid(
        `the stream ends after ${order.seen} of ${total} records, without its trailer: it was cut`,
      );
    }
    const frame = next.value as Partial<SnapshotRecord & SnapshotTrailer>;
    if (frame?.end === SNAPSHOT_FORMAT) {
      order.complete(frame.records);
      break;
    }
    const r = order.next(frame);
    setRecord(state, r);
    if (order.seen % 4096 === 0) o.progress?.(order.seen, total);
  }
  if (!(await it.next()).done) throw invalid("frames follow the trailer");
  o.progress?.(order.seen, total);
  state.counters = header.counters;
  state.queue = header.queue;
  let root: bigint;
  try {
    root = state.root();
  } catch (e) {
    if (e instanceof CodedError) throw invalid(`a record cannot be hashed: ${e.message}`);
    throw invalid(`a record is malformed: ${(e as Error).message}`);
  }
  if (root !== header.stateRoot) {
    throw new OpenLedgerError(
      ErrorCode.SnapshotRootMismatch,
      `the snapshot's records hash to state root ${fieldToHex(root)}, not the root ${fieldToHex(header.stateRoot)} its header names for entry ${header.entry}: a record was changed`,
    );
  }
  return { header, state, epochEnds: epochEndsOf(header) };
}

function checkedHeader(value: unknown): SnapshotHeader {
  const h = value as Partial<SnapshotHeader>;
  if (h?.format !== SNAPSHOT_FORMAT) {
    throw invalid(
      `the first frame is not a ${SNAPSHOT_FORMAT} header: not an OpenLedger state snapshot, or another version`,
    );
  }
  const fields: Array<[keyof SnapshotHeader, boolean]> = [
    ["chainId", typeof h.chainId === "bigint"],
    ["rollup", typeof h.rollup === "string"],
    ["entry", Number.isSafeInteger(h.entry) && h.entry! >= 0],
    ["stateRoot", typeof h.stateRoot === "bigint"],
    ["withdrawalsRoot", typeof h.withdrawalsRoot === "bigint"],
    ["params", typeof h.params === "object"],
    ["governance", typeof h.governance === "object"],
    ["counters", SNAPSHOT_TREES.every((t) => Number.isSafeInteger(h.counters?.[t]) && h.counters![t] >= 0)],
    ["queue", typeof h.queue?.next === "bigint" && typeof h.queue?.hash === "bigint"],
    ["epochEnds", Array.isArray(h.epochEnds)],
  ];
  const bad = fields.filter(([, ok]) => !ok).map(([name]) => name);
  if (bad.length > 0)
    throw invalid(
      `the snapshot header's ${bad.join(", ")} ${bad.length > 1 ? "are" : "is"} missing or malformed`,
    );
  return h as SnapshotHeader;
}

/** The canonical order, enforced: registries in order, ids 1..count each, none missing. */
class RecordOrder {
  seen = 0;
  private tree = 0;
  private lastId = 0;

  constructor(private readonly header: SnapshotHeader) {}

  next(frame: Partial<SnapshotRecord>): SnapshotRecord {
    const t = SNAPSHOT_TREES.indexOf(frame?.tree as TreeName);
    if (t < 0 || !Number.isSafeInteger(frame.id) || typeof frame.record !== "object") {
      throw invalid(`frame ${this.seen + 1} after the header is neither a record nor the trailer`);
    }
    while (t > this.tree) this.finishTree();
    const expected = this.lastId + 1;
    if (t < this.tree || frame.id! < expected) {
      throw invalid(
        `${frame.tree} record ${frame.id} is out of the canonical order (registries in order, ids ascending)`,
      );
    }
    if (frame.id! > expected) this.missing(expected);
    if (frame.id! > this.header.counters[SNAPSHOT_TREES[t]!]) {
      throw invalid(
        `${frame.tree} record ${frame.id} is beyond the header's count of ${this.header.counters[SNAPSHOT_TREES[t]!]}`,
      );
    }
    this.lastId = frame.id!;
    this.seen++;
    return frame as SnapshotRecord;
  }

  complete(trailerRecords: unknown): void {
    while (this.tree < SNAPSHOT_TREES.length) this.finishTree();
    if (trailerRecords !== this.seen) {
      throw invalid(`the trailer counts ${String(trailerRecords)} records, the stream held ${this.seen}`);
    }
  }

  private finishTree(): void {
    const count = this.header.counters[SNAPSHOT_TREES[this.tree]!];
    if (this.lastId < count) this.missing(this.lastId + 1);
    this.tree++;
    this.lastId = 0;
  }

  private missing(id: number): never {
    const tree = SNAPSHOT_TREES[this.tree]!;
    throw invalid(
      `${tree} record ${id} is missing: the header counts ${this.header.counters[tree]} ${tree}, and a snapshot holds every one`,
    );
  }
}

function setRecord(state: RollupState, r: SnapshotRecord): void {
  switch (r.tree) {
    case "accounts":
      return state.setAccount(r.id, r.record);
    case "contributions":
      return state.setContribution(r.id, r.record);
    case "models":
      return state.setModel(r.id, r.record, r.training);
    case "inferences":
      return state.setInference(r.id, r.record);
    case "datanets":
      return state.setDatanet(r.id, r.record);
  }
}

function epochEndsOf(header: SnapshotHeader): Map<number, EpochEnd> {
  const out = new Map<number, EpochEnd>();
  for (const e of header.epochEnds) {
    if (e.entry > header.entry || countersHash(e.counters) !== e.roots.counters) {
      throw invalid(
        `the epoch end at entry ${e.entry} is not one of this chain's up to entry ${header.entry}: its counters do not hash to its counters root, or it lies after the snapshot`,
      );
    }
    out.set(e.entry, { roots: e.roots, counters: e.counters });
  }
  return out;
}
