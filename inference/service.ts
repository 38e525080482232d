import { computeAddress, type SigningKey } from "ethers";
import type { Logger } from "pino";
import type { Domain } from "../protocol/domain.ts";
import type { PrivateKey } from "../protocol/eddsa.ts";
import { fieldToHex } from "../protocol/field.ts";
import type { ProtocolParams } from "../protocol/params.ts";
import { OpenLedgerProvider } from "../sdk/provider.ts";
import { type Reader, StoreClient } from "../store/client.ts";
import { fetchModel } from "../store/fetch-content.ts";
import { StoreKey } from "../store/identity.ts";
import { proverReaders } from "../store/roles.ts";
import {
  type ModelLoader,
  ModelCache,
  onnxLoader,
  onnxTextLoader,
  type TextModelLoader,
} from "./model-cache.ts";
import { InferenceNode, type RecordStore } from "./node.ts";
import { SERVE_DEFAULTS } from "./defaults.ts";
import { InferenceError, InferenceErrorCode } from "./errors.ts";
import { buildInferenceServer } from "./server.ts";

export interface InferenceServiceOptions {
  /** The sequencer's JSON-RPC endpoint (…/rpc). */
  readonly sequencer: string;
  readonly store: string;
  readonly domain: Domain;
  readonly params: ProtocolParams;
  /** The operator's L2 key: attestations and store requests are signed with it. */
  readonly key: PrivateKey;
  /** The secp256k1 key of the operator's bonded L1 address: signs the L1 attestations. */
  readonly l1Key: SigningKey;
  /** The L1 list of compute operators (contracts/client/inference-operators.ts fits). */
  readonly operators: { isListed(operator: string): Promise<boolean> };
  /** Plain readers of the stored inputs, as the operator names them. */
  readonly readers?: readonly Reader[];
  /**
   * Provers that read the stored inputs, by L2 account: each must be a bonded prover on L1
   * (`isBonded`, the rollup's `operators(address).prover`), checked once, at start.
   */
  readonly provers?: {
    readonly accounts: readonly number[];
    isBonded(l1Address: string): Promise<boolean>;
  };
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly windowMs?: number;
  readonly maxBatch?: number;
  readonly quoteTtlMs?: number;
  readonly maxQuotes?: number;
  readonly maxModels?: number;
  /** How model bytes become a runnable session; onnxruntime-node by default. */
  readonly load?: ModelLoader;
  /** How a text model's bytes become a runnable session; onnxruntime-node by default. */
  readonly loadText?: TextModelLoader;
  readonly logger: Logger;
}

export interface RunningInferenceNode {
  readonly url: string;
  readonly node: InferenceNode;
  stop(): Promise<void>;
}

/**
 * `openledger serve`: the inference node over its sequencer and store. Models come from
 * the L2 registry and the store (hash-checked), records go to the store under the
 * operator's key for the configured readers, transactions to the sequencer.
 */
export async function startInferenceService(o: InferenceServiceOptions): Promise<RunningInferenceNode> {
  // An operator whose attestations no bond stands behind would sell outputs nobody can be
  // made to answer for: refuse before taking a request.
  const operator = computeAddress(o.l1Key.publicKey);
  if (!(await o.operators.isListed(operator))) {
    throw new InferenceError(
      InferenceErrorCode.NotOperator,
      `${operator} is not a listed compute operator on L1: bond OPEN on the rollup (bond) and list it (InferenceOperators.list) before serving`,
    );
  }
  const provider = new OpenLedgerProvider(o.sequencer);
  const storeClient = new StoreClient(o.store, new StoreKey(o.key));
  // The bonded set is read here only: a prover that unbonds later keeps its envelopes on
  // new records until the node restarts (docs/inference.md).
  const wanted = o.provers;
  let provers: Reader[];
  try {
    provers = wanted
      ? await proverReaders(provider, storeClient, wanted.accounts, (a) => wanted.isBonded(a))
      : [];
  } catch (e) {
    storeClient.close();
    throw e;
  }
  const batch = {
    windowMs: o.windowMs ?? SERVE_DEFAULTS.windowMs,
    maxBatch: o.maxBatch ?? SERVE_DEFAULTS.maxBatch,
  };
  const models = new ModelCache(
    {
      registered: async (id) => {
        const m = await provider.getModel(id);
        return (
          m && { modelHash: BigInt(m.modelHash as string), inferenceFee: BigInt(m.inferenceFee as string) }
        );
      },
      bytes: async (hash) => (await fetchModel(storeClient, hash)).bytes,
    },
    {
      ...batch,
      maxModels: o.maxModels ?? SERVE_DEFAULTS.maxModels,
      load: o.load ?? onnxLoader,
      loadText: o.loadText ?? onnxTextLoader,
    },
  );
  const records: RecordStore = {
    putRecords: async (plaintext, inputHashes, readers) => {
      const { blob } = await storeClient.put({
        kind: "input",
        plaintextLength: plaintext.length,
        plaintext: async function* () {
          yield plaintext;
        },
        readers,
        contentHashes: inputHashes.map(fieldToHex),
      });
      return { blobId: blob.id };
    },
  };
  const node = new InferenceNode(
    {
      domain: o.domain,
      params: o.params,
      key: o.key,
      l1Key: o.l1Key,
      readers: [...(o.readers ?? []), ...provers],
      quoteTtlMs: o.quoteTtlMs ?? SERVE_DEFAULTS.quoteTtlMs,
      maxQuotes: o.maxQuotes ?? SERVE_DEFAULTS.maxQuotes,
      recordBatch: batch,
    },
    models,
    provider,
    records,
    o.logger,
  );
  const app = await buildInferenceServer(node, o.logger);
  let url: string;
  try {
    url = await app.listen({ host: o.host ?? "127.0.0.1", port: o.port ?? SERVE_DEFAULTS.port });
  } catch (e) {
    await models.close();
    storeClient.close();
    throw e;
  }
  o.logger.info({ url, operator: node.operatorKey, l1Operator: operator }, "inference node listening");
  return {
    url,
    node,
    stop: async () => {
      await app.close();
      await models.close();
      storeClient.close();
    },
  };
}
