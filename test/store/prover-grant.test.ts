/**
 * A prover grant checked against L1: the rollup contract on an in-process EDR chain (its
 * deployment bonds one prover) answers whether an L2 account's L1 address is a bonded prover;
 * the L2 accounts come from a sequencer, the box keys from a store.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deploySystem, prepareArtifacts, type System } from "../../contracts/test/fixture.ts";
import { rejectionCode } from "../../protocol/testing.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { L1ProverRegistry } from "../../sequencer/l1/prover-registry.ts";
import { type SequencerNode, startNode } from "../../sequencer/node.ts";
import { depositParam, rpc, tempDir, testKey, testNodeConfig } from "../../sequencer/testing.ts";
import { StoreClient } from "../../store/client.ts";
import { StoreKey } from "../../store/identity.ts";
import { proverReader, proverReaders } from "../../store/roles.ts";
import { type RunningStore, startStore } from "../../store/server.ts";

// L2 accounts 1..3 (test keys 0..2): the owner, one opened from the bonded prover's L1
// address, one from an address that bonds nothing.
const [OWNER, BONDED, UNBONDED] = [1, 2, 3];

let s: System;
let node: SequencerNode;
let store: RunningStore;
let provider: OpenLedgerProvider;
const clients: StoreClient[] = [];

beforeAll(async () => {
  s = await deploySystem(await prepareArtifacts());
  node = await startNode(testNodeConfig(tempDir("prover-grant")), pino({ level: "silent" }));
  provider = new OpenLedgerProvider(`${node.url}/rpc`);
  const senders = [undefined, await s.prover.getAddress(), await s.alice.getAddress()];
  for (const [i, l1Sender] of senders.entries()) {
    const deposit = depositParam(i, i, 1_000_000n);
    await rpc(node.url, "ol_submitDeposit", [l1Sender ? { ...deposit, l1Sender } : deposit]);
  }
  store = await startStore({ dataDir: mkdtempSync(join(tmpdir(), "openledger-prover-grant-")), port: 0 });
  for (let i = 0; i < 3; i++) clients.push(new StoreClient(store.url, new StoreKey(testKey(i))));
  // Every account has made a signed request: the store knows their box keys.
  for (const c of clients) await c.readerIdentity(c.key.identity.key);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await store?.stop();
  await node?.stop();
});

describe("prover grants by L1 bond", () => {
  it("wraps a blob for an account L1 bonds as a prover, and refuses one it does not", async () => {
    const registry = new L1ProverRegistry(String(s.d.rollup.target), s.ethers.provider);
    const isBonded = (address: string) => registry.isProver(address);
    const owner = clients[OWNER - 1]!;
    const plain = new TextEncoder().encode("rows a prover needs");
    const { blob } = await owner.put({
      kind: "raw",
      plaintextLength: plain.length,
      plaintext: async function* () {
        yield plain;
      },
    });

    const prover = await proverReader(provider, owner, BONDED, isBonded);
    expect(prover).toMatchObject({
      account: BONDED,
      role: "prover",
      identity: clients[BONDED - 1]!.key.identity,
    });
    await owner.grant(blob.id, prover.identity, prover.role);
    expect(await clients[BONDED - 1]!.get(blob.id)).toEqual(plain);

    expect(await rejectionCode(proverReader(provider, owner, UNBONDED, isBonded))).toBe("NOT_BONDED_PROVER");
    expect(await rejectionCode(proverReader(provider, owner, 99, isBonded))).toBe("UNKNOWN_ACCOUNT");
    // Several at once: all bonded, or none taken.
    expect((await proverReaders(provider, owner, [BONDED], isBonded)).map((r) => r.account)).toEqual([
      BONDED,
    ]);
    expect(await rejectionCode(proverReaders(provider, owner, [BONDED, UNBONDED], isBonded))).toBe(
      "NOT_BONDED_PROVER",
    );
  });
});
