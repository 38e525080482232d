import { readFile, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { derivePublicKey } from "../protocol/eddsa.ts";
import { DEV_DOMAIN } from "../protocol/genesis.ts";
import { TEST_PARAMS } from "../protocol/params.ts";
import { ioHash, outputBytes } from "../protocol/provenance/inference.ts";
import { rejectionCode } from "../protocol/testing.ts";
import { depositParam, rpc, testKey } from "../sequencer/testing.ts";
import { L1ProverRegistry } from "../sequencer/l1/prover-registry.ts";
import { L2Wallet } from "../sdk/wallet.ts";
import { InferenceClient } from "./client.ts";
import { onnxLoader } from "./model-cache.ts";
import type { RunningInferenceNode } from "./service.ts";
import { encodeRecord, findRecord } from "../protocol/provenance/inference-record.ts";
import { FEE, registerModel, type Rig, startRig, storeKey, VERIFIER } from "./testing.ts";
import { StoreClient } from "../store/client.ts";
import { verifyEvidence, verifyInference } from "./verify.ts";
import { buildEvidence, checkEvidence, type SlashEvidence } from "./evidence.ts";
import { decodeMlp } from "../prover/models/onnx.ts";
import { fieldToHex } from "../protocol/field.ts";
import { modelHash } from "../protocol/provenance/model-hash.ts";
import { devWallet } from "../contracts/deploy/dev-accounts.ts";
import { operatorSlashProposal } from "../contracts/client/operator-slash.ts";
import { passProposal } from "../contracts/test/governance-helpers.ts";
import type { Contract } from "ethers";

// testKey()s of the prover-reader test's two accounts: no other test here uses them.
const PROVER_KEY = 30;

/** The inference node against a real sequencer, a real store and onnxruntime (docs/inference.md). */
describe("inference node", () => {
  let rig: Rig;
  let node: RunningInferenceNode;
  let alice: InferenceClient;
  // The dishonest operator's inference and its evidence, for the slash that follows.
  let wrong: { id: number; slash: SlashEvidence };

  const account = async (id: number) => {
    const a = await rig.provider.getAccount(id);
    return { balance: a!.balance, nonce: a!.nonce };
  };

  beforeAll(async () => {
    rig = await startRig({ params: TEST_PARAMS, users: 2 });
    node = await rig.serve();
    alice = rig.client(node, rig.users[0]!);
  }, 60_000);

  afterAll(async () => {
    await node?.stop();
    await rig?.stop();
  });

  it("serves a paid inference that debits the user and that a replay verifies", async () => {
    const before = await account(2);
    const x = Array.from(rig.inputs[0]!);
    const { quote, paid } = await alice.infer(rig.model, x);
    expect(quote.payment).toBe(FEE.toString());
    expect(paid.status).toBe("executed");
    // What the user got is what the transaction paid for.
    expect(ioHash(outputBytes(paid.output.probs))).toBe(BigInt(quote.outputHash));
    expect(paid.output.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const after = await account(2);
    expect(BigInt(after.balance)).toBe(BigInt(before.balance) - FEE);
    expect(after.nonce).toBe(before.nonce + 1);

    const record = await rig.provider.getInference(1);
    expect(record).toMatchObject({
      user: 2,
      model: rig.model,
      inputHash: quote.inputHash,
      outputHash: quote.outputHash,
      featureCommitment: quote.featureCommitment,
      payment: FEE.toString(),
    });
    const verdict = await verifyInference(rig.provider, rig.verifier, DEV_DOMAIN, 1);
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.evidence.txHash).toBe(paid.txHash);
    expect(verdict.evidence.operator).toBe(node.node.operatorKey);
    // Attested by the bonded L1 address too; nothing to slash on.
    expect(paid.operatorL1.signer).toBe(await rig.l1.prover.getAddress());
    expect(verdict.evidence.operatorL1).toBe(paid.operatorL1.signer);
    expect(verdict.slash).toBeUndefined();
    // Evidence built against an honest record does not stand.
    // The node stores a batch window's records in one blob: the evidence carries this one.
    const stored = findRecord(await rig.verifier.get(verdict.evidence.inputBlob!), BigInt(quote.inputHash))!;
    const mlp = decodeMlp(rig.modelBytes);
    const e = buildEvidence({
      domain: DEV_DOMAIN,
      inference: 1,
      modelHash: fieldToHex(modelHash(rig.modelBytes)),
      featureCommitment: BigInt(quote.featureCommitment),
      record: encodeRecord(stored),
      mlp,
    });
    expect(checkEvidence(e, mlp)).toEqual(["a re-run agrees with the attested output: nothing to slash"]);
  });

  it("refuses to serve for an L1 address that is not a listed, bonded operator", async () => {
    const unbonded = devWallet(7);
    expect(await rig.operators.isListed(unbonded.address)).toBe(false);
    expect(await rejectionCode(rig.serve({ l1Key: unbonded.signingKey }))).toBe("NOT_OPERATOR");
  });

  it("wraps each stored record for the provers L1 bonds, and refuses to start for one it does not", async () => {
    // Two more accounts: one opened from the bonded prover's L1 address, one from an
    // address that bonds nothing; both have told the store their box keys.
    const next = (await rig.provider.call<{ counters: { accounts: number } }>("ol_getStateRoot")).counters
      .accounts;
    const [bonded, unbonded] = [next + 1, next + 2];
    const senders = [await rig.l1.prover.getAddress(), await rig.l1.alice.getAddress()];
    for (const [i, l1Sender] of senders.entries()) {
      const reply = await rpc(rig.sequencer.url, "ol_submitDeposit", [
        { ...depositParam(next + i, PROVER_KEY + i, 10n ** 6n), l1Sender },
      ]);
      expect(reply.error).toBeUndefined();
    }
    const [prover, stranger] = [PROVER_KEY, PROVER_KEY + 1].map(
      (k) => new StoreClient(rig.store.url, storeKey(k)),
    );
    const registry = new L1ProverRegistry(String(rig.l1.d.rollup.target), rig.l1.ethers.provider);
    const isBonded = (address: string) => registry.isProver(address);
    try {
      for (const c of [prover!, stranger!]) await c.readerIdentity(c.key.identity.key);
      expect(
        await rejectionCode(rig.serve({ readers: [], provers: { accounts: [bonded, unbonded], isBonded } })),
      ).toBe("NOT_BONDED_PROVER");

      const checked = await rig.serve({ readers: [], provers: { accounts: [bonded], isBonded } });
      try {
        const { quote, paid } = await rig
          .client(checked, rig.users[1]!)
          .infer(rig.model, Array.from(rig.inputs[3]!));
        expect(paid.status).toBe("executed");
        const blob = await prover!.get(paid.inputBlob);
        expect(findRecord(blob, BigInt(quote.inputHash))?.model).toBe(rig.model);
        // Nobody else was named: the verifier the rig's other nodes name cannot open it.
        expect(await rejectionCode(rig.verifier.get(paid.inputBlob))).toBe("NOT_GRANTED");
      } finally {
        await checked.stop();
      }
    } finally {
      prover!.close();
      stranger!.close();
    }
  });

  it("refuses bad requests and payments without charging", async () => {
    const before = await account(2);
    const x = Array.from(rig.inputs[1]!);
    const code = (p: Promise<unknown>) => rejectionCode(p);
    expect(await code(alice.quote(rig.model, x.slice(1)))).toBe("BAD_SHAPE");
    expect(await code(alice.quote(rig.model, [x[0]!, Number.NaN, x[2]!, x[3]!]))).toBe("NON_FINITE_INPUT");
    const infinite = await fetch(`${node.url}/v1/models/${rig.model}/quote`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"input":[1,2,3,1e999]}`,
    });
    expect(infinite.status).toBe(400);
    expect(await infinite.json()).toMatchObject({ code: "NON_FINITE_INPUT" });
    expect(await code(alice.quote(rig.model, ["1", 2, 3, 4] as unknown as number[]))).toBe("INVALID_REQUEST");
    expect(await code(alice.quote(99, x))).toBe("UNKNOWN_MODEL");

    // Underpaid: a transaction paying less than the fee.
    const q1 = await alice.quote(rig.model, x);
    expect(await code(alice.pay(q1, { payment: FEE - 1n }))).toBe("UNDERPAID");
    // Signed by another key for alice's account.
    const mallory = new L2Wallet(
      { privateKey: testKey(77), publicKey: derivePublicKey(testKey(77)) },
      2,
      rig.provider,
      DEV_DOMAIN,
      TEST_PARAMS,
    );
    expect(await code(new InferenceClient(node.url, mallory).pay(q1))).toBe("BAD_SIGNATURE");
    // A transaction for other hashes than the quote's.
    expect(await code(alice.pay({ ...q1, outputHash: q1.inputHash }))).toBe("TX_MISMATCH");
    expect(await code(alice.pay(q1, { nonce: 7 }))).toBe("BAD_NONCE");
    expect(await code(alice.pay({ ...q1, quoteId: "00".repeat(16) }))).toBe("UNKNOWN_QUOTE");

    // An expired quote.
    const hasty = await rig.serve({ quoteTtlMs: 1 });
    try {
      const client = rig.client(hasty, rig.users[0]!);
      const q = await client.quote(rig.model, x);
      await new Promise((r) => setTimeout(r, 5));
      expect(await code(client.pay(q))).toBe("QUOTE_EXPIRED");
    } finally {
      await hasty.stop();
    }
    expect(await account(2)).toEqual(before);
    // The quote refused above is still good for a correct payment.
    expect((await alice.pay(q1)).status).toBe("executed");
  });

  it("counts nonces itself and asks the sequencer again after transactions sent elsewhere", async () => {
    const x = Array.from(rig.inputs[2]!);
    const wallet = rig.users[0]!;
    // Paid through the node: its count now says the next nonce.
    expect((await alice.infer(rig.model, x)).paid.status).toBe("executed");
    // A transfer straight to the sequencer: the node's count is one behind.
    const { nonce } = await account(2);
    await wallet.transfer(3, 1n, { nonce });
    const before = await account(2);
    // The stale count matches this nonce, so the sequencer is the one to refuse it: no charge.
    expect(await rejectionCode(alice.pay(await alice.quote(rig.model, x), { nonce }))).toBe("BAD_NONCE");
    expect(await account(2)).toEqual(before);
    // The right nonce differs from the count: the node asks again and takes it.
    expect((await alice.infer(rig.model, x)).paid.status).toBe("executed");
    expect((await account(2)).nonce).toBe(before.nonce + 1);
  });

  it("refuses a model whose stored bytes do not hash to its modelHash", async () => {
    const tampered = Uint8Array.from(rig.modelBytes);
    tampered[tampered.length - 20]! ^= 1;
    const id = await registerModel(rig.owner, rig.ownerStore, rig.modelBytes.slice(0, -1), tampered);
    expect(await rejectionCode(alice.quote(id, Array.from(rig.inputs[0]!)))).toBe("MODEL_UNAVAILABLE");
  });

  it("batches concurrent requests into one onnxruntime call", async () => {
    const batching = await rig.serve({ windowMs: 50, maxBatch: 8 });
    try {
      const client = rig.client(batching, rig.users[1]!);
      await client.model(rig.model);
      const quotes = await Promise.all(
        rig.inputs.slice(0, 16).map((x) => client.quote(rig.model, Array.from(x))),
      );
      expect(new Set(quotes.map((q) => q.quoteId)).size).toBe(16);
      const health = (await (await fetch(`${batching.url}/health`)).json()) as {
        batching: { model: number; calls: number; rows: number }[];
      };
      const stats = health.batching.find((b) => b.model === rig.model)!;
      expect(stats.rows).toBe(16);
      expect(stats.calls).toBeLessThanOrEqual(4);
      // Batched answers are the same as one-by-one answers.
      const alone = await client.quote(rig.model, Array.from(rig.inputs[3]!));
      expect(alone.outputHash).toBe(quotes[3]!.outputHash);
    } finally {
      await batching.stop();
    }
  });

  it("stores the records paid within one window as one blob, each found and verified by its inputHash", async () => {
    const batching = await rig.serve({ windowMs: 300, maxBatch: 8 });
    try {
      const users = [rig.users[0]!, rig.users[1]!].map((u) => rig.client(batching, u));
      const quotes = await Promise.all(
        users.map((c, i) => c.quote(rig.model, Array.from(rig.inputs[7 + i]!))),
      );
      const paid = await Promise.all(users.map((c, i) => c.pay(quotes[i]!)));
      expect(paid[0]!.inputBlob).toBe(paid[1]!.inputBlob);
      const last = Number(
        (await rig.provider.call<{ counters: { inferences: number } }>("ol_getStateRoot")).counters
          .inferences,
      );
      for (const id of [last - 1, last]) {
        const verdict = await verifyInference(rig.provider, rig.verifier, DEV_DOMAIN, id);
        expect(verdict.problems).toEqual([]);
        expect(verdict.evidence.inputBlob).toBe(paid[0]!.inputBlob);
      }
      const blob = await rig.verifier.get(paid[0]!.inputBlob);
      for (const q of quotes) expect(findRecord(blob, BigInt(q.inputHash))?.model).toBe(rig.model);
    } finally {
      await batching.stop();
    }
  });

  it("verify catches an operator's wrong output, and a tampered stored record", async () => {
    // An operator whose runtime swaps the first two probabilities: it hashes and attests
    // what it hands out, so the user's own checks pass, but a replay does not.
    const dishonest = await rig.serve({
      load: async (bytes, dim) => {
        const inner = await onnxLoader(bytes, dim);
        return {
          release: () => inner.release(),
          run: async (x, n) => {
            const { probs } = await inner.run(x, n);
            for (let r = 0; r < n; r++) [probs[r * 3], probs[r * 3 + 1]] = [probs[r * 3 + 1]!, probs[r * 3]!];
            return { probs };
          },
        };
      },
    });
    let id: number;
    try {
      const { paid } = await rig
        .client(dishonest, rig.users[1]!)
        .infer(rig.model, Array.from(rig.inputs[5]!));
      expect(paid.status).toBe("executed");
      id = Number(
        (await rig.provider.call<{ counters: { inferences: number } }>("ol_getStateRoot")).counters
          .inferences,
      );
    } finally {
      await dishonest.stop();
    }
    const verdict = await verifyInference(rig.provider, rig.verifier, DEV_DOMAIN, id);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems.join("\n")).toMatch(/disagrees with the reference forward pass/);
    wrong = { id, slash: verdict.slash! };

    // An honest record, and a forged copy with another output that a third party uploads
    // under the same inputHash for the verifier: the forgery is skipped, not held against the
    // operator.
    const { quote, paid } = await alice.infer(rig.model, Array.from(rig.inputs[6]!));
    const honest = id + 1;
    expect((await verifyInference(rig.provider, rig.verifier, DEV_DOMAIN, honest)).ok).toBe(true);
    const copy = findRecord(await rig.verifier.get(paid.inputBlob), BigInt(quote.inputHash))!;
    const forged = encodeRecord({ ...copy, output: outputBytes([0.5, 0.25, 0.25]) });
    const mallory = new StoreClient(rig.store.url, storeKey(40));
    await mallory.put({
      kind: "input",
      plaintextLength: forged.length,
      plaintext: async function* () {
        yield forged;
      },
      readers: [{ identity: storeKey(VERIFIER).identity, role: "prover" }],
      contentHash: quote.inputHash,
    });
    mallory.close();
    expect((await rig.verifier.findByContent(quote.inputHash)).length).toBe(2);
    expect((await verifyInference(rig.provider, rig.verifier, DEV_DOMAIN, honest)).ok).toBe(true);

    // The honest record's blob altered on disk: the store refuses it, and the forgery is no record.
    const path = rig.store.backend.blobPath(paid.inputBlob);
    const bytes = await readFile(path);
    bytes[bytes.length - 40]! ^= 1;
    await writeFile(path, bytes);
    const tampered = await verifyInference(rig.provider, rig.verifier, DEV_DOMAIN, honest);
    expect(tampered.ok).toBe(false);
    expect(tampered.problems.join("\n")).toMatch(/no stored record/);
  });

  it("takes the wrong output's evidence to a governance slash of the operator's bond", async () => {
    const { l1 } = rig;
    const operator = await l1.prover.getAddress();
    const e = wrong.slash;
    expect(e.operator).toBe(operator);
    expect(e.recomputedOutputHash).not.toBe(e.outputHash);
    expect(checkEvidence(e, decodeMlp(rig.modelBytes))).toEqual([]);
    expect(await verifyEvidence(e, DEV_DOMAIN, rig.provider, rig.verifier, rig.operators)).toEqual([]);
    // Evidence that cites another inference, or another signer, does not stand.
    expect(
      await verifyEvidence({ ...e, inference: 1 }, DEV_DOMAIN, rig.provider, rig.verifier, rig.operators),
    ).not.toEqual([]);
    expect(checkEvidence({ ...e, operator: await l1.alice.getAddress() }, decodeMlp(rig.modelBytes))).toEqual(
      [`the record's L1 attestation is not signed by ${await l1.alice.getAddress()}`],
    );

    const amount = l1.config.l1.minProverBond / 2n;
    const treasury = l1.d.file.contracts.timelock;
    const bond = async () => (await l1.d.rollup.getFunction("operators")(operator)).bond as bigint;
    const treasuryBalance = () => l1.d.token.getFunction("balanceOf")(treasury) as Promise<bigint>;
    const [bondBefore, treasuryBefore] = [await bond(), await treasuryBalance()];
    await (await l1.tokenAs(l1.deployer).getFunction("delegate")(await l1.deployer.getAddress())).wait();
    const from = await l1.ethers.provider.getBlockNumber();
    await passProposal(
      l1.d.governor.connect(l1.deployer) as Contract,
      l1.ethers.provider,
      l1.config.dao,
      operatorSlashProposal({
        rollup: String(l1.d.rollup.target),
        operators: String(l1.d.inferenceOperators.target),
        operator,
        amount,
        inference: wrong.id,
        attestation: e.attestation,
      }),
    );
    expect(await bond()).toBe(bondBefore - amount);
    expect(await treasuryBalance()).toBe(treasuryBefore + amount);
    const events = await rig.operators.contract.queryFilter("OperatorSlashed", from);
    expect(events.map((ev) => ("args" in ev ? [...ev.args] : []))).toEqual([
      [operator, BigInt(wrong.id), e.attestation, bondBefore - amount],
    ]);
    // Its bond no longer meets the minimum: delisted, and it may not serve again.
    expect(await rig.operators.isListed(operator)).toBe(false);
    expect(await rejectionCode(rig.serve())).toBe("NOT_OPERATOR");
  });
});
