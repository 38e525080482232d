/**
 * Test vectors shared by the TypeScript protocol and its circuit twins. `npm run vectors`
 * writes them to twins.json; protocol tests check the TypeScript still produces the file,
 * circuit tests check the circuits produce the same outputs. Neither side can drift alone.
 */

import { type BatchWitness, buildBatchWitness } from "../batch/witness.ts";
import { domainHash } from "../domain.ts";
import { derivePublicKey, signMessage } from "../eddsa.ts";
import type { Field } from "../field.ts";
import { TEST_PARAMS } from "../params.ts";
import { poseidon } from "../poseidon.ts";
import { SparseMerkleTree } from "../smt.ts";
import { accountLeaf } from "../state/leaves.ts";
import { RollupState } from "../state/state.ts";
import { signTx } from "../tx/sign.ts";
import { txFields, txHash } from "../tx/fields.ts";
import { CurationMode, type L2Tx, TxType } from "../tx/types.ts";
import { TEST_GOVERNANCE, TEST_BINDING } from "../testing.ts";
import { spanVectors } from "./spans.ts";

export const VECTOR_DOMAIN = { chainId: 31337n, rollup: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };

/** Deterministic pseudo-random field elements (xorshift over a seed). */
function fieldStream(seed: bigint): () => Field {
  let s = seed;
  return () => {
    s = poseidon([s, 1n]);
    return s;
  };
}

function keyOf(i: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, j) => (i * 37 + j * 11 + 5) & 0xff);
}

const common = { from: 3, nonce: 7, fee: 10n ** 15n };
export const VECTOR_TXS: L2Tx[] = [
  { type: TxType.Transfer, ...common, to: 4, amount: 5n * 10n ** 18n },
  {
    type: TxType.Withdraw,
    ...common,
    amount: 10n ** 18n,
    recipient: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  },
  { type: TxType.Stake, ...common, amount: 100n },
  {
    type: TxType.RegisterContribution,
    ...common,
    datanet: 2,
    contentRoot: 123456789n,
    rowCount: 1000,
    license: 3,
    uriCommitment: 987654321n,
    stake: 10n ** 18n,
  },
  {
    type: TxType.RegisterModel,
    ...common,
    modelHash: 11n,
    trainingConfigHash: 12n,
    contributions: [1, 2, 5],
    checkpointCommitment: 13n,
    inferenceFee: 10n ** 16n,
    baseModel: 0,
  },
  {
    type: TxType.Inference,
    ...common,
    model: 1,
    inputHash: 21n,
    outputHash: 22n,
    featureCommitment: 23n,
    payment: 10n ** 16n,
  },
  {
    type: TxType.CreateDatanet,
    ...common,
    metadataHash: 31n,
    licensePolicy: 0b10110,
    curationMode: CurationMode.Curated,
    curators: [4, 9, 4_000_000_000],
    minStake: 10n ** 18n,
  },
  { type: TxType.Curate, ...common, contribution: 6, accept: false },
];

/** The batch vector's circuit shape: `batch_8x2_2tx_1reg` in circuits/circuits.json. */
export const VECTOR_BATCH_SHAPE = { slots: 2, withdrawals: 1, registrySlots: 1 };

const VECTOR_GOVERNANCE = TEST_GOVERNANCE;

/**
 * Batches of the state transition and their circuit inputs: two deposits open accounts 1 and
 * 2, account 1 creates a Datanet curated by itself; then `batch`: a withdrawal and a
 * contribution registration by account 2 (an account slot and a registry slot), pending; then
 * `curate`: account 1 rejects it, and the stake goes back to account 2.
 */
