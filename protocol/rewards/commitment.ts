import { ErrorCode, OpenLedgerError } from "../errors.ts";
import type { Field } from "../field.ts";
import { poseidon, poseidonList } from "../poseidon.ts";
import type { Settlement } from "./settlement.ts";

/** The lanes of one reward circuit: inferences per proof and contributions per model. */
export interface SettlementShape {
  readonly inferences: number;
  readonly contributions: number;
}

/** Refuses a settlement of `inferences` records of a model with `contributions` that the lanes cannot take. */
export function checkFitsShape(
  shape: SettlementShape,
  model: number,
  inferences: number,
  contributions: number,
): void {
  if (inferences > shape.inferences || contributions > shape.contributions) {
    throw new OpenLedgerError(
      ErrorCode.UnsupportedByLayout,
      `a reward circuit of ${shape.inferences} inferences x ${shape.contributions} contributions cannot settle ` +
        `${inferences} inferences of model ${model} (${contributions} contributions)`,
      { inferences: shape.inferences, contributions: shape.contributions },
    );
  }
}

/** PoseidonList of one inference's scores, padded with 0 to the circuit's contribution lanes (§11.3). */
export function scoresHash(scores: readonly bigint[], lanes: number): Field {
  return poseidonList(padded(scores, lanes));
}

/** PoseidonList of (id, scoresHash) per inference lane; unused lanes are (0, hash of zeros). */
export function scoresCommitment(
  s: Pick<Settlement, "inferences" | "scores">,
  shape: SettlementShape,
): Field {
  const words: Field[] = [];
  for (let i = 0; i < shape.inferences; i++) {
    words.push(BigInt(s.inferences[i] ?? 0), scoresHash(s.scores[i] ?? [], shape.contributions));
  }
  return poseidonList(words);
}

/** The settlement's roots and binding, as the proof's one public input folds them (§11.3). */
export interface SettlementStatement {
  readonly epoch: number;
  readonly model: number;
  readonly preRoot: Field;
  readonly postRoot: Field;
  readonly epochEndRoot: Field;
  readonly scoresCommitment: Field;
  readonly proverAccount: number;
  readonly treasuryAccount: number;
}

export function settlementPublicInput(t: SettlementStatement): Field {
  return poseidon([
    poseidon([BigInt(t.epoch), BigInt(t.model), t.preRoot, t.postRoot, t.epochEndRoot]),
    poseidon([t.scoresCommitment, BigInt(t.proverAccount), BigInt(t.treasuryAccount)]),
  ]);
}

function padded(xs: readonly bigint[], n: number): bigint[] {
  if (xs.length > n) throw new Error(`${xs.length} values do not fit ${n} lanes`);
  return [...xs, ...Array<bigint>(n - xs.length).fill(0n)];
}
