/**
 * The state rebuilt from L1 alone (docs/protocol.md §8.4) against real parts: an EDR chain, a
 * sequencer on LevelDB whose L1 poster keeps a blob archive directory, stub Groth16 proofs.
 * A chain of mixed batches (deposits, transfers, a withdrawal, a Datanet, a contribution, a
 * stake, a model, an inference, a processed forced withdrawal) is rebuilt from its commits'
 * data, queue events and the archive, and every root equals the sequencer's; a tampered blob
 * or training list is refused; then a censored forced withdrawal, a freeze and an exit built
 * from the rebuilt state while the sequencer is stopped.
 */
import { readdirSync } from "node:fs";
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Contract, hexlify } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../circuits/runtime/snarkjs-curve.ts";
import { committedBatch } from "../contracts/client/batch-roots.ts";
import { archivePath, DirectoryArchive, HttpArchive } from "../contracts/client/blob-archive.ts";
import { advanceTime, deploySystem, prepareArtifacts, type System } from "../contracts/test/fixture.ts";
import { PARAM_SETS } from "../protocol/genesis.ts";
import { deriveL2Key, type L2KeyPair } from "../protocol/keys.ts";
import { CurationMode } from "../protocol/tx/types.ts";
import { relaySink } from "../sequencer/l1/relay-sink.ts";
import type { SequencerNode } from "../sequencer/node.ts";
import { tempDir } from "../sequencer/testing.ts";
import { OpenLedgerProvider } from "../sdk/provider.ts";
import { L2Wallet } from "../sdk/wallet.ts";
import { BRIDGE_ABI } from "./bridge-abi.ts";
import { BridgeErrorCode } from "./errors.ts";
import { exitAccount, freezeRollup } from "./escape.ts";
import { exitState } from "./exit-state.ts";
import { replayFinalized, sequencerEntries } from "./finalized-state.ts";
import { l1Entries, rebuildFromL1 } from "./l1-entries.ts";
import { readStateFile, writeStateFile } from "./state-file.ts";
import { depositToL2, forceWithdrawal } from "./l1-orders.ts";
import { L1QueueRelay } from "./queue-relay.ts";
import { finalize, silent, startBridgeNode, waitFor } from "./testing.ts";

const OPEN = 10n ** 18n;
/** The layout the sequencer posts in: small, so that its blobs are quick to compute. */
const SHAPE = { slots: 16, withdrawals: 2, registrySlots: 4 };

