import { ErrorCode, OpenLedgerError } from "../errors.ts";
import type { Field } from "../field.ts";
import type { GovernanceParams } from "./leaves.ts";

/**
 * Parameter ids of a set-parameter order (queue kind 3, docs/protocol.md section 8), as
 * contracts/governance/ParamsRegistry.sol numbers them.
 */
export const ParamId = {
  RewardSplit: 0,
  EpochLength: 1,
  AttributionMethod: 2,
  MinContributionStake: 3,
  MinModelStake: 4,
} as const;

const BPS = 10_000n;

/**
 * The parameters after setting `paramId` to `value`. An unknown id changes nothing; a value
 * out of its id's range (which ParamsRegistry cannot queue) is refused, as the circuit refuses
 * it. The reward split is one word of five 16-bit basis-point fields (data, model, base
 * model, prover, protocol), so L2 never holds a split that does not sum to 10,000.
 */
export function setParameter(g: GovernanceParams, paramId: number, value: Field): GovernanceParams {
  const fits = (bits: number) => {
    if (value >> BigInt(bits) !== 0n) {
      throw new OpenLedgerError(
        ErrorCode.InvalidTransaction,
        `parameter ${paramId} takes a value below 2^${bits}, got ${value}`,
      );
    }
  };
  switch (paramId) {
    case ParamId.RewardSplit: {
      fits(80);
      const [dataBps, modelBps, baseModelBps, proverBps, protocolBps] = [0, 1, 2, 3, 4].map(
        (k) => (value >> BigInt(16 * k)) & 0xffffn,
      ) as [bigint, bigint, bigint, bigint, bigint];
      if (dataBps + modelBps + proverBps + protocolBps !== BPS || baseModelBps > BPS) {
        throw new OpenLedgerError(
          ErrorCode.InvalidTransaction,
          "a reward split sums to 10,000 basis points, its base-model share at most 10,000",
        );
      }
      return {
        ...g,
        dataBps: Number(dataBps),
        modelBps: Number(modelBps),
        baseModelBps: Number(baseModelBps),
        proverBps: Number(proverBps),
        protocolBps: Number(protocolBps),
      };
    }
    case ParamId.EpochLength:
      fits(32);
      return { ...g, epochLength: Number(value) };
    case ParamId.AttributionMethod:
      fits(32);
      return { ...g, attributionMethod: Number(value) };
    case ParamId.MinContributionStake:
      fits(96);
      return { ...g, minContributionStake: value };
    case ParamId.MinModelStake:
      fits(96);
      return { ...g, minModelStake: value };
    default:
      return g;
  }
}
