import { checkAccountKey } from "../../protocol/babyjub.ts";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { decodeSettlementData } from "../../protocol/rewards/encoding.ts";
import { decodeSignature } from "../../protocol/tx/codec.ts";
import { registriesHash } from "../../protocol/state/leaves.ts";
import { type Deposit, TxType } from "../../protocol/tx/types.ts";
import type { ChainParamsInfo, EpochInfo, InferenceInfo } from "../../sdk/wire.ts";
import type { Sequencer } from "../core/sequencer.ts";
import {
  accountView,
  contributionView,
  datanetView,
  entryView,
  governanceView,
  inferenceView,
  modelView,
  receiptView,
  settlementView,
  siblingsView,
  transactionView,
} from "./views.ts";

/**
 * The JSON-RPC methods. Each declares the JSON schema of its params (always an array,
 * positional, as in Ethereum's JSON-RPC); the server validates before the handler runs, so
 * handlers read params without checking them again.
 */
export interface Method {
  readonly params: Record<string, unknown>;
  readonly handler: (params: never) => unknown;
}

const MAX_TX_BYTES = 64 * 1024;
export const id = { type: "integer", minimum: 1, maximum: 0xffffffff } as const;
const hash = { type: "string", pattern: "^0x[0-9a-fA-F]{64}$" } as const;
const uint = { type: "string", pattern: "^[0-9]{1,40}$" } as const;
const page = {
  type: "object",
  additionalProperties: false,
  properties: {
    offset: { type: "integer", minimum: 0 },
    limit: { type: "integer", minimum: 1, maximum: 100 },
  },
} as const;

export const positional = (...items: object[]) =>
  items.length === 0
    ? { type: "array", maxItems: 0 }
    : { type: "array", prefixItems: items, minItems: items.length, maxItems: items.length };
const optionalOne = (item: object) => ({ type: "array", prefixItems: [item], minItems: 0, maxItems: 1 });

function range(p: { offset?: number; limit?: number } | undefined, count: number): number[] {
  const offset = p?.offset ?? 0;
  const limit = p?.limit ?? 20;
  const ids: number[] = [];
  for (let i = offset + 1; i <= Math.min(count, offset + limit); i++) ids.push(i);
  return ids;
}

