/**
 * The rebuilt state on disk (`openledger rebuild --out`), for `openledger bridge exit
 * --state`: every record of the state with its genesis, V8-serialized (bigints and maps kept
 * as they are, as the sequencer stores its records). A file proves nothing by itself: reading
 * it recomputes the root, and an exit is checked against the root L1 finalized.
 */
import { readFile, writeFile } from "node:fs/promises";
import { deserialize, serialize } from "node:v8";
import type { Field } from "../protocol/field.ts";
import { fieldToHex } from "../protocol/field.ts";
import { type Genesis, RollupState } from "../protocol/state/state.ts";
import { BridgeError, BridgeErrorCode } from "./errors.ts";

const FORMAT = "openledger.state.v1";

interface StateFile {
  readonly format: typeof FORMAT;
  readonly genesis: Genesis;
  /** The last entry replayed. */
  readonly entry: number;
  readonly root: Field;
  readonly counters: RollupState["counters"];
  readonly queue: RollupState["queue"];
  readonly governance: RollupState["governance"];
  readonly accounts: RollupState["accounts"];
  readonly contributions: RollupState["contributions"];
  readonly models: RollupState["models"];
  readonly trainingSets: RollupState["trainingSets"];
  readonly inferences: RollupState["inferences"];
  readonly datanets: RollupState["datanets"];
}

export async function writeStateFile(path: string, state: RollupState, entry: number): Promise<void> {
  const file: StateFile = {
    format: FORMAT,
    genesis: { domain: state.domain, params: state.params, governance: state.governance },
    entry,
    root: state.root(),
    counters: state.counters,
    queue: state.queue,
    governance: state.governance,
    accounts: state.accounts,
    contributions: state.contributions,
    models: state.models,
    trainingSets: state.trainingSets,
    inferences: state.inferences,
    datanets: state.datanets,
  };
  await writeFile(path, serialize(file));
}

/** The state in `path` and the entry it is the state after; its root is recomputed and checked. */
export async function readStateFile(path: string): Promise<{ state: RollupState; entry: number }> {
  const f = deserialize(await readFile(path)) as StateFile;
  if (f?.format !== FORMAT) {
    throw new BridgeError(
      BridgeErrorCode.RootMismatch,
      `${path} is not a state file written by openledger rebuild`,
    );
  }
  const state = new RollupState(f.genesis);
  for (const [id, a] of f.accounts) state.setAccount(id, a);
  for (const [id, c] of f.contributions) state.setContribution(id, c);
  for (const [id, m] of f.models) state.setModel(id, m, f.trainingSets.get(id));
  for (const [id, r] of f.inferences) state.setInference(id, r);
  for (const [id, d] of f.datanets) state.setDatanet(id, d);
  state.counters = f.counters;
  state.queue = f.queue;
  state.governance = f.governance;
  if (state.root() !== f.root) {
    throw new BridgeError(
      BridgeErrorCode.RootMismatch,
      `${path} is damaged: its records hash to ${fieldToHex(state.root())}, not the root ${fieldToHex(f.root)} it was written with`,
    );
  }
  return { state, entry: f.entry };
}
