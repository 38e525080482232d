import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import {
  asTimelock,
  deploySystem,
  prepareArtifacts,
  proveStub,
  STUB_BATCH_VERIFIER,
  type System,
} from "../../contracts/test/fixture.ts";
import { hexlify } from "ethers";
import { committedBatch } from "../../contracts/client/batch-roots.ts";
import { batchCommitment } from "../../protocol/batch/layout.ts";
import { blobOpening } from "../../protocol/blob/challenge.ts";
import { EntriesMissingOnL1, type SealedBatch } from "./batch-poster.ts";
import { L1BatchPoster, L1PosterFatalError } from "./l1-poster.ts";

describe("L1BatchPoster: commits sealed batches, never twice", () => {
  let s: System;
  let genesis: bigint;

  const sealed = (number: number, preStateRoot: bigint, postStateRoot: bigint): SealedBatch => {
    const batchData = new Uint8Array([1, 0, 0, 0, number, 0, 0, 0, 2]);
    return {
      kind: "batch",
      number,
      preStateRoot,
      postStateRoot,
      batchData,
      queueStart: 0n,
      queueEnd: 0n,
      queueHashStart: 0n,
      queueHashEnd: 0n,
      withdrawals: [],
      withdrawalsRoot: 0n,
      txHashes: [],
    };
  };
  const poster = (batchCircuitId = STUB_BATCH_VERIFIER.circuitId) =>
    new L1BatchPoster({
      rollup: String(s.d.rollup.target),
      signer: s.sequencer,
      batchCircuitId,
      retryDelayMs: 10,
      attempts: 3,
    });
  const lastCommitted = async () => (await s.d.rollup.getFunction("head")()).lastCommitted;

  beforeAll(async () => {
    s = await deploySystem(await prepareArtifacts());
    genesis = BigInt(s.d.file.genesisStateRoot);
  });
  afterAll(terminateSnarkjsCurve);

  it("commits a batch in a blob, with the commitment the protocol folds from it", async () => {
    const batch = sealed(1, genesis, 101n);
    const posted = await poster().post(batch);
    expect(posted.l1TxHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await lastCommitted()).toBe(1n);
    // The transaction carried one blob, whose versioned hash L1 recorded.
    const tx = await s.ethers.provider.send("eth_getTransactionByHash", [posted.l1TxHash]);
    expect([tx.type, tx.blobVersionedHashes]).toEqual(["0x3", [posted.blobVersionedHash]]);
    const committed = (await committedBatch(s.d.rollup, 1n))!;
    expect(hexlify(committed.blobVersionedHash)).toBe(posted.blobVersionedHash);
    // The opening is the protocol's for this data and this blob; so is the commitment.
    const opening = blobOpening(batch.batchData, committed.blobVersionedHash);
    const expected = batchCommitment(
      { preStateRoot: genesis, postStateRoot: 101n, queueStart: 0n, queueEnd: 0n, withdrawalsRoot: 0n },
      opening,
    );
    expect(posted.commitment).toBe(expected);
    expect(await s.d.rollup.getFunction("commitmentOf")(1n)).toBe(expected);
  });

  it("after a restart, recognises a batch already on L1 and returns its transaction", async () => {
    const nonce = await s.sequencer.getNonce();
    const first = await s.ethers.provider.getTransactionCount(await s.sequencer.getAddress());
    const again = await poster().post(sealed(1, genesis, 101n));
    const [event] = await s.d.rollup.queryFilter(s.d.rollup.filters.BatchCommitted!(1n));
    expect(again.l1TxHash).toBe(event!.transactionHash);
    expect(again.commitment).toBe(await s.d.rollup.getFunction("commitmentOf")(1n));
    expect(await s.sequencer.getNonce()).toBe(nonce);
    expect(await s.ethers.provider.getTransactionCount(await s.sequencer.getAddress())).toBe(first);
  });

  it("refuses, without retrying, a batch that differs from the one L1 holds", async () => {
    await expect(poster().post(sealed(1, genesis, 999n))).rejects.toThrow(L1PosterFatalError);
  });

  it("refuses to skip a batch, naming the last entry L1 holds", async () => {
    const skipping = poster().post(sealed(3, 102n, 103n));
    await expect(skipping).rejects.toThrow(EntriesMissingOnL1);
    await expect(skipping).rejects.toMatchObject({ entry: 3, lastCommitted: 1 });
    await expect(skipping).rejects.toThrow(/entry 2 must be posted first/);
  });

  it("recovers when another transaction took its nonce", async () => {
    const p = poster();
    await p.post(sealed(2, 101n, 102n));
    // The same key sends something else: the poster's cached nonce is stale now.
    await (await s.tokenAs(s.sequencer).getFunction("approve")(s.d.rollup.target, 1n)).wait();
    await p.post(sealed(3, 102n, 103n));
    expect(await lastCommitted()).toBe(3n);
  });

  it("gives up with the contract's reason on a wrong pre-state root", async () => {
    await expect(poster().post(sealed(4, 7n, 104n))).rejects.toThrow(/WrongPreStateRoot|reverted/);
    expect(await lastCommitted()).toBe(3n);
  });

  it("binds its commits to its own batch circuit, so that a proof under another circuit fails", async () => {
    // Circuit 3: the stub verifier registered again for batches, as for another layout.
    const rollup = await asTimelock(s, s.d.rollup);
    await (await rollup.getFunction("setVerifier")(3, s.d.batchVerifier.target, 1)).wait();
    // An id L1 has not registered for batches is refused before any commit.
    await expect(poster(9).post(sealed(4, 103n, 104n))).rejects.toThrow(L1PosterFatalError);
    expect(await lastCommitted()).toBe(3n);

    await poster(3).post(sealed(4, 103n, 104n));
    expect(await s.d.rollup.getFunction("batchCircuit")()).toBe(3n);
    expect((await s.d.rollup.getFunction("batch")(4n)).circuitId).toBe(3n);
    // A prover cannot pick the deployment's circuit for it: a proof of the batch's public input
    // checked by circuit 1's verifier is refused, by circuit 3's accepted.
    const prover = await s.prover.getAddress();
    const proof = await proveStub(s.circuit, await s.d.rollup.getFunction("proofInputOf")(4n, prover));
    const prove = s.rollupAs(s.prover).getFunction("proveBatch");
    await expect(prove(4n, 1, proof)).rejects.toThrow(/InvalidProof|reverted/);
    await (await prove(4n, 3, proof)).wait();

    // Already bound: the next commit sends no setBatchCircuit.
    const nonce = await s.sequencer.getNonce();
    await poster(3).post(sealed(5, 104n, 105n));
    expect(await s.sequencer.getNonce()).toBe(nonce + 1);
    expect((await s.d.rollup.getFunction("batch")(5n)).circuitId).toBe(3n);
  });
});
