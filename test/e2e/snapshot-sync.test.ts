/**
 * Snapshot sync (docs/protocol.md §8.5) against real parts: an EDR chain, a sequencer on
 * LevelDB that keeps the finalized state as L1 finalizes its batches, stub Groth16 proofs.
 * A snapshot downloaded from the node's /snapshot and checked against L1 has the root a replay
 * from genesis reaches; a rebuild from it replays only the entries after it; tampered
 * snapshots are refused, each naming what is wrong; an exit proven from the node's finalized
 * state is paid on L1; a prover node started from a snapshot replays only the entries after it.
 */
import { join } from "node:path";
import { Contract } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { DirectoryArchive } from "../../contracts/client/blob-archive.ts";
import { loadVerifiedSnapshot } from "../../contracts/client/snapshot-anchor.ts";
import { advanceTime, deploySystem, prepareArtifacts, type System } from "../../contracts/test/fixture.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import { deriveL2Key, type L2KeyPair } from "../../protocol/keys.ts";
import { type SnapshotHeader, type SnapshotRecord, snapshotHeader } from "../../protocol/snapshot/format.ts";
import { decodeFrames, encodeFrame } from "../../protocol/snapshot/frames.ts";
import { loadSnapshot } from "../../protocol/snapshot/load.ts";
import { relaySink } from "../../sequencer/l1/relay-sink.ts";
import type { SequencerNode } from "../../sequencer/node.ts";
import { tempDir } from "../../sequencer/testing.ts";
import { createBackend } from "../../prover/node/backend.ts";
import { ProverNode } from "../../prover/node/node.ts";
import { SequencerRpcSource } from "../../prover/node/source.ts";
import { openSnapshot, writeSnapshotFile } from "../../sdk/snapshot-io.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { L2Wallet } from "../../sdk/wallet.ts";
import { BRIDGE_ABI } from "../../bridge/bridge-abi.ts";
import { exitAccount, freezeRollup } from "../../bridge/escape.ts";
import { nodeAccounts } from "../../bridge/exit-state.ts";
import { replayFinalized, sequencerEntries, snapshotCursor } from "../../bridge/finalized-state.ts";
import { rebuildFromL1 } from "../../bridge/l1-entries.ts";
import { depositToL2, forceWithdrawal } from "../../bridge/l1-orders.ts";
import { L1QueueRelay } from "../../bridge/queue-relay.ts";
import { finalize, silent, startBridgeNode, waitFor } from "../../bridge/testing.ts";

const OPEN = 10n ** 18n;
const SHAPE = { slots: 16, withdrawals: 2, registrySlots: 4 };

