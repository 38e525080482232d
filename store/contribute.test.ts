import { mkdtempSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { derivePublicKey } from "../protocol/eddsa.ts";
import { DEV_DOMAIN } from "../protocol/genesis.ts";
import { TEST_PARAMS } from "../protocol/params.ts";
import { OPEN_DATANET, rejectionCode } from "../protocol/testing.ts";
import { OpenLedgerProvider } from "../sdk/provider.ts";
import { L2Wallet } from "../sdk/wallet.ts";
import { startNode, type SequencerNode } from "../sequencer/node.ts";
import { depositParam, rpc, tempDir, testKey, testNodeConfig } from "../sequencer/testing.ts";
import { StoreClient } from "./client.ts";
import { contribute, type ContributeRequest } from "./contribute.ts";
import { StoreKey } from "./identity.ts";
import { type RunningStore, startStore } from "./server.ts";

let node: SequencerNode;
let store: RunningStore;
let client: StoreClient;
let wallet: L2Wallet;
let dir: string;

const contributions = async () =>
  ((await rpc(node.url, "ol_getStateRoot")).result as { counters: { contributions: number } }).counters
    .contributions;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "openledger-contribute-lib-"));
  node = await startNode(testNodeConfig(tempDir("contribute-lib")), pino({ level: "silent" }));
  store = await startStore({ dataDir: join(dir, "store"), port: 0 });
  await rpc(node.url, "ol_submitDeposit", [depositParam(0, 0, 1000n)]);
  await rpc(node.url, "ol_submitDeposit", [depositParam(1, 1, 1000n)]);
  const key = { privateKey: testKey(0), publicKey: derivePublicKey(testKey(0)) };
  wallet = new L2Wallet(key, 1, new OpenLedgerProvider(`${node.url}/rpc`), DEV_DOMAIN, TEST_PARAMS);
  client = new StoreClient(store.url, new StoreKey(testKey(0)));
  await wallet.createDatanet(OPEN_DATANET);
});

afterAll(async () => {
  client?.close();
  await store?.stop();
  await node?.stop();
});

describe("contribute", () => {
  it("retries a refused registration with the stored blob, signing again once its nonce is taken", async () => {
    const file = join(dir, "rows.csv");
    await writeFile(file, "0,1,2\n1,3,4\n2,5,6\n");
    const request: ContributeRequest = {
      file,
      format: "csv",
      metadata: {
        version: 1,
        name: "pairs",
        description: "",
        schema: { features: { count: 2, kind: "numeric" }, label: { kind: "class", classes: 3 } },
        license: 1,
      },
      datanet: 1,
      stake: 5000n,
      license: 1,
      fee: 0n,
      refuseDuplicates: true,
      stateDir: join(dir, "state"),
    };
    const stored: string[] = [];
    const events = { stored: (blobId: string) => stored.push(blobId) };
    expect(await rejectionCode(contribute(request, client, wallet, events))).toBe("INSUFFICIENT_BALANCE");
    expect(await contributions()).toBe(0);
    // The kept transaction's nonce goes to another one, and the balance grows.
    await wallet.transfer(2, 1n);
    await rpc(node.url, "ol_submitDeposit", [depositParam(2, 0, 10_000n, 1)]);
    // Uploading the rows again would be refused: they are in the Datanet since the first run.
    const result = await contribute(request, client, wallet, events);
    expect(result).toMatchObject({ contribution: 1, status: "executed", resumed: { upload: true } });
    expect(stored).toEqual([result.blobId, result.blobId]);
    // Nonce 0 created the Datanet; the refused registration's 1 went to the transfer.
    expect((await wallet.provider.getTransaction(result.txHash))?.tx).toMatchObject({ nonce: 2 });
    const again = await contribute(request, client, wallet, events);
    expect(again).toMatchObject({ contribution: 1, txHash: result.txHash, resumed: { registration: true } });
    expect(await contributions()).toBe(1);
  });
});