function batchVectors(next: () => Field) {
  const state = new RollupState(
    { domain: VECTOR_DOMAIN, params: TEST_PARAMS, governance: VECTOR_GOVERNANCE },
    { witness: true },
  );
  const l1Sender = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  const [k1, k2] = [keyOf(20), keyOf(21)];
  const deposit = (queueIndex: bigint, key: Uint8Array) =>
    ({
      type: TxType.Deposit,
      queueIndex,
      l1Sender,
      to: 0,
      publicKey: derivePublicKey(key),
      amount: 10n ** 6n,
    }) as const;
  buildBatchWitness(state, [deposit(0n, k1), deposit(1n, k2)], 1, VECTOR_BATCH_SHAPE, TEST_BINDING);
  const sign = <T extends L2Tx>(tx: T, key: Uint8Array) => signTx(tx, key, VECTOR_DOMAIN, TEST_PARAMS);
  const datanet = {
    type: TxType.CreateDatanet,
    from: 1,
    nonce: 0,
    fee: 2n,
    metadataHash: next(),
    licensePolicy: 0b110,
    curationMode: CurationMode.Curated,
    curators: [1],
    minStake: 200n,
  } as const;
  buildBatchWitness(state, [sign(datanet, k1)], 1, VECTOR_BATCH_SHAPE, TEST_BINDING);
  const txs = [
    sign({ type: TxType.Withdraw, from: 1, nonce: 1, fee: 5n, amount: 700n, recipient: l1Sender }, k1),
    sign(
      {
        type: TxType.RegisterContribution,
        from: 2,
        nonce: 0,
        fee: 3n,
        datanet: 1,
        contentRoot: next(),
        rowCount: 10,
        license: 1,
        uriCommitment: next(),
        stake: 500n,
      },
      k2,
    ),
  ];
  const vector = (w: BatchWitness) => ({
    shape: VECTOR_BATCH_SHAPE,
    input: w.input,
    data: `0x${Buffer.from(w.data).toString("hex")}`,
    postStateRoot: w.claims.postStateRoot,
    versionedHash: `0x${Buffer.from(w.blob.versionedHash).toString("hex")}`,
    z: w.blob.z,
    y: w.blob.y,
    commitment: w.commitment,
    prover: TEST_BINDING.prover,
    publicInput: w.publicInput,
  });
  const batch = vector(buildBatchWitness(state, txs, 2, VECTOR_BATCH_SHAPE, TEST_BINDING));
  const reject = sign(
    { type: TxType.Curate, from: 1, nonce: 2, fee: 1n, contribution: 1, accept: false },
    k1,
  );
  const curate = vector(buildBatchWitness(state, [reject], 2, VECTOR_BATCH_SHAPE, TEST_BINDING));
  return { batch, curate };
}

export function generateTwinVectors() {
  const next = fieldStream(20261124n);
  const poseidon2 = Array.from({ length: 4 }, () => {
    const inputs = [next(), next()];
    return { inputs, out: poseidon(inputs) };
  });

  const shape = TEST_PARAMS.accounts;
  const tree = new SparseMerkleTree(shape);
  for (const i of [1n, 2n, 17n, 63n]) tree.set(i, next());
  const inclusion = [5n, 17n, 63n].map((index) => {
    const p = tree.proof(index);
    return { root: tree.root, index, leaf: p.leaf, siblings: p.siblings };
  });
  // Every slot digit 0..7 at some level: 2 = (2, 0), 40 = (0, 5), 63 = (7, 7), 25 = (1, 3), 52 = (4, 6).
  const updates = [2n, 40n, 63n, 25n, 52n].map((index) => {
    const before = tree.proof(index);
    const oldRoot = tree.root;
    const newLeaf = next();
    tree.set(index, newLeaf);
    return { index, oldLeaf: before.leaf, newLeaf, siblings: before.siblings, oldRoot, newRoot: tree.root };
  });

  const eddsa = [0, 1, 2].map((i) => {
    const sk = keyOf(i);
    const A = derivePublicKey(sk);
    const M = next();
    const sig = signMessage(sk, M);
    return { Ax: A.x, Ay: A.y, R8x: sig.R8.x, R8y: sig.R8.y, S: sig.S, M };
  });

  const dh = domainHash(VECTOR_DOMAIN);
  const txHashes = VECTOR_TXS.map((tx) => ({
    domainHash: dh,
    fields: txFields(tx, TEST_PARAMS),
    hash: txHash(tx, VECTOR_DOMAIN, TEST_PARAMS),
  }));

  const accounts = [
    { balance: 0n, nonce: 0, staked: 0n },
    { balance: (1n << 96n) - 1n, nonce: 2 ** 32 - 1, staked: (1n << 96n) - 1n },
    { balance: 12345n * 10n ** 18n, nonce: 17, staked: 10n ** 18n },
  ].map((state, i) => {
    const pk = derivePublicKey(keyOf(10 + i));
    const account = { publicKey: pk, l1Address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", ...state };
    return {
      ax: pk.x,
      ay: pk.y,
      l1Address: BigInt(account.l1Address),
      balance: state.balance,
      nonce: BigInt(state.nonce),
      staked: state.staked,
      leaf: accountLeaf(account),
    };
  });

  const { batch, curate } = batchVectors(next);

  return {
    poseidon2,
    merkle: { shape, inclusion, updates },
    eddsa,
    txHashes,
    accounts,
    batch,
    curate,
    spans: spanVectors(),
  };
}

export type TwinVectors = ReturnType<typeof generateTwinVectors>;

/** JSON with bigints as decimal strings (what circuits take as input). */
export function vectorsToJson(v: unknown): string {
  return `${JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x), 2)}\n`;
}
