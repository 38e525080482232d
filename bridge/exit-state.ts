/**
 * Where `openledger bridge exit` takes the last finalized state from: a state file
 * (`openledger rebuild --out`), the sequencer's entries, or L1 and a blob archive when the
 * sequencer does not answer (or is not asked). Whichever it is, the replays check every entry
 * against L1 and the exit checks the state's root against the root L1 finalized.
 */
import type { RollupState } from "../protocol/state/state.ts";
import { BridgeError, BridgeErrorCode } from "./errors.ts";
import { readStateFile } from "./state-file.ts";

/** Whether `e` (or an error it wraps) says a node did not answer at all. */
export function isConnectionFailure(e: unknown): boolean {
  for (
    let c: unknown = e;
    c;
    c = (c as { error?: unknown; cause?: unknown }).error ?? (c as { cause?: unknown }).cause
  ) {
    const code = (c as { code?: unknown }).code;
    if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH") return true;
  }
  return false;
}

export interface ExitStateSources {
  /** The sequencer's URL, for the messages. */
  readonly rpc: string;
  /** A state file written by `openledger rebuild --out`: used as it is. */
  readonly stateFile?: string;
  /** Rebuild from L1 without asking the sequencer. */
  readonly l1Only: boolean;
  /** The state replayed from the sequencer's entries. */
  fromSequencer(): Promise<RollupState>;
  /** The state rebuilt from L1 and a blob archive; absent without an archive. */
  readonly fromL1?: () => Promise<RollupState>;
  readonly say: (line: string) => void;
}

export async function exitState(s: ExitStateSources): Promise<RollupState> {
  if (s.stateFile) {
    const { state, entry } = await readStateFile(s.stateFile);
    s.say(`using the state of entry ${entry} from ${s.stateFile}`);
    return state;
  }
  const fromL1 = (why: string) => {
    if (!s.fromL1) {
      throw new BridgeError(
        BridgeErrorCode.NoStateSource,
        `${why}: pass --archive <dir|url> to rebuild the state from L1 alone (or --state <file> from openledger rebuild)`,
      );
    }
    s.say(`${why}: rebuilding the last finalized state from L1 and the blob archive`);
    return s.fromL1();
  };
  if (s.l1Only) return fromL1("--l1-only");
  try {
    return await s.fromSequencer();
  } catch (e) {
    if (isConnectionFailure(e)) return fromL1(`the sequencer at ${s.rpc} does not answer`);
    throw e;
  }
}
