/**
 * Where `openledger bridge exit` takes the last finalized state from: a snapshot file
 * (`openledger rebuild --out`, `openledger snapshot fetch`), the sequencer's finalized state
 * (a proof per account, `ol_getFinalizedAccount`), or L1 and a blob archive when the sequencer
 * does not answer (or is not asked). Whichever it is, the exit checks each proof against the
 * root L1 finalized before sending it (escape.ts).
 */
import type { RollupState } from "../protocol/state/state.ts";
import { type OpenLedgerProvider, RpcCallError } from "../sdk/provider.ts";
import type { FinalizedAccountInfo } from "../sdk/wire.ts";
import { BridgeError, BridgeErrorCode } from "./errors.ts";
import { accountsOf, type ExitProof, exitProofOf } from "./escape.ts";

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

/** JSON-RPC's "method not found": a node that serves no `ol_getFinalizedAccount`. */
const METHOD_NOT_FOUND = -32601;

/** The accounts of the last finalized state and their exit proofs. */
export interface FinalizedAccounts {
  /** The accounts opened from `address`. */
  accountsOf(address: string): Promise<number[]>;
  /** `account`'s exit proof, undefined if the finalized state does not hold it. */
  proof(account: number): Promise<ExitProof | undefined>;
}

/** The accounts of a state held here (rebuilt, or read from a snapshot). */
export function stateAccounts(state: RollupState): FinalizedAccounts {
  return {
    accountsOf: async (address) => accountsOf(state, address),
    proof: async (account) => exitProofOf(state, account),
  };
}

/** The accounts of a node's finalized state: its proofs, checked against L1 by the exit. */
export function nodeAccounts(l2: OpenLedgerProvider): FinalizedAccounts {
  return {
    // Accounts are never removed: the live index holds every finalized one, and an account
    // opened after the finalized entry has no finalized proof.
    accountsOf: async (address) => {
      const ids = await l2.getAccountsByL1Address(address);
      const held = await Promise.all(ids.map((id) => l2.getFinalizedAccount(id)));
      return ids.filter((_, i) => held[i] !== null);
    },
    proof: async (account) => {
      const info = await l2.getFinalizedAccount(account);
      return info ? exitProofFromWire(info) : undefined;
    },
  };
}

function exitProofFromWire(info: FinalizedAccountInfo): ExitProof {
  return {
    account: info.id,
    leaf: {
      publicKey: { x: BigInt(info.publicKey.x), y: BigInt(info.publicKey.y) },
      l1Address: info.l1Address,
      balance: BigInt(info.balance),
      nonce: info.nonce,
      staked: BigInt(info.staked),
    },
    siblings: info.proof.siblings.map((level) => level.map((s) => BigInt(s))),
    registriesHash: BigInt(info.proof.registriesHash),
  };
}

export interface ExitStateSources {
  /** The sequencer's URL, for the messages. */
  readonly rpc: string;
  /** A snapshot file: read with `readStateFile` (which checks it against L1). */
  readonly stateFile?: string;
  readonly readStateFile: (path: string) => Promise<{ state: RollupState; entry: number }>;
  /** Rebuild from L1 without asking the sequencer. */
  readonly l1Only: boolean;
  /** The sequencer's finalized state. */
  fromSequencer(): Promise<FinalizedAccounts>;
  /** The state rebuilt from L1 and a blob archive; absent without an archive. */
  readonly fromL1?: () => Promise<RollupState>;
  readonly say: (line: string) => void;
}

export async function exitState(s: ExitStateSources): Promise<FinalizedAccounts> {
  if (s.stateFile) {
    const { state, entry } = await s.readStateFile(s.stateFile);
    s.say(`using the state of entry ${entry} from ${s.stateFile}`);
    return stateAccounts(state);
  }
  const fromL1 = async (why: string) => {
    if (!s.fromL1) {
      throw new BridgeError(
        BridgeErrorCode.NoStateSource,
        `${why}: pass --archive <dir|url> to rebuild the state from L1 alone (or --state <file> from openledger rebuild or openledger snapshot fetch)`,
      );
    }
    s.say(`${why}: rebuilding the last finalized state from L1 and the blob archive`);
    return stateAccounts(await s.fromL1());
  };
  if (s.l1Only) return fromL1("--l1-only");
  try {
    const accounts = await s.fromSequencer();
    // A first call tells a node that does not answer before any account is asked for.
    await accounts.proof(1);
    return accounts;
  } catch (e) {
    if (isConnectionFailure(e)) return fromL1(`the sequencer at ${s.rpc} does not answer`);
    if (e instanceof RpcCallError && e.code === METHOD_NOT_FOUND) {
      return fromL1(`the sequencer at ${s.rpc} keeps no finalized state (it runs without --l1)`);
    }
    throw e;
  }
}