describe("rebuild from L1 alone: the blob archive, the queue and the commits", () => {
  let s: System;
  let node: SequencerNode;
  let l2: OpenLedgerProvider;
  let rollupAddress: string;
  let reader: Contract;
  let fromBlock: number;
  let alice: string;
  let aliceKey: L2KeyPair;
  let relay: L1QueueRelay;
  let archiveDir: string;
  /** Entry -> the post-state root the sequencer sealed. */
  const sealedRoots = new Map<number, bigint>();
  let genesis: Parameters<typeof replayFinalized>[2];

  const rebuild = (o: { upTo: number; archive?: string; progress?: (n: number) => void }) =>
    replayFinalized(
      l1Entries(reader, { archive: new DirectoryArchive(o.archive ?? archiveDir), shape: SHAPE, fromBlock }),
      reader,
      genesis,
      { upTo: o.upTo, fromBlock, progress: o.progress },
    );

  const seal = async (): Promise<number> => {
    const b = (await node.sequencer.seal())!;
    sealedRoots.set(b.number, b.postStateRoot);
    return b.number;
  };

  beforeAll(async () => {
    s = await deploySystem(await prepareArtifacts());
    rollupAddress = String(s.d.rollup.target);
    reader = new Contract(rollupAddress, BRIDGE_ABI, s.ethers.provider);
    fromBlock = s.d.file.deployedAtBlock;
    alice = await s.alice.getAddress();
    aliceKey = await deriveL2Key(s.alice, {
      chainId: (await s.ethers.provider.getNetwork()).chainId,
      rollup: rollupAddress,
    });
    archiveDir = tempDir("rebuild-archive");
    node = await startBridgeNode(s, "rebuild", { archive: archiveDir, layout: SHAPE });
    l2 = new OpenLedgerProvider(`${node.url}/rpc`);
    const { domain, params, governance } = await l2.getParams();
    genesis = { domain, params, governance };
    relay = new L1QueueRelay({
      rollup: reader,
      sink: relaySink(node),
      fromBlock,
      confirmations: 0,
      pollMs: 50,
      logger: silent,
    });
  });

  let stopped = false;
  afterAll(async () => {
    if (!stopped) await node?.stop();
    await terminateSnarkjsCurve();
  });

  it("rebuilds every entry of a chain of mixed batches to the sequencer's roots, and refuses a tampered archive", async () => {
    const { domain, params } = await l2.getParams();
    // Batch 1: two deposits open Alice's and Bob's accounts (both driven by Alice's L2 key).
    await depositToL2(rollupAddress, s.alice, { to: 0, key: aliceKey.publicKey, amount: 100n * OPEN });
    await depositToL2(rollupAddress, s.bob, { to: 0, key: aliceKey.publicKey, amount: 50n * OPEN });
    expect(await relay.poll()).toBe(2);
    const [a, b] = [node.sequencer.view.counters.accounts - 1, node.sequencer.view.counters.accounts];
    await seal();
    const wa = new L2Wallet(aliceKey, a, l2, domain, params);
    const wb = new L2Wallet(aliceKey, b, l2, domain, params);
    // Batch 2: a transfer with a fee, a withdrawal, a Datanet, a contribution to it, a stake.
    await wa.transfer(b, 5n * OPEN, { fee: 1000n });
    await wa.withdraw(10n * OPEN, alice);
    await wb.createDatanet({
      metadataHash: 77n,
      licensePolicy: 1 << 1,
      curationMode: CurationMode.Open,
      curators: [],
      minStake: 0n,
    });
    await seal();
    await wb.registerContribution({
      datanet: 1,
      contentRoot: 1234n,
      rowCount: 3,
      license: 1,
      uriCommitment: 99n,
      stake: OPEN,
    });
    await wa.stake(20n * OPEN);
    // Batch 3: a model trained on the contribution (its training list is in the archive, not
    // the blob), an inference of it, and a forced withdrawal the sequencer serves.
    const batch3 = await seal();
    await wa.registerModel({
      modelHash: 5n,
      trainingConfigHash: 6n,
      contributions: [1],
      checkpointCommitment: 7n,
      inferenceFee: 1000n,
      baseModel: 0,
    });
    await wb.inference({ model: 1, inputHash: 11n, outputHash: 12n, featureCommitment: 13n, payment: 2000n });
    await forceWithdrawal(rollupAddress, s.alice, a, 2n * OPEN);
    expect(await relay.poll()).toBe(1);
    const last = await seal();
    expect(last).toBe(batch3 + 1);
    // Four blobs computed and posted on a busy machine: more than committed()'s default wait.
    await waitFor(async () => (await reader.getFunction("head")()).lastCommitted >= BigInt(last), 120_000);

    // Every entry L1 committed, replayed from L1 and the archive: the sequencer's roots.
    const seen: number[] = [];
    const state = await rebuild({ upTo: last, progress: (n) => seen.push(n) });
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(state.root()).toBe(sealedRoots.get(last));
    // The replay checked each entry's root against L1's, and L1 holds the sequencer's.
    for (let n = 1; n <= last; n++) {
      expect((await committedBatch(reader, n, fromBlock))!.roots.postStateRoot).toBe(sealedRoots.get(n));
    }
    // Alice's account is the fee recipient (account 1): the transfer's fee comes back to it.
    expect(a).toBe(1);
    expect(state.accounts.get(a)!.balance).toBe(63n * OPEN);
    expect(state.models.get(1)!.escrow).toBe(2000n);
    expect(state.trainingSets.get(1)).toEqual({ trainingConfigHash: 6n, contributions: [1] });

    // The same archive over HTTP, as the sequencer serves it: the same state.
    const http = new HttpArchive(`${node.url}/archive`);
    const overHttp = await replayFinalized(
      l1Entries(reader, { archive: http, shape: SHAPE, fromBlock }),
      reader,
      genesis,
      { upTo: last, fromBlock },
    );
    expect(overHttp.root()).toBe(state.root());
    expect(await http.batchData(`0x${"00".repeat(32)}`)).toBeUndefined();
    const malformed = await fetch(`${node.url}/archive/blobs/0x12`);
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({
      error: expect.stringMatching(/^bad archive request: params\/hash must match/),
    });

    // A blob changed in the archive (Alice's transfer one unit larger) is refused before replay.
    const tampered = tempDir("rebuild-tampered");
    await cp(archiveDir, tampered, { recursive: true });
    const vh2 = hexlify((await committedBatch(reader, 2, fromBlock))!.blobVersionedHash);
    const file = join(tampered, archivePath.batchData(vh2));
    const data = await readFile(file);
    data[3 + 16]! ^= 1; // the low byte of the first record's fee
    await writeFile(file, data);
    await expect(rebuild({ upTo: last, archive: tampered })).rejects.toMatchObject({
      message: expect.stringMatching(/archive's data for batch 2 is not the blob L1 committed/),
    });
    // A training list swapped for another is refused too: the model leaf's descriptor decides.
    const other = tempDir("rebuild-training");
    await cp(archiveDir, other, { recursive: true });
    const [descriptor] = readdirSync(join(other, "training"));
    await writeFile(
      join(other, "training", descriptor!),
      JSON.stringify({ trainingConfigHash: "0x07", contributions: [1] }),
    );
    await expect(rebuild({ upTo: last, archive: other })).rejects.toMatchObject({
      code: BridgeErrorCode.RootMismatch,
      message: expect.stringMatching(
        /entry 4 cannot be replayed from its posted data: .*does not encode to the posted data/,
      ),
    });
    // And an archive that lost a blob says which batch it lacks.
    const empty = tempDir("rebuild-empty");
    await expect(rebuild({ upTo: 1, archive: empty })).rejects.toMatchObject({
      code: "DATA_UNAVAILABLE",
      message: expect.stringMatching(/no data for batch 1/),
    });
  }, 300_000);

  it("a censored forced withdrawal, a freeze, and an exit built from the rebuilt state with the sequencer stopped", async () => {
    const lastFinal = node.sequencer.view.sealedBatches;
    for (let n = 1; n <= lastFinal; n++) await finalize(s, n);
    const a = 1;
    const forced = await forceWithdrawal(rollupAddress, s.alice, a, 10n * OPEN);
    // The sequencer is gone: nothing serves the forced withdrawal, or the L2 state.
    await node.stop();
    stopped = true;
    await advanceTime(s, s.config.l1.queueDeadlineSeconds + 1n);
    const frozen = await freezeRollup(rollupAddress, s.bob, fromBlock);
    expect(frozen).toMatchObject({ lastFinalized: lastFinal, expiredOperation: forced.operation.index });

    // Genesis first: tree sizes other than the deployment's are named as such.
    const options = { archive: new DirectoryArchive(archiveDir), shape: SHAPE, fromBlock };
    await expect(
      rebuildFromL1(reader, { ...options, genesis: { ...genesis, params: PARAM_SETS.production! } }),
    ).rejects.toMatchObject({
      code: BridgeErrorCode.RootMismatch,
      message: expect.stringMatching(/--params/),
    });
    // The exit's state: the sequencer does not answer, so it comes from L1 and the archive,
    // up to the last finalized entry; without an archive there is nothing to build it from.
    const said: string[] = [];
    const fromDeadSequencer = {
      rpc: `${node.url}/rpc`,
      l1Only: false,
      say: (line: string) => said.push(line),
      fromSequencer: () =>
        replayFinalized(sequencerEntries(l2), reader, genesis, { upTo: lastFinal, fromBlock }),
    };
    await expect(exitState(fromDeadSequencer)).rejects.toMatchObject({ code: BridgeErrorCode.NoStateSource });
    let entries = 0;
    const rebuiltState = await exitState({
      ...fromDeadSequencer,
      fromL1: async () => {
        const rebuilt = await rebuildFromL1(reader, { ...options, genesis });
        entries = rebuilt.entries;
        return rebuilt.state;
      },
    });
    expect(entries).toBe(lastFinal);
    expect(said.at(-1)).toMatch(/does not answer: rebuilding the last finalized state from L1/);
    // Written to a state file and read back, as `rebuild --out` and `bridge exit --state` do.
    const file = join(tempDir("rebuild-state"), "state.bin");
    await writeStateFile(file, rebuiltState, entries);
    const { state, entry } = await exitState({ ...fromDeadSequencer, stateFile: file }).then(async (st) => ({
      state: st,
      entry: (await readStateFile(file)).entry,
    }));
    expect(entry).toBe(lastFinal);
    expect(state.root()).toBe(BigInt(await reader.getFunction("finalizedStateRoot")()));
    const balance = state.accounts.get(a)!;
    const before: bigint = await s.d.token.getFunction("balanceOf")(alice);
    const exit = await exitAccount(rollupAddress, s.bob, state, a);
    expect(exit).toMatchObject({ account: a, to: alice, amount: balance.balance + balance.staked });
    expect(await s.d.token.getFunction("balanceOf")(alice)).toBe(before + exit.amount);
  });
});
