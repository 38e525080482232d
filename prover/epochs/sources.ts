import { type Field } from "../../protocol/field.ts";
import { decodeInput } from "../../protocol/provenance/inference.ts";
import { findRecord, type InferenceRecord } from "../../protocol/provenance/inference-record.ts";
import type { InferenceInfo } from "../../sdk/wire.ts";
import type { StoreClient } from "../../store/client.ts";
import { fetchByContent } from "../../store/fetch-content.ts";
import { ProverError, ProverErrorCode } from "../errors.ts";
import { type ChainAccess, loadTrainingSet } from "../training/store-training.ts";
import type { AttributableModel, AttributionSources } from "./attributor.ts";

/**
 * The attributor's sources over L2 and the store, every byte checked against the chain: a
 * model's bytes and training rows by `loadTrainingSet` (modelHash, each contentRoot, and the
 * register-model values recomputed), an inference's input from the record its node stored
 * (docs/inference.md), accepted only if it is a record of the same model whose input hashes
 * to the chain's inputHash. Models are loaded once per attributor.
 */
export function storeSources(chain: ChainAccess, store: StoreClient): AttributionSources {
  const models = new Map<number, Promise<AttributableModel>>();
  const load = async (id: number): Promise<AttributableModel> => {
    const set = await loadTrainingSet(chain, store, id);
    if (set.mismatches.length > 0) {
      // Valuing rows the model does not commit to would pay the wrong people.
      throw new ProverError(
        ProverErrorCode.InvalidTraining,
        `model ${id}: its bytes and rows do not reproduce the record's ${set.mismatches.join(", ")}`,
      );
    }
    return { bytes: set.bytes, rows: set.rows, training: set.record.contributions ?? [] };
  };
  return {
    model(id) {
      let m = models.get(id);
      if (!m) {
        m = load(id);
        // A failure is not cached: the store may answer next time.
        m.catch(() => models.delete(id));
        models.set(id, m);
      }
      return m;
    },
    async input(record: Pick<InferenceInfo, "model" | "inputHash">) {
      const inputHash = BigInt(record.inputHash);
      const ofModel = (r: InferenceRecord) => r.model === record.model;
      const inputOf = (bytes: Uint8Array): Field => (findRecord(bytes, inputHash, ofModel) ? inputHash : -1n);
      const { bytes } = await fetchByContent(store, "input", inputHash, inputOf);
      return decodeInput(findRecord(bytes, inputHash, ofModel)!.input);
    },
  };
}
