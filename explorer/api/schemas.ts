/**
 * JSON schemas of the read API's params and replies. Fastify validates requests and
 * serializes replies with them, so a reply never carries a field the schema does not name.
 * Amounts are decimal strings (they exceed 2^53); roots and hashes 0x hex.
 */
const str = { type: "string" } as const;
const int = { type: "integer" } as const;
const nullable = <T extends object>(s: T) => ({ anyOf: [s, { type: "null" }] }) as const;

export const hashPattern = "^0x[0-9a-fA-F]{64}$";

export const pageQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    offset: { type: "integer", minimum: 0, default: 0 },
    limit: { type: "integer", minimum: 1, maximum: 100, default: 20 },
  },
} as const;

export interface Page {
  offset: number;
  limit: number;
}

export const idParams = (name: string, max = 0xffffffff) =>
  ({
    type: "object",
    required: [name],
    properties: { [name]: { type: "integer", minimum: 1, maximum: max } },
  }) as const;

export const hashParams = {
  type: "object",
  required: ["hash"],
  properties: { hash: { type: "string", pattern: hashPattern } },
} as const;

export const l1Error = nullable(str);

export const l1Batch = nullable({
  type: "object",
  properties: {
    status: { type: "string", enum: ["sealed", "committed", "proven", "final"] },
    commitTx: nullable(str),
    commitBlock: nullable(int),
    postStateRoot: nullable(str),
    rootMatches: nullable({ type: "boolean" }),
    proveTx: nullable(str),
    prover: nullable(str),
  },
});

export const l1Head = nullable({
  type: "object",
  properties: {
    chainId: str,
    block: int,
    rollup: str,
    lastCommitted: int,
    lastFinalized: int,
    queueCommitted: str,
    frozen: { type: "boolean" },
  },
});

const withdrawal = { type: "object", properties: { recipient: str, amount: str } } as const;

const entryKind = { type: "string", enum: ["batch", "settlement"] } as const;
const credit = {
  type: "object",
  properties: { role: str, account: int, amount: str, contribution: int },
} as const;

export const batchSummary = {
  type: "object",
  properties: {
    kind: entryKind,
    number: int,
    sealedAt: str,
    txCount: int,
    withdrawalCount: int,
    postStateRoot: str,
    feesCredited: str,
    /** What a settlement paid out; null for a batch. */
    paid: nullable(str),
    l1: l1Batch,
  },
} as const;

/** A batch's fields, or a settlement's (docs/protocol.md §11): `kind` tells which are present. */
export const batchDetail = {
  type: "object",
  properties: {
    kind: entryKind,
    number: int,
    sealedAt: str,
    preStateRoot: str,
    postStateRoot: str,
    feeRecipient: int,
    blobVersionedHash: nullable(str),
    commitment: nullable(str),
    queueStart: str,
    queueEnd: str,
    withdrawals: { type: "array", items: withdrawal },
    withdrawalsRoot: str,
    feesCredited: str,
    txCount: int,
    epoch: int,
    epochEnd: int,
    model: int,
    inferences: { type: "array", items: int },
    proverAccount: int,
    treasuryAccount: int,
    scoresCommitment: str,
    epochEndRoot: str,
    publicInput: str,
    paid: str,
    credits: { type: "array", items: credit },
    l1: l1Batch,
    l1Error,
  },
} as const;

export const txSummary = {
  type: "object",
  properties: {
    hash: str,
    type: str,
    status: str,
    batch: nullable(int),
    position: nullable(int),
    from: nullable(int),
    to: nullable(int),
    amount: nullable(str),
    fee: nullable(str),
  },
} as const;

export const txList = {
  type: "object",
  properties: { total: int, offset: int, transactions: { type: "array", items: txSummary } },
} as const;

export const receipt = nullable({
  type: "object",
  properties: {
    status: str,
    batch: int,
    position: int,
    type: str,
    account: int,
    fee: str,
    created: nullable({ type: "object", properties: { registry: str, id: int } }),
    withdrawal: nullable(withdrawal),
  },
});

export const txDetail = {
  type: "object",
  properties: {
    hash: str,
    status: str,
    batch: nullable(int),
    position: nullable(int),
    type: str,
    raw: str,
    // The decoded fields differ per transaction type (protocol/tx/types.ts).
    tx: { type: "object", additionalProperties: true },
    receipt,
    l1: l1Batch,
    l1Error,
  },
} as const;

const publicKey = { type: "object", properties: { x: str, y: str } } as const;

export const accountSummary = {
  type: "object",
  properties: { id: int, publicKey, l1Address: str, balance: str, nonce: int, staked: str },
} as const;

export const accountDetail = {
  type: "object",
  properties: {
    ...accountSummary.properties,
    stateRoot: str,
    leaf: str,
    includesOpenBatch: { type: "boolean" },
    transactions: { type: "array", items: txSummary },
  },
} as const;

export const contribution = {
  type: "object",
  properties: {
    id: int,
    owner: int,
    datanet: int,
    contentRoot: str,
    rowCount: int,
    license: int,
    uriCommitment: str,
    stake: str,
    status: { type: "string", enum: ["pending", "accepted", "rejected"] },
  },
} as const;

export const datanet = {
  type: "object",
  properties: {
    id: int,
    owner: int,
    metadataHash: str,
    licensePolicy: int,
    licenses: { type: "array", items: str },
    curationMode: { type: "string", enum: ["open", "curated"] },
    curators: { type: "array", items: int },
    minStake: str,
  },
} as const;

export const model = {
  type: "object",
  properties: {
    id: int,
    owner: int,
    modelHash: str,
    trainingDescriptor: str,
    trainingConfigHash: nullable(str),
    contributions: nullable({ type: "array", items: int }),
    checkpointCommitment: str,
    inferenceFee: str,
    baseModel: int,
    escrow: str,
  },
} as const;

