import { CodedError, ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import type { SettlementShape } from "../../protocol/rewards/commitment.ts";
import type { OpenLedgerProvider } from "../../sdk/provider.ts";
import { methodOfId } from "../attribution/engine.ts";
import type { AttributableModel, AttributionSources } from "./attributor.ts";
import {
  checkCommitment,
  compareScores,
  type InferenceVerdict,
  type PublishedSettlement,
  type ReplayReport,
  type SettlementVerdict,
} from "./replay.ts";
import { inferenceScores } from "./scores.ts";

export interface ReplayOptions {
  /** L2 records (inference records, governance) through the sequencer's RPC. */
  readonly provider: OpenLedgerProvider;
  /** Models, rows and inputs, each checked against the chain (`storeSources`). */
  readonly sources: AttributionSources;
  /** The epoch's settlements as published (`l1Settlements`). */
  readonly published: (epoch: number) => Promise<readonly PublishedSettlement[]>;
  /** The reward circuit's lanes: the scores commitment pads to them. */
  readonly shape: SettlementShape;
  /** After each inference replayed: `done` of `total`. */
  readonly progress?: (done: number, total: number, inference: number) => void;
}

/**
 * Replays epoch `epoch` (docs/protocol.md §11.7): for every inference its published
 * settlements name, recomputes the payable scores with the governance's method and the
 * spec's parameters from the store's hash-checked data, and sets them against the published
 * ones bit for bit; for every settlement, checks the published scores against the commitment
 * L1 holds. An inference that cannot be replayed (its record or data missing, a model whose
 * bytes do not match the chain) is reported with its error's code, and the rest go on.
 */
export async function replayEpoch(epoch: number, o: ReplayOptions): Promise<ReplayReport> {
  const method = methodOfId((await o.provider.getGovernance()).attributionMethod);
  const published = await o.published(epoch);
  const total = published.reduce((n, p) => n + p.data.inferences.length, 0);
  let done = 0;
  const settlements: SettlementVerdict[] = [];
  for (const p of published) {
    const { model, inferences, scores, proverAccount } = p.data;
    let loaded: AttributableModel | CodedError;
    try {
      loaded = await o.sources.model(model);
    } catch (e) {
      loaded = coded(e);
    }
    const verdicts: InferenceVerdict[] = [];
    for (const [i, inference] of inferences.entries()) {
      verdicts.push(await replayInference(o, method, model, loaded, inference, scores[i]!));
      o.progress?.(++done, total, inference);
    }
    settlements.push({
      entry: p.entry,
      model,
      proverAccount,
      l1TxHash: p.l1TxHash,
      commitment: checkCommitment(p, o.shape),
      inferences: verdicts,
    });
  }
  return { epoch, method, source: "l1", settlements };
}

async function replayInference(
  o: ReplayOptions,
  method: ReturnType<typeof methodOfId>,
  modelId: number,
  model: AttributableModel | CodedError,
  inference: number,
  published: readonly bigint[],
): Promise<InferenceVerdict> {
  const error = (e: CodedError): InferenceVerdict => ({
    inference,
    status: "error",
    code: e.code,
    message: e.message,
  });
  if (model instanceof CodedError) return error(model);
  try {
    const record = await o.provider.getInference(inference);
    if (!record || record.model !== modelId) {
      return error(
        new OpenLedgerError(
          ErrorCode.InferenceNotSettleable,
          `inference ${inference} is not a record of model ${modelId}`,
        ),
      );
    }
    const expected = inferenceScores(method, model, await o.sources.input(record));
    return compareScores(inference, model.training, expected, published);
  } catch (e) {
    return error(coded(e));
  }
}

/** A failure as a coded error; one without a code is a bug here and is rethrown. */
function coded(e: unknown): CodedError {
  if (e instanceof CodedError) return e;
  throw e;
}
