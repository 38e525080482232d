import type { ProtocolParams } from "../../protocol/params.ts";
import { zeroHashes } from "../../protocol/smt.ts";
import { countersHash, type GovernanceParams, paramsHash, stateRoot } from "../../protocol/state/leaves.ts";

/** Root of an empty tree of the given shape (docs/protocol.md section 3: zero_D). */
function emptyRoot(shape: ProtocolParams["accounts"]): bigint {
  return zeroHashes(shape)[shape.depth]!;
}

/**
 * The state root of batch 0: every registry empty, counters zero, the genesis governance
 * parameters (docs/protocol.md section 6). The sequencer's RollupState starts from the same root.
 */
export function genesisStateRoot(protocol: ProtocolParams, governance: GovernanceParams): bigint {
  return stateRoot({
    accounts: emptyRoot(protocol.accounts),
    contributions: emptyRoot(protocol.contributions),
    models: emptyRoot(protocol.models),
    inferences: emptyRoot(protocol.inferences),
    counters: countersHash({ accounts: 0, contributions: 0, models: 0, inferences: 0, datanets: 0 }),
    params: paramsHash(governance),
    datanets: emptyRoot(protocol.datanets),
  });
}
