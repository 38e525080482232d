import { buildCircuit, type BuildOptions } from "../../circuits/tools/artifacts.ts";
import { getCircuitSpec } from "../../circuits/tools/registry.ts";
import { ProverError, ProverErrorCode } from "../errors.ts";
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
  const spec = await getCircuitSpec(name);
  if (spec.template !== "RewardSettlement") {
    throw new ProverError(
      ProverErrorCode.WrongCircuit,
      `${name} is a ${spec.template} circuit, not a RewardSettlement circuit`,
    );
  }
  const [inferences, contributions] = spec.params as number[];
  const built = await buildCircuit(name, options);
  return {
    wasm: built.wasm,
    zkey: built.zkey,
    circuitId,
    shape: { inferences: inferences!, contributions: contributions! },
  };
}