describe("snapshot sync: the finalized state from a node, checked against L1", () => {
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
  let genesis: Parameters<typeof replayFinalized>[2];
  let wa: L2Wallet;
  let a: number;
  let b: number;
  const sealedRoots = new Map<number, bigint>();
  /** The bytes of the snapshot of entry 2, as the node served them. */
  let served: Buffer;

  const seal = async (): Promise<number> => {
    const e = (await node.sequencer.seal())!;
    sealedRoots.set(e.number, e.postStateRoot);
    return e.number;
  };
  const mirrorAt = (n: number) => waitFor(async () => node.finalized!.mirror.entry >= n);
  const bytes = async (chunks: AsyncIterable<Uint8Array>) => {
    const out: Uint8Array[] = [];
    for await (const c of chunks) out.push(c);
    return Buffer.concat(out);
  };
  async function* once(b: Buffer) {
    yield b;
  }
  /** The served snapshot's frames, for tampering. */
  const frames = async () => {
    const out: unknown[] = [];
    for await (const f of decodeFrames(once(served))) out.push(f);
    return out as [SnapshotHeader, ...Array<SnapshotRecord | { end: string; records: number }>];
  };
  const reframe = (values: unknown[]) => Buffer.concat(values.map(encodeFrame));
  const verify = (b: Buffer) => loadVerifiedSnapshot(once(b), reader);

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
    archiveDir = tempDir("snapshot-archive");
    node = await startBridgeNode(s, "snapshot", { archive: archiveDir, layout: SHAPE, finality: true });
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
    // Batch 1: two deposits; batch 2: a transfer with a fee, a withdrawal, a Datanet.
    await depositToL2(rollupAddress, s.alice, { to: 0, key: aliceKey.publicKey, amount: 100n * OPEN });
    await depositToL2(rollupAddress, s.bob, { to: 0, key: aliceKey.publicKey, amount: 50n * OPEN });
    expect(await relay.poll()).toBe(2);
    [a, b] = [1, 2];
    await seal();
    wa = new L2Wallet(aliceKey, a, l2, domain, params);
    await wa.transfer(b, 5n * OPEN, { fee: 1000n });
    await wa.withdraw(10n * OPEN, alice);
    await new L2Wallet(aliceKey, b, l2, domain, params).createDatanet({
      metadataHash: 77n,
      licensePolicy: 1 << 1,
      curationMode: 0,
      curators: [],
      minStake: 0n,
    });
    await seal();
    await finalize(s, 1);
    await finalize(s, 2);
    await mirrorAt(2);
  });

  afterAll(async () => {
    await node?.stop();
    await terminateSnarkjsCurve();
  });

  it("a snapshot from the node has the root a replay from genesis reaches, and a rebuild from it follows later batches", async () => {
    // Batch 3 is committed but not final: the snapshot stays at entry 2.
    await wa.transfer(b, OPEN, { fee: 1000n });
    await seal();
    served = await bytes(await openSnapshot(node.url));
    const loaded = await verify(served);
    expect(loaded.header.entry).toBe(2);
    const replayed = await replayFinalized(sequencerEntries(l2), reader, genesis, { upTo: 2, fromBlock });
    expect(loaded.state.root()).toBe(replayed.root());
    expect(loaded.state.root()).toBe(sealedRoots.get(2));
    expect(loaded.state.accounts.get(b)!.balance).toBe(replayed.accounts.get(b)!.balance);

    // Written to a file and read back, as `snapshot fetch` and `rebuild --snapshot FILE` do.
    const file = join(tempDir("snapshot-file"), "entry-2.snapshot");
    await writeSnapshotFile(file, once(served));
    const fromFile = await loadVerifiedSnapshot(await openSnapshot(file), reader);
    expect(fromFile.state.root()).toBe(sealedRoots.get(2));

    // Batch 3 becomes final: a rebuild from the snapshot replays it alone, from L1 and the archive.
    await finalize(s, 3);
    const replayedEntries: number[] = [];
    const rebuilt = await rebuildFromL1(reader, {
      archive: new DirectoryArchive(archiveDir),
      shape: SHAPE,
      fromBlock,
      genesis,
      from: snapshotCursor(fromFile),
      progress: (n) => replayedEntries.push(n),
    });
    expect(replayedEntries).toEqual([3]);
    expect(rebuilt.entries).toBe(3);
    expect(rebuilt.state.root()).toBe(sealedRoots.get(3));
    // The node's own finalized state follows L1 to the same root.
    await mirrorAt(3);
    const next = await loadVerifiedSnapshot(await openSnapshot(node.url), reader);
    expect(next.header.entry).toBe(3);
    expect(next.state.root()).toBe(rebuilt.state.root());

    // A prover node started from the snapshot of entry 2 replays entry 3 alone, its root
    // checked against L1 (every entry is final: there is nothing to prove).
    const backend = createBackend();
    const logged: string[] = [];
    try {
      const prover = new ProverNode({
        genesis,
        source: new SequencerRpcSource(`${node.url}/rpc`),
        rollup: s.rollupAs(s.prover),
        fromBlock,
        backend,
        circuit: { wasm: "", zkey: "", circuitId: s.d.file.batchCircuitId, shape: SHAPE },
        assignment: { index: 0, of: 1, takeoverSeconds: 600 },
        log: (line) => logged.push(line),
        start: () => loadVerifiedSnapshot(once(served), reader),
      });
      expect(await prover.step()).toEqual({ kind: "idle" });
      expect(prover.replayedBatches).toBe(3);
      expect(logged[0]).toMatch(
        /^starting from a snapshot of entry 2 \(root 0x[0-9a-f]+, checked against L1\)$/,
      );
    } finally {
      await backend.close();
    }
  });

  it("refuses a tampered snapshot, naming what is wrong", async () => {
    const [header, ...rest] = await frames();
    const records = rest.slice(0, -1) as SnapshotRecord[];
    const trailer = rest.at(-1)!;
    const account = (r: SnapshotRecord) => r.tree === "accounts" && r.id === b;

    // A changed balance: the records no longer hash to the header's root.
    const richer = records.map((r) =>
      account(r) && r.tree === "accounts"
        ? { ...r, record: { ...r.record, balance: r.record.balance + 1n } }
        : r,
    );
    await expect(verify(reframe([header, ...richer, trailer]))).rejects.toMatchObject({
      code: ErrorCode.SnapshotRootMismatch,
      message: expect.stringMatching(
        /records hash to state root 0x[0-9a-f]+, not the root .* a record was changed/,
      ),
    });
    // A dropped record, even with the trailer recounted.
    const dropped = records.filter((r) => !account(r));
    await expect(
      verify(reframe([header, ...dropped, { ...trailer, records: dropped.length }])),
    ).rejects.toMatchObject({
      code: ErrorCode.SnapshotInvalid,
      message: `accounts record ${b} is missing: the header counts 2 accounts, and a snapshot holds every one`,
    });
    // A stream cut before its end.
    await expect(verify(served.subarray(0, served.length - 3))).rejects.toMatchObject({
      code: ErrorCode.SnapshotInvalid,
      message: expect.stringMatching(/the stream ends inside frame/),
    });
    // A header root L1 did not commit for the entry: refused before any record is read.
    const forged = { ...header, stateRoot: header.stateRoot + 1n };
    await expect(verify(reframe([forged, ...records, trailer]))).rejects.toMatchObject({
      code: ErrorCode.SnapshotRootMismatch,
      message: expect.stringMatching(/L1 did not commit state root .* for entry 2/),
    });
    // Without L1, the records alone still refuse it.
    await expect(
      loadSnapshot(decodeFrames(once(reframe([forged, ...records, trailer])))),
    ).rejects.toMatchObject({
      code: ErrorCode.SnapshotRootMismatch,
    });
    // Another rollup's snapshot.
    await expect(
      verify(reframe([{ ...header, rollup: alice.toLowerCase() }, ...records, trailer])),
    ).rejects.toMatchObject({
      code: ErrorCode.WrongChain,
    });
    // The true state of an entry L1 has committed but not finalized.
    await wa.transfer(b, OPEN, { fee: 1000n });
    const pending = await seal();
    await waitFor(async () => (await reader.getFunction("head")()).lastCommitted >= BigInt(pending));
    const state = await replayFinalized(sequencerEntries(l2), reader, genesis, { upTo: pending, fromBlock });
    const batch = (await node.sequencer.view.batch(pending))!;
    const notFinal = snapshotHeader(state, pending, batch.kind === "batch" ? batch.withdrawalsRoot : 0n, []);
    await expect(verify(reframe([notFinal, ...records, trailer]))).rejects.toMatchObject({
      code: ErrorCode.NotFinal,
      message: `the snapshot is of entry ${pending}, which L1 has not finalized (it has finalized up to entry 3): a snapshot is taken at a finalized entry only`,
    });
  });

  it("an exit proven from the node's finalized state is paid on L1, without a replay", async () => {
    const lastFinal = node.sequencer.view.sealedBatches;
    await finalize(s, lastFinal);
    // A forced withdrawal the sequencer never serves (the relay is not polled), then a freeze.
    await forceWithdrawal(rollupAddress, s.alice, a, OPEN);
    await advanceTime(s, s.config.l1.queueDeadlineSeconds + 1n);
    await freezeRollup(rollupAddress, s.bob, fromBlock);
    await mirrorAt(lastFinal);
    const accounts = nodeAccounts(l2);
    expect(await accounts.accountsOf(alice)).toEqual([a]);
    const proof = (await accounts.proof(a))!;
    const before: bigint = await s.d.token.getFunction("balanceOf")(alice);
    const exit = await exitAccount(rollupAddress, s.bob, proof, a);
    expect(exit).toMatchObject({ account: a, to: alice });
    expect(exit.amount).toBe(proof.leaf.balance + proof.leaf.staked);
    expect(await s.d.token.getFunction("balanceOf")(alice)).toBe(before + exit.amount);
  });
});