export const inference = {
  type: "object",
  properties: {
    id: int,
    user: int,
    model: int,
    inputHash: str,
    outputHash: str,
    featureCommitment: str,
    payment: str,
    /** The settlement entry that paid it; null while unsettled. */
    settlement: nullable(int),
  },
} as const;

const attributionMethod = {
  type: "object",
  properties: { id: int, name: nullable(str) },
} as const;

/** An inference with its attribution (docs/protocol.md §11.2), or null while it is unsettled. */
export const inferenceDetail = {
  type: "object",
  properties: {
    ...inference.properties,
    attribution: nullable({
      type: "object",
      properties: {
        settlement: int,
        epoch: int,
        attributionMethod,
        l1: l1Batch,
        payment: str,
        split: {
          type: "object",
          properties: { prover: str, protocol: str, owner: str, base: str, pool: str, dust: str },
        },
        accounts: {
          type: "object",
          properties: { prover: int, treasury: int, owner: int, baseOwner: nullable(int) },
        },
        contributions: {
          type: "array",
          items: {
            type: "object",
            properties: { contribution: int, owner: int, score: str, share: { type: "number" }, credit: str },
          },
        },
      },
    }),
    l1Error,
  },
} as const;

const epochFields = {
  epoch: int,
  firstEntry: int,
  lastEntry: int,
  closed: { type: "boolean" },
  lastInference: nullable(int),
  paid: str,
} as const;

export const epochSummary = {
  type: "object",
  properties: { ...epochFields, settlementCount: int },
} as const;

/** Reward epoch `epoch` (docs/protocol.md §11.1) and the settlements that paid its inferences. */
export const epochDetail = {
  type: "object",
  properties: {
    ...epochFields,
    epochLength: int,
    /** The method its settlements were applied under, or, before any, the one governance names now. */
    attributionMethod,
    settlements: {
      type: "array",
      items: {
        type: "object",
        properties: {
          entry: int,
          model: int,
          inferences: { type: "array", items: int },
          paid: str,
          proverAccount: int,
          publicInput: str,
          attributionMethod,
          l1: l1Batch,
        },
      },
    },
    paidByRole: {
      type: "object",
      properties: { total: str, data: str, model: str, baseModel: str, prover: str, treasury: str },
    },
    topContributors: {
      type: "array",
      items: {
        type: "object",
        properties: { account: int, amount: str, contributions: { type: "array", items: int } },
      },
    },
    l1Error,
  },
} as const;

/** A page of a list, newest first; `total` counts every entry. */
export const listOf = (items: object, extra: Record<string, object> = {}) =>
  ({
    type: "object",
    properties: { total: int, offset: int, items: { type: "array", items }, ...extra },
  }) as const;

export const status = {
  type: "object",
  properties: {
    l2: {
      type: "object",
      properties: {
        stateRoot: str,
        sealedBatches: int,
        openBatch: { type: "object", properties: { number: int, size: int } },
        counters: {
          type: "object",
          properties: { accounts: int, contributions: int, models: int, inferences: int, datanets: int },
        },
      },
    },
    l1: l1Head,
    l1Error,
    l1TxUrl: nullable(str),
  },
} as const;

export const searchReply = {
  type: "object",
  properties: {
    query: str,
    results: {
      type: "array",
      items: { type: "object", properties: { kind: str, id: str, label: str } },
    },
  },
} as const;

/** A Datanet's contributions in id order; `nextAfter` continues the list (null at its end). */
export const datanetContributions = {
  type: "object",
  properties: {
    datanet: int,
    after: int,
    items: { type: "array", items: contribution },
    nextAfter: nullable(int),
  },
} as const;

export const afterQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    after: { type: "integer", minimum: 0, default: 0 },
    limit: { type: "integer", minimum: 1, maximum: 100, default: 20 },
  },
} as const;

/** A model's latest inferences and fine-tunes, found among the newest `scanned` registry entries. */
export const modelUse = {
  type: "object",
  properties: {
    model: int,
    inferences: { type: "array", items: inference },
    fineTunes: { type: "array", items: int },
    scanned: { type: "object", properties: { inferences: int, models: int } },
  },
} as const;

/** What reward settlements credited an account, newest first. */
export const accountRewards = {
  type: "object",
  properties: {
    account: int,
    total: str,
    items: {
      type: "array",
      items: {
        type: "object",
        properties: {
          entry: int,
          epoch: int,
          model: int,
          role: str,
          amount: str,
          contribution: nullable(int),
        },
      },
    },
  },
} as const;

const amountMap = { type: "object", additionalProperties: str } as const;

/** Governance parameters as L2 applies them now and as L1 holds them, with proposals and grants. */
export const governanceReply = {
  type: "object",
  properties: {
    l2: {
      type: "object",
      properties: {
        dataBps: int,
        modelBps: int,
        baseModelBps: int,
        proverBps: int,
        protocolBps: int,
        epochLength: int,
        attributionMethod: int,
        minContributionStake: str,
        minModelStake: str,
      },
    },
    l1: nullable({
      type: "object",
      properties: {
        params: amountMap,
        proposals: {
          type: "array",
          items: {
            type: "object",
            properties: {
              number: int,
              state: str,
              description: str,
              calls: { type: "array", items: str },
              votes: { type: "object", properties: { for: str, against: str, abstain: str } },
            },
          },
        },
        grants: nullable({
          type: "array",
          items: {
            type: "object",
            properties: {
              stream: str,
              beneficiary: str,
              start: str,
              duration: str,
              total: str,
              released: str,
            },
          },
        }),
      },
    }),
    l1Error,
  },
} as const;
