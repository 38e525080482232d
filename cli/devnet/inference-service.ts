import { startInferenceService } from "../../inference/service.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { StoreKey } from "../../store/identity.ts";
import { devProverKey } from "./prover-key.ts";
import type { DevnetService } from "./service.ts";

/**
 * The inference node on the devnet (`openledger serve`): five ports above the L1 (8550 by
 * default, or a free port when the L1's is), over the devnet's sequencer and store. Its
 * operator key is the L2 key of dev account #2 (the prover's), which also reads the stored
 * inputs: on the devnet the prover and the compute operator are one party. A model owner
 * lets it run a model by naming its store identity (`store whoami` with that key) as a
 * reader of the model's blob.
 */
export const inferenceService: DevnetService = {
  name: "inference",
  async start(ctx) {
    const sequencer = ctx.urls.get("sequencer");
    const store = ctx.urls.get("store");
    if (!sequencer || !store)
      throw new Error("the inference node needs the sequencer and the store started before it");
    const domain = { chainId: ctx.chainId, rollup: ctx.deployment.contracts.rollup };
    const { privateKey } = await devProverKey(ctx);
    const node = await startInferenceService({
      sequencer: `${sequencer}/rpc`,
      store,
      domain,
      params: TEST_PARAMS,
      key: privateKey,
      readers: [{ identity: new StoreKey(privateKey).identity, role: "prover" }],
      port: ctx.l1Port === 0 ? 0 : ctx.l1Port + 5,
      logger: ctx.logger,
    });
    return { url: node.url, stop: () => node.stop() };
  },
};
