import { Contract, JsonRpcProvider, type Signer } from "ethers";
import type { Logger } from "pino";
import { L1QueueRelay } from "../../bridge/queue-relay.ts";
import { ROLLUP_ABI } from "../../contracts/client/rollup-abi.ts";
import type { NodeConfig } from "../../sequencer/node.ts";
import { DirectoryArchive } from "../../contracts/client/blob-archive.ts";
import { L1BatchPoster } from "../../sequencer/l1/l1-poster.ts";
import { L1ProverRegistry } from "../../sequencer/l1/prover-registry.ts";
import { relaySink } from "../../sequencer/l1/relay-sink.ts";
import { L1Finality } from "../../sequencer/l1/finality.ts";
import { type SequencerNode, startNode } from "../../sequencer/node.ts";

/**
 * A sequencer node wired to its L1: sealed entries committed to the rollup by the poster, L1
 * deposits relayed into the node once confirmed, settlement submitters checked against the
 * rollup's bonded provers. Shared by `openledger sequencer` (with --l1) and the devnet.
 */
export interface L1Wiring {
  /** L1 JSON-RPC endpoint. */
  readonly l1Url: string;
  /** The rollup contract (the node's domain names the same one). */
  readonly rollup: string;
  /** The bonded sequencer's L1 signer, given the provider this wiring opens. */
  readonly signer: (provider: JsonRpcProvider) => Signer | Promise<Signer>;
  /** The batch circuit id of the node's layout, which the poster binds commits to (L1BatchPoster). */
  readonly batchCircuitId: number;
  /** First L1 block to scan for earlier commits and queued deposits (the deployment block). */
  readonly fromBlock: number;
  /** Confirmations before a deposit is relayed and before a commit counts as posted. */
  readonly confirmations: number;
  /** How often the deposit queue is polled. */
  readonly pollMs: number;
  /** The reward circuit's id on L1, for settlement entries (see L1PosterOptions). */
  readonly rewardCircuitId?: number;
}

export interface L1SequencerNode {
  readonly node: SequencerNode;
  stop(): Promise<void>;
}

export async function startL1Sequencer(
  config: NodeConfig,
  l1: L1Wiring,
  logger: Logger,
): Promise<L1SequencerNode> {
  const provider = new JsonRpcProvider(l1.l1Url, undefined, {
    staticNetwork: true,
    pollingInterval: 200,
    // ethers caches identical reads for 250 ms by default: a nonce read right after a send
    // would be stale.
    cacheTimeout: -1,
  });
  try {
    const poster = new L1BatchPoster({
      rollup: l1.rollup,
      signer: await l1.signer(provider),
      batchCircuitId: l1.batchCircuitId,
      fromBlock: l1.fromBlock,
      // The poster waits for at least one confirmation: a receipt is what it waits on.
      confirmations: Math.max(1, l1.confirmations),
      rewardCircuitId: l1.rewardCircuitId,
      archive:
        config.rpc.blobArchive === undefined ? undefined : new DirectoryArchive(config.rpc.blobArchive),
      logger,
    });
    const node = await startNode(config, logger, poster, new L1ProverRegistry(l1.rollup, provider), {
      source: new L1Finality(l1.rollup, provider, l1.confirmations),
      pollMs: l1.pollMs,
    });
    const relay = new L1QueueRelay({
      rollup: new Contract(l1.rollup, ROLLUP_ABI, provider),
      sink: relaySink(node),
      fromBlock: l1.fromBlock,
      confirmations: l1.confirmations,
      pollMs: l1.pollMs,
      logger,
    });
    relay.start();
    return {
      node,
      stop: async () => {
        await relay.stop();
        await node.stop();
        provider.destroy();
      },
    };
  } catch (e) {
    provider.destroy();
    throw e;
  }
}
