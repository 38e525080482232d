import { buildCircuit, type BuildOptions } from "../../circuits/tools/artifacts.ts";
import { getCircuitSpec } from "../../circuits/tools/registry.ts";
import { ProverError, ProverErrorCode } from "../errors.ts";
import type { SettlementShape } from "../../protocol/rewards/commitment.ts";
import type { RewardCircuit } from "./node.ts";

/**
 * A registered `RewardSettlement` circuit, built (or read from the cache), as a node proves
 * with it: its lanes are its first two template parameters (inferences, contributions), so
 * the shape cannot disagree with the keys.
 */
export async function buildRewardCircuit(
  name: string,
  circuitId: number,
  options: BuildOptions = {},
): Promise<RewardCircuit> {
  const shape = await rewardShape(name);
  const built = await buildCircuit(name, options);
  return { wasm: built.wasm, zkey: built.zkey, circuitId, shape };
}

/** The lanes of registered RewardSettlement circuit `name`, read from the registry (no build). */
export async function rewardShape(name: string): Promise<SettlementShape> {
  const spec = await getCircuitSpec(name);
  if (spec.template !== "RewardSettlement") {
    throw new ProverError(
      ProverErrorCode.WrongCircuit,
      `${name} is a ${spec.template} circuit, not a RewardSettlement circuit`,
    );
  }
  const [inferences, contributions] = spec.params as number[];
  return { inferences: inferences!, contributions: contributions! };
}
