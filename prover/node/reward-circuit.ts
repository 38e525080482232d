import { buildCircuit, type BuildOptions } from "../../circuits/tools/artifacts.ts";
import { getCircuitSpec } from "../../circuits/tools/registry.ts";
import { ProverError, ProverErrorCode } from "../errors.ts";
import type { SettlementShape } from "../../protocol/rewards/commitment.ts";
import type { TracinShape } from "../../protocol/rewards/tracin-witness.ts";
import type { RewardCircuit } from "./node.ts";

/**
 * What a reward circuit checks, told by its template: `RewardSettlement` takes the scores as
 * given, `RewardSettlementTracin` recomputes them from the rows (docs/attribution.md §6), so
 * its witness needs the rows' factors besides the settlement.
 */
export type RewardLanes =
  | { readonly template: "RewardSettlement"; readonly shape: SettlementShape }
  | { readonly template: "RewardSettlementTracin"; readonly shape: TracinShape };

/**
 * A registered reward circuit, built (or read from the cache), as a node proves with it: its
 * lanes are its template parameters, so the shape cannot disagree with the keys.
 */
export async function buildRewardCircuit(
  name: string,
  circuitId: number,
  options: BuildOptions = {},
): Promise<RewardCircuit> {
  const lanes = await rewardLanes(name);
  const built = await buildCircuit(name, options);
  return { ...lanes, wasm: built.wasm, zkey: built.zkey, circuitId };
}

/** The template and lanes of registered reward circuit `name`, read from the registry (no build). */
export async function rewardLanes(name: string): Promise<RewardLanes> {
  const spec = await getCircuitSpec(name);
  // Both templates start with (inferences, contributions); the tracin one goes on with (rows, classes, width).
  const [inferences, contributions, rows, classes, width] = spec.params as number[];
  switch (spec.template) {
    case "RewardSettlement":
      return { template: spec.template, shape: { inferences: inferences!, contributions: contributions! } };
    case "RewardSettlementTracin":
      return {
        template: spec.template,
        shape: {
          inferences: inferences!,
          contributions: contributions!,
          rows: rows!,
          classes: classes!,
          width: width!,
        },
      };
    default:
      throw new ProverError(
        ProverErrorCode.WrongCircuit,
        `${name} is a ${spec.template} circuit, not a RewardSettlement circuit (nor a RewardSettlementTracin one)`,
      );
  }
}

/** The lanes of registered reward circuit `name`: what an attributor sizes its settlements to. */
export async function rewardShape(name: string): Promise<RewardLanes["shape"]> {
  return (await rewardLanes(name)).shape;
}
