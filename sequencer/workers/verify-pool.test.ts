import type { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { derivePublicKey } from "../../protocol/eddsa.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { TxType } from "../../protocol/tx/types.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { signedHex, testKey } from "../testing.ts";
import { VerifyPool } from "./verify-pool.ts";

const pool = new VerifyPool({ domain: DEV_DOMAIN, params: TEST_PARAMS }, 2);
afterAll(() => pool.close());

const raw = (key: number) =>
  Buffer.from(signedHex({ type: TxType.Stake, from: 1, nonce: 0, fee: 1n, amount: 5n }, key).slice(2), "hex");
const job = (signer: number) => ({ raw: raw(signer), sender: 1, publicKey: derivePublicKey(testKey(0)) });

describe("signature worker pool", () => {
  it("decodes, hashes and checks signatures on worker threads", async () => {
    const [good, forged, junk] = await Promise.all([
      pool.verify(job(0)),
      pool.verify(job(1)),
      pool.verify({ raw: Uint8Array.of(1, 1, 0), sender: 2, publicKey: derivePublicKey(testKey(0)) }),
    ]);
    expect(good).toMatchObject({ ok: true, valid: true, tx: { type: TxType.Stake, amount: 5n } });
    expect(forged).toMatchObject({ ok: true, valid: false });
    expect(junk).toMatchObject({ ok: false, code: "INVALID_ENCODING" });
  });

  it("replaces a worker that dies, so later jobs still get answers", async () => {
    const slots = (pool as unknown as { slots: { worker: Worker }[] }).slots;
    const dead = slots[0]!.worker;
    await dead.terminate();
    expect(slots[0]!.worker).not.toBe(dead);
    const results = await Promise.all([0, 1, 2, 3].map((sender) => pool.verify({ ...job(0), sender })));
    expect(results.every((r) => r.ok && r.valid)).toBe(true);
  });
});
