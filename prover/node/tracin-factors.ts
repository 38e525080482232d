import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { fieldToHex } from "../../protocol/field.ts";
import type { Settlement } from "../../protocol/rewards/settlement.ts";
import type { TracinFactors } from "../../protocol/rewards/tracin-witness.ts";
import type { RollupState } from "../../protocol/state/state.ts";
import { modelContext } from "../attribution/context.ts";
import { settlementFactors } from "../attribution/tracin.ts";
import type { AttributionSources } from "../epochs/attributor.ts";

/**
 * The factors a gradient-method settlement's witness opens, read through the attributor's
 * sources (model bytes, training rows and each inference's input, every byte checked against
 * the chain) and computed by the engine's own functions: the prover proves with the values the
 * attributor valued. Whether they open the model's checkpoint and the records' feature
 * commitments is the witness builder's check, not this one's.
 */
export async function fetchSettlementFactors(
  sources: AttributionSources,
  state: RollupState,
  s: Settlement,
): Promise<TracinFactors> {
  const model = await sources.model(s.model);
  const inputs = await Promise.all(
    s.inferences.map((id) => {
      const record = state.inferences.get(id);
      if (!record) {
        throw new OpenLedgerError(ErrorCode.InvalidTransaction, `inference ${id} does not exist`);
      }
      return sources.input({ model: record.model, inputHash: fieldToHex(record.inputHash) });
    }),
  );
  return settlementFactors(modelContext(model.bytes, model.rows), inputs);
}
