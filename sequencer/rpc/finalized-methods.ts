import { fieldToHex } from "../../protocol/field.ts";
import { registriesHash, stateRoot } from "../../protocol/state/leaves.ts";
import type { FinalizedAccountInfo } from "../../sdk/wire.ts";
import type { FinalizedMirror } from "../finalized/mirror.ts";
import { id, type Method, positional } from "./methods.ts";
import { accountView, siblingsView } from "./views.ts";

/**
 * JSON-RPC over the finalized mirror: `ol_getFinalizedAccount`, an account with its Merkle
 * proof at the last finalized root the node holds, what an exit proves on L1 (bridge/escape.ts
 * checks it against L1's finalized root before sending it).
 */
export function finalizedMethods(mirror: FinalizedMirror): Record<string, Method> {
  return {
    ol_getFinalizedAccount: {
      params: positional(id),
      handler: async ([n]: [number]): Promise<FinalizedAccountInfo | null> => {
        const release = await mirror.hold();
        try {
          const a = mirror.state.accounts.get(n);
          if (!a) return null;
          const proof = mirror.state.proof("accounts", n);
          const roots = mirror.state.roots();
          return {
            ...accountView(n, a),
            entry: mirror.entry,
            proof: {
              stateRoot: fieldToHex(stateRoot(roots)),
              accountsRoot: fieldToHex(roots.accounts),
              registriesHash: fieldToHex(registriesHash(roots)),
              leaf: fieldToHex(proof.leaf),
              siblings: siblingsView(proof.siblings),
            },
          };
        } finally {
          release();
        }
      },
    },
  };
}
