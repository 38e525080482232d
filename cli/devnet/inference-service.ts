import { JsonRpcProvider, Network } from "ethers";
import { InferenceOperatorList } from "../../contracts/client/inference-operators.ts";
import { devWallet } from "../../contracts/deploy/dev-accounts.ts";
import { startInferenceService } from "../../inference/service.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { DEV_PROVER, devProverKey } from "./prover-key.ts";
import type { DevnetService } from "./service.ts";

/**
 * The inference node on the devnet (`openledger serve`): five ports above the L1 (8550 by
 * default, or a free port when the L1's is), over the devnet's sequencer and store. Its
 * operator key is the L2 key of dev account #2 (the prover's): on the devnet the prover and the
 * compute operator are one party, whose rollup bond (listed at deployment, devnet.ts) stands
 * behind its attestations. The records it stores are its own (owner envelope), so the prover
 * reads them without being named a reader; no `provers` check is needed. A model owner
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
    const l1 = new JsonRpcProvider(ctx.l1Url, Network.from(ctx.chainId), { staticNetwork: true });
    const node = await startInferenceService({
      l1Key: devWallet(DEV_PROVER).signingKey,
      operators: new InferenceOperatorList(ctx.deployment.contracts.inferenceOperators, l1),
      sequencer: `${sequencer}/rpc`,
      store,
      domain,
      params: TEST_PARAMS,
      key: privateKey,
      port: ctx.l1Port === 0 ? 0 : ctx.l1Port + 5,
      logger: ctx.logger,
    }).finally(() => l1.destroy());
    return { url: node.url, stop: () => node.stop() };
  },
};