export function methods(seq: Sequencer, options: { rpcDeposits: boolean }): Record<string, Method> {
  const inference = async (n: number): Promise<InferenceInfo | null> => {
    const r = seq.view.inference(n);
    return r ? inferenceView(n, r, (await seq.view.settledIn(n)) ?? null) : null;
  };
  /** Epochs are counted under the epoch length in force (docs/protocol.md §11.1). */
  const epoch = async (e: number): Promise<EpochInfo | null> => {
    const length = seq.view.governance.epochLength;
    const sealed = seq.view.sealedBatches;
    const [firstEntry, lastEntry] = [e * length + 1, (e + 1) * length];
    // Epochs after the one the open entry belongs to have not begun.
    if (firstEntry > sealed + 1) return null;
    const closed = lastEntry <= sealed;
    const end = closed ? await seq.view.batch(lastEntry) : undefined;
    const settlements = await seq.view.settlementEntries({ epoch: e, offset: 0, limit: Infinity });
    const records = await Promise.all(settlements.map((n) => seq.view.settlement(n)));
    return {
      epoch: e,
      epochLength: length,
      firstEntry,
      lastEntry,
      closed,
      lastInference: end ? end.endState.counters.inferences : null,
      settlements,
      paid: records.reduce((a, r) => a + r!.receipt.paid, 0n).toString(),
    };
  };
  const table: Record<string, Method> = {
    ol_chainId: { params: positional(), handler: () => `0x${seq.config.domain.chainId.toString(16)}` },
    // What a client must sign with (domain), size its proofs by (tree shapes) and replay the
    // chain from (genesis governance): the CLI asks instead of making the user name them.
    ol_getParams: {
      params: positional(),
      handler: (): ChainParamsInfo => ({
        chainId: `0x${seq.config.domain.chainId.toString(16)}`,
        rollup: seq.config.domain.rollup,
        params: seq.config.params,
        genesisGovernance: governanceView(seq.config.governance),
      }),
    },
    ol_sendTransaction: {
      params: positional({
        type: "string",
        pattern: "^0x([0-9a-fA-F]{2})+$",
        maxLength: 2 + 2 * MAX_TX_BYTES,
      }),
      handler: ([raw]: [string]) => seq.submit(Buffer.from(raw.slice(2), "hex")),
    },
    ol_submitSettlement: {
      // The settlement data as L1 publishes it (docs/protocol.md §11.5) and the prover
      // account's 64-byte EdDSA signature over its settlementHash (§11.6), both 0x hex.
      params: positional(
        { type: "string", pattern: "^0x([0-9a-fA-F]{2})+$", maxLength: 2 + 2 * MAX_TX_BYTES },
        { type: "string", pattern: "^0x[0-9a-fA-F]{128}$" },
      ),
      handler: ([data, signature]: [string, string]) =>
        seq.submitSettlement({
          data: decodeSettlementData(Buffer.from(data.slice(2), "hex")),
          signature: decodeSignature(Buffer.from(signature.slice(2), "hex")),
        }),
    },
    ol_getTransaction: {
      params: positional(hash),
      handler: async ([h]: [string]) => {
        const t = await seq.view.transaction(h.toLowerCase());
        return t ? transactionView(t) : null;
      },
    },
    ol_getTransactionReceipt: {
      params: positional(hash),
      handler: async ([h]: [string]) => {
        const t = await seq.view.transaction(h.toLowerCase());
        return t && t.status !== "queued" ? receiptView(t) : null;
      },
    },
    ol_getAccount: {
      params: positional(id),
      handler: async ([n]: [number]) => {
        const found = await seq.view.accountWithProof(n);
        if (!found) return null;
        return {
          ...accountView(n, found.account),
          proof: {
            stateRoot: fieldToHex(found.stateRoot),
            accountsRoot: fieldToHex(found.roots.accounts),
            registriesHash: fieldToHex(registriesHash(found.roots)),
            leaf: fieldToHex(found.proof.leaf),
            siblings: siblingsView(found.proof.siblings),
            // The proof is against the live state, which includes the unsealed batch.
            includesOpenBatch: seq.view.openBatch.size > 0,
          },
        };
      },
    },
    ol_getAccountsByL1Address: {
      params: positional({ type: "string", pattern: "^0x[0-9a-fA-F]{40}$" }),
      handler: ([address]: [string]) => seq.view.accountsOf(address),
    },
    ol_getNonce: { params: positional(id), handler: ([n]: [number]) => seq.view.nonceOf(n) ?? null },
    ol_getBatchNumber: { params: positional(), handler: () => seq.view.sealedBatches },
    ol_getBatch: {
      params: positional({ type: "integer", minimum: 1 }),
      handler: async ([n]: [number]) => {
        const b = await seq.view.batch(n);
        return b ? entryView(b, true) : null;
      },
    },
    ol_getContribution: {
      params: positional(id),
      handler: ([n]: [number]) => {
        const c = seq.view.contribution(n);
        return c ? contributionView(n, c) : null;
      },
    },
    ol_getModel: {
      params: positional(id),
      handler: ([n]: [number]) => {
        const m = seq.view.model(n);
        return m ? modelView(n, m) : null;
      },
    },
    ol_getInference: {
      params: positional(id),
      handler: ([n]: [number]) => inference(n),
    },
    ol_getDatanet: {
      params: positional(id),
      handler: ([n]: [number]) => {
        const d = seq.view.datanet(n);
        return d ? datanetView(n, d) : null;
      },
    },
    ol_getStateRoot: {
      params: positional(),
      handler: async () => {
        const { roots, stateRoot } = await seq.view.roots();
        return {
          stateRoot: fieldToHex(stateRoot),
          accountsRoot: fieldToHex(roots.accounts),
          registriesHash: fieldToHex(registriesHash(roots)),
          counters: seq.view.counters,
          sealedBatches: seq.view.sealedBatches,
          openBatch: seq.view.openBatch,
        };
      },
    },
    ol_getGovernance: {
      params: positional(),
      handler: () => governanceView(seq.view.governance),
    },
    ol_listBatches: {
      params: optionalOne(page),
      handler: async ([p]: [{ offset?: number; limit?: number }?]) => {
        const list = await seq.view.batches((p?.offset ?? 0) + 1, p?.limit ?? 20);
        return list.map((b) => entryView(b, false));
      },
    },
    ol_listTransactions: {
      params: optionalOne({
        type: "object",
        additionalProperties: false,
        properties: {
          account: id,
          batch: { type: "integer", minimum: 1 },
          limit: { type: "integer", minimum: 1, maximum: 100 },
        },
      }),
      handler: async ([p]: [{ account?: number; batch?: number; limit?: number }?]) => {
        const limit = p?.limit ?? 20;
        if (p?.account !== undefined) return seq.view.accountTransactions(p.account, limit);
        const entry = await seq.view.batch(p?.batch ?? seq.view.sealedBatches);
        return entry?.kind === "batch" ? entry.txHashes.slice(0, limit) : [];
      },
    },
    ol_listQueued: {
      params: optionalOne({
        type: "object",
        additionalProperties: false,
        properties: { limit: { type: "integer", minimum: 1, maximum: 100 } },
      }),
      handler: ([p]: [{ limit?: number }?]) =>
        seq.view
          .queued(p?.limit ?? 20)
          .map(({ hash, tx }) => ({ hash, from: tx.from, nonce: tx.nonce, fee: tx.fee.toString() })),
    },
    ol_listAccounts: {
      params: optionalOne(page),
      handler: ([p]: [{ offset?: number; limit?: number }?]) =>
        range(p, seq.view.counters.accounts).map((n) => accountView(n, seq.view.account(n)!)),
    },
    ol_listContributions: {
      // Ids above `offset`, in id order; with `datanet`, only that Datanet's (the last id
      // returned is then the next page's offset).
      params: optionalOne({
        ...page,
        properties: { ...page.properties, datanet: { type: "integer", minimum: 0, maximum: 0xffffffff } },
      }),
      handler: ([p]: [{ offset?: number; limit?: number; datanet?: number }?]) => {
        const count = seq.view.counters.contributions;
        if (p?.datanet === undefined)
          return range(p, count).map((n) => contributionView(n, seq.view.contribution(n)!));
        // A scan: no per-Datanet index is kept, and the registry is read from memory.
        const out = [];
        for (let n = (p.offset ?? 0) + 1; n <= count && out.length < (p.limit ?? 20); n++) {
          const c = seq.view.contribution(n)!;
          if (c.datanet === p.datanet) out.push(contributionView(n, c));
        }
        return out;
      },
    },
    ol_listModels: {
      params: optionalOne(page),
      handler: ([p]: [{ offset?: number; limit?: number }?]) =>
        range(p, seq.view.counters.models).map((n) => modelView(n, seq.view.model(n)!)),
    },
    ol_listDatanets: {
      params: optionalOne(page),
      handler: ([p]: [{ offset?: number; limit?: number }?]) =>
        range(p, seq.view.counters.datanets).map((n) => datanetView(n, seq.view.datanet(n)!)),
    },
    ol_listInferences: {
      params: optionalOne(page),
      handler: ([p]: [{ offset?: number; limit?: number }?]) =>
        Promise.all(range(p, seq.view.counters.inferences).map(inference)),
    },
    ol_getSettlement: {
      params: positional({ type: "integer", minimum: 1 }),
      handler: async ([n]: [number]) => {
        const r = await seq.view.settlement(n);
        return r ? settlementView(r) : null;
      },
    },
    ol_listSettlements: {
      // Ordered by the epoch settled, then by entry; with `epoch`, only that epoch's.
      params: optionalOne({
        ...page,
        properties: { ...page.properties, epoch: { type: "integer", minimum: 0, maximum: 0xffffffff } },
      }),
      handler: async ([p]: [{ offset?: number; limit?: number; epoch?: number }?]) => {
        const entries = await seq.view.settlementEntries({
          epoch: p?.epoch,
          offset: p?.offset ?? 0,
          limit: p?.limit ?? 20,
        });
        return Promise.all(entries.map(async (n) => settlementView((await seq.view.settlement(n))!)));
      },
    },
    ol_getEpoch: {
      params: positional({ type: "integer", minimum: 0, maximum: 0xffffffff }),
      handler: ([e]: [number]) => epoch(e),
    },
  };
  if (options.rpcDeposits) {
    // Devnet and tests only: on a real deployment deposits come from the L1 relay in-process.
    table.ol_submitDeposit = {
      params: positional({
        type: "object",
        additionalProperties: false,
        required: ["queueIndex", "l1Sender", "to", "publicKey", "amount"],
        properties: {
          queueIndex: uint,
          l1Sender: { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" },
          to: { type: "integer", minimum: 0, maximum: 0xffffffff },
          publicKey: {
            type: "object",
            required: ["x", "y"],
            additionalProperties: false,
            properties: { x: hash, y: hash },
          },
          amount: uint,
        },
      }),
      handler: ([d]: [
        {
          queueIndex: string;
          l1Sender: string;
          to: number;
          publicKey: { x: string; y: string };
          amount: string;
        },
      ]) => {
        const deposit: Deposit = {
          type: TxType.Deposit,
          queueIndex: BigInt(d.queueIndex),
          l1Sender: d.l1Sender,
          to: d.to,
          publicKey: { x: BigInt(d.publicKey.x), y: BigInt(d.publicKey.y) },
          amount: BigInt(d.amount),
        };
        if (deposit.amount >= 1n << 96n)
          throw new OpenLedgerError(ErrorCode.InvalidField, "amount must be below 2^96");
        checkAccountKey(deposit.publicKey, "publicKey");
        return seq.executeQueueOp(deposit);
      },
    };
  }
  return table;
}
