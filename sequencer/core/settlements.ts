import type { BatchRoots } from "../../contracts/client/batch-roots.ts";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import type { Field } from "../../protocol/field.ts";
import { checkFitsShape, scoresCommitment, type SettlementShape } from "../../protocol/rewards/commitment.ts";
import { type EpochEnd, planSettlement, type Settlement } from "../../protocol/rewards/settlement.ts";
import { type SignedSettlement, verifySettlement } from "../../protocol/rewards/sign.ts";
import type { RollupState } from "../../protocol/state/state.ts";
import { entryRoots } from "../l1/batch-poster.ts";
import type { EntryRecord } from "../storage/schema.ts";

/**
 * Admission of a reward settlement a prover node submits (docs/protocol.md §11.6). Pure
 * checks over the state and the sealed entries, and one question to L1 behind `ProverRegistry`.
 */

/** Who may submit settlements: bonded provers on L1 (the rollup's `operators(address).prover`). */
export interface ProverRegistry {
  isProver(l1Address: string): Promise<boolean>;
}

/** A sequencer takes settlements only with both: the treasury account and the reward circuit's lanes. */
export interface SettlementConfig {
  /** The account credited with the protocol share and dust: ParamsRegistry's treasuryAccount on L1. */
  readonly treasuryAccount: number;
  /** The lanes of the reward circuit settlements are proven with (scoresCommitment pads to them). */
  readonly shape: SettlementShape;
}

/** A settlement that passed admission, with what applying and posting it need. */
export interface AcceptedSettlement {
  readonly settlement: Settlement;
  readonly scoresCommitment: Field;
  /** The epoch's last entry: its state (what the settlement is checked against) and L1 roots. */
  readonly epochEnd: { readonly entry: number; readonly state: EpochEnd; readonly roots: BatchRoots };
}

export interface SettlementContext {
  readonly state: RollupState;
  readonly config: SettlementConfig | undefined;
  readonly provers: ProverRegistry | undefined;
  /** Entries durably sealed. */
  readonly sealedEntries: number;
  readonly entry: (n: number) => Promise<EntryRecord | undefined>;
}

/**
 * Checks, in order: the signature under the prover account's key, the epoch closed (its last
 * entry `(epoch + 1) · epochLength` sealed), the circuit's lanes, the settlement against the
 * state (`planSettlement`), and last, since it asks L1, the submitter policy. The state may
 * move while L1 answers: the caller applies with `applySettlement`, which checks again.
 */
export async function admitSettlement(
  signed: SignedSettlement,
  ctx: SettlementContext,
): Promise<AcceptedSettlement> {
  const { state, config, provers } = ctx;
  if (!config || !provers) {
    throw new OpenLedgerError(
      ErrorCode.UnsupportedByLayout,
      "this sequencer takes no reward settlements: it has no treasury account and reward circuit configured, or no L1 to check provers",
    );
  }
  const d = signed.data;
  const prover = state.accounts.get(d.proverAccount);
  if (!prover) {
    throw new OpenLedgerError(ErrorCode.UnknownAccount, `prover account ${d.proverAccount} does not exist`);
  }
  if (!verifySettlement(signed, prover.publicKey, state.domain)) {
    throw new OpenLedgerError(
      ErrorCode.InvalidSignature,
      `settlement signature does not verify under prover account ${d.proverAccount}'s key`,
    );
  }
  const endEntry = (d.epoch + 1) * state.governance.epochLength;
  if (endEntry > ctx.sealedEntries) {
    throw new OpenLedgerError(
      ErrorCode.EpochNotClosed,
      `epoch ${d.epoch} ends at entry ${endEntry}; ${ctx.sealedEntries} entries are sealed`,
      { endEntry, sealed: ctx.sealedEntries },
    );
  }
  const end = await ctx.entry(endEntry);
  if (!end) throw new Error(`sealed entry ${endEntry} has no record`);
  const contributions = state.trainingSets.get(d.model)?.contributions.length ?? 0;
  checkFitsShape(config.shape, d.model, d.inferences.length, contributions);
  const settlement: Settlement = { ...d, treasuryAccount: config.treasuryAccount };
  planSettlement(state, settlement, end.endState);
  if (!(await provers.isProver(prover.l1Address))) {
    throw new OpenLedgerError(
      ErrorCode.NotBondedProver,
      `prover account ${d.proverAccount}'s L1 address ${prover.l1Address} is not a bonded prover on L1`,
    );
  }
  return {
    settlement,
    scoresCommitment: scoresCommitment(settlement, config.shape),
    epochEnd: { entry: endEntry, state: end.endState, roots: entryRoots(end) },
  };
}
