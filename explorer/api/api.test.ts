/**
 * The read API against a real sequencer node and the rollup deployed on EDR (explorer/testing.ts):
 * batch 1 proven (final), batch 2 committed, batch 3 proven but not final; then a reward epoch
 * paid out by two settlements, one proven on L1.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { committedSettlement } from "../../contracts/client/settlements.ts";
import { type ExplorerFixture, OPEN, type SettledEpoch, startFixture } from "../testing.ts";
import { startExplorer } from "../server.ts";
import { TxType } from "../../protocol/tx/types.ts";
import { currentL1Params, findGovernance } from "../../sdk/governance/governor.ts";
import { batchStatus, type L1Head } from "./l1-status.ts";

describe("explorer read API", () => {
  let f: ExplorerFixture;
  /** Set by the first reward test: the epoch it paid out. */
  let settled: SettledEpoch;
  const get = async (path: string, base = f.explorer.url) => {
    const res = await fetch(`${base}/api${path}`);
    return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(async () => {
    await f?.stop();
  });

  it("reports both chains' heads", async () => {
    const { status, body } = await get("/status");
    expect(status).toBe(200);
    expect(body.l2.sealedBatches).toBe(3);
    expect(body.l2.counters).toMatchObject({
      accounts: f.bob,
      contributions: 1,
      models: 1,
      inferences: 1,
      datanets: 1,
    });
    expect(body.l2.stateRoot).toMatch(/^0x[0-9a-f]{64}$/);
    expect(body.l1).toMatchObject({ lastCommitted: 3, lastFinalized: 1, frozen: false });
    expect(body.l1.chainId).toBe((await f.s.ethers.provider.getNetwork()).chainId.toString());
    expect(body.l1Error).toBeNull();
  });

  it("lists batches newest first with their L1 status, commit and proof transactions", async () => {
    const { body } = await get("/batches");
    expect(body.total).toBe(3);
    expect(body.items.map((b: { number: number }) => b.number)).toEqual([3, 2, 1]);
    const [third, second, first] = body.items;
    expect(first.l1).toMatchObject({
      status: "final",
      rootMatches: true,
      prover: await f.s.prover.getAddress(),
    });
    expect(second.l1).toMatchObject({ status: "committed", rootMatches: true, prover: null, proveTx: null });
    expect(third.l1).toMatchObject({ status: "proven", prover: await f.s.prover.getAddress() });
    for (const b of body.items) {
      const receipt = await f.s.ethers.provider.getTransactionReceipt(b.l1.commitTx);
      expect(receipt?.to?.toLowerCase()).toBe(String(f.s.d.rollup.target).toLowerCase());
      expect(receipt?.blockNumber).toBe(b.l1.commitBlock);
    }
    const proof = await f.s.ethers.provider.getTransactionReceipt(first.l1.proveTx);
    expect(proof?.from).toBe(await f.s.prover.getAddress());
    expect(second.txCount).toBe(6);
    expect(second.withdrawalCount).toBe(1);

    // Pages near the head of the chain (ol_listBatches alone answers these with nothing).
    const page = async (q: string) =>
      (await get(`/batches?${q}`)).body.items.map((b: { number: number }) => b.number);
    expect(await page("limit=1")).toEqual([3]);
    expect(await page("offset=1&limit=1")).toEqual([2]);
    expect(await page("offset=1&limit=5")).toEqual([2, 1]);
    expect(await page("offset=3")).toEqual([]);
  });

  it("shows a batch: roots, withdrawals and its transactions in order", async () => {
    const { body } = await get("/batches/2");
    const sealed = (await f.node.sequencer.view.batch(2))!;
    expect(body.postStateRoot).toBe(`0x${sealed.postStateRoot.toString(16).padStart(64, "0")}`);
    expect(body.withdrawals).toEqual([{ recipient: f.aliceAddress, amount: (3n * OPEN).toString() }]);
    expect(body).not.toHaveProperty("batchData");
    const txs = await get("/batches/2/transactions");
    expect(txs.body.total).toBe(6);
    expect(txs.body.transactions.map((t: { type: string }) => t.type)).toEqual([
      "stake",
      "createDatanet",
      "registerContribution",
      "registerModel",
      "inference",
      "withdraw",
    ]);
    expect(txs.body.transactions[5]).toMatchObject({
      hash: f.txs.withdraw,
      status: "sealed",
      batch: 2,
      position: 5,
      from: f.alice,
      amount: (3n * OPEN).toString(),
      fee: "1000",
    });
    expect((await get("/batches/2/transactions?offset=3&limit=1")).body.transactions).toHaveLength(1);
  });

  it("decodes a transaction with its receipt and its batch's L1 status", async () => {
    const { body } = await get(`/transactions/${f.txs.transfer.toUpperCase().replace("0X", "0x")}`);
    expect(body).toMatchObject({ hash: f.txs.transfer, type: "transfer", status: "sealed", batch: 1 });
    expect(body.tx).toMatchObject({ from: f.alice, to: f.bob, amount: (5n * OPEN).toString(), nonce: 0 });
    expect(body.receipt).toMatchObject({ account: f.alice, fee: "1000", created: null, withdrawal: null });
    expect(body.l1.status).toBe("final");
    const model = await get(`/transactions/${f.txs.model}`);
    expect(model.body.receipt.created).toEqual({ registry: "model", id: 1 });
    expect(model.body.l1.status).toBe("committed");
  });

  it("shows an account: balance, stake, nonce, L1 address and its transactions, newest first", async () => {
    const { body } = await get(`/accounts/${f.alice}`);
    const a = f.node.sequencer.view.account(f.alice)!;
    expect(body).toMatchObject({
      id: f.alice,
      balance: a.balance.toString(),
      staked: (20n * OPEN).toString(),
      nonce: 6,
      l1Address: f.aliceAddress,
      includesOpenBatch: false,
    });
    expect(body.transactions.map((t: { hash: string }) => t.hash)).toEqual([
      f.txs.withdraw,
      f.txs.model,
      f.txs.contribution,
      f.txs.datanet,
      f.txs.stake,
      f.txs.transfer,
      expect.stringMatching(/^0x/), // the deposit that opened it
    ]);
    const list = await get("/accounts?limit=2");
    expect(list.body.items.map((x: { id: number }) => x.id)).toEqual([f.bob, f.alice]);
  });

  it("serves Datanets, contributions (with their status), models (fee, training set, escrow) and inferences", async () => {
    const c = await get("/contributions/1");
    expect(c.body).toMatchObject({
      id: 1,
      owner: f.alice,
      rowCount: 120,
      stake: (2n * OPEN).toString(),
      status: "accepted",
    });
    expect((await get("/datanets/1")).body).toMatchObject({
      owner: f.alice,
      licenses: ["CC0-1.0"],
      curationMode: "open",
      curators: [],
    });
    expect((await get("/datanets")).body).toMatchObject({ total: 1, items: [{ id: 1 }] });
    const m = await get("/models/1");
    expect(m.body).toMatchObject({
      owner: f.alice,
      inferenceFee: (OPEN / 10n).toString(),
      contributions: [1],
    });
    expect(BigInt(m.body.escrow)).toBe(f.node.sequencer.view.model(1)!.escrow);
    const i = await get("/inferences");
    expect(i.body).toMatchObject({ total: 1, items: [{ id: 1, user: f.bob, model: 1 }] });
  });

  it("searches by transaction hash, batch number, account id and keyword", async () => {
    const q = async (s: string) => (await get(`/search?q=${encodeURIComponent(s)}`)).body.results;
    expect(await q(f.txs.inference)).toEqual([
      { kind: "transaction", id: f.txs.inference, label: `inference transaction ${f.txs.inference}` },
    ]);
    expect((await q("1")).map((r: { kind: string }) => r.kind)).toEqual(["batch", "account"]);
    expect(await q("model 1")).toEqual([{ kind: "model", id: "1", label: "model 1" }]);
    expect(await q(`acct #${f.bob}`)).toEqual([
      { kind: "account", id: String(f.bob), label: `account ${f.bob}` },
    ]);
    expect(await q("batch 99")).toEqual([]);
    expect(await q(`0x${"ab".repeat(32)}`)).toEqual([]);
    expect(await q("hello")).toEqual([]);
  });

  it("reads L1 from block 0 and caches its snapshot when not told otherwise", async () => {
    const defaults = await startExplorer({
      rpcUrl: `${f.node.url}/rpc`,
      l1: f.s.ethers.provider,
      rollup: String(f.s.d.rollup.target),
      port: 0,
    });
    try {
      const { body } = await get("/batches", defaults.url);
      expect(body.items.map((b: { l1: { status: string } }) => b.l1.status)).toEqual([
        "proven",
        "committed",
        "final",
      ]);
    } finally {
      await defaults.stop();
    }
  });

  it("answers failures with a code and a message", async () => {
    expect(await get("/batches/99")).toEqual({
      status: 404,
      body: { error: { code: "NOT_FOUND", message: "batch 99 not found" } },
    });
    expect((await get("/models/5")).body.error.message).toBe("model 5 not found");
    const bad = await get("/batches/abc");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("INVALID_QUERY");
    expect((await get("/transactions/0x12")).body.error.code).toBe("INVALID_QUERY");
    expect((await get("/batches?limit=1000")).status).toBe(400);
    expect(await get("/nothing")).toMatchObject({ status: 404, body: { error: { code: "NOT_FOUND" } } });
  });

  it("keeps L2 pages readable when L1 cannot be read, and names the sequencer's absence without its URL", async () => {
    const noRollup = await startExplorer({
      rpcUrl: `${f.node.url}/rpc`,
      l1: f.s.ethers.provider,
      rollup: "0x000000000000000000000000000000000000dEaD",
      l1CacheMs: 0,
      port: 0,
    });
    const noL1 = await startExplorer({
      rpcUrl: `${f.node.url}/rpc`,
      l1: "http://user:secret@127.0.0.1:9",
      rollup: String(f.s.d.rollup.target),
      port: 0,
    });
    const noSequencer = await startExplorer({
      rpcUrl: "http://user:secret@127.0.0.1:9/rpc",
      l1: f.s.ethers.provider,
      rollup: String(f.s.d.rollup.target),
      port: 0,
    });
    try {
      const { body } = await get("/batches", noRollup.url);
      expect(body.items).toHaveLength(3);
      expect(body.items[0].l1).toBeNull();
      expect(body.l1Error).toMatch(/no contract at the rollup address/);
      const l1Down = await get("/batches", noL1.url);
      expect(l1Down.body.items.map((b: { l1: unknown }) => b.l1)).toEqual([null, null, null]);
      expect(l1Down.body.l1Error).toMatch(/^cannot read the rollup on L1: /);
      expect(l1Down.body.l1Error).not.toContain("secret");
      const down = await get("/status", noSequencer.url);
      expect(down.status).toBe(502);
      expect(down.body.error).toEqual({
        code: "SEQUENCER_UNAVAILABLE",
        message: "the sequencer did not answer ol_getStateRoot",
      });
    } finally {
      await noRollup.stop();
      await noL1.stop();
      await noSequencer.stop();
    }
  });

  it("lists reward epochs and shows one: method, settlements with their L1 commit and proof, paid by role, top contributors", async () => {
    settled = await f.settleEpoch();
    const [first, second] = settled.settlements;
    const { body: list } = await get("/epochs?limit=3");
    // Epochs of one entry: one per sealed entry, and the open entry's.
    expect(list.total).toBe(second + 1);
    expect(list.items.map((e: { epoch: number }) => e.epoch)).toEqual([second, second - 1, second - 2]);
    const { body: listed } = await get(`/epochs?offset=${list.total - 1 - settled.epoch}&limit=1`);
    expect(listed.items).toEqual([
      {
        epoch: settled.epoch,
        firstEntry: settled.epoch + 1,
        lastEntry: settled.epoch + 1,
        closed: true,
        lastInference: 4,
        paid: ((16n * OPEN) / 10n).toString(),
        settlementCount: 2,
      },
    ]);
    expect(list.items[0]).toMatchObject({ closed: false, lastInference: null, settlementCount: 0 });

    const { body } = await get(`/epochs/${settled.epoch}`);
    expect(body).toMatchObject({
      epoch: settled.epoch,
      epochLength: 1,
      closed: true,
      attributionMethod: { id: 1, name: "knnShapley" },
      l1Error: null,
    });
    expect(body.settlements.map((x: { entry: number; model: number }) => [x.entry, x.model])).toEqual([
      [first, 2],
      [second, 1],
    ]);
    const [proven, committed] = body.settlements;
    expect(proven).toMatchObject({
      inferences: [2, 3],
      paid: ((15n * OPEN) / 10n).toString(),
      proverAccount: settled.prover,
    });
    expect(proven.l1).toMatchObject({
      status: "proven",
      rootMatches: true,
      prover: await f.s.prover.getAddress(),
    });
    expect(committed.l1).toMatchObject({ status: "committed", rootMatches: true, proveTx: null });
    for (const x of body.settlements) {
      const receipt = await f.s.ethers.provider.getTransactionReceipt(x.l1.commitTx);
      expect(receipt?.to?.toLowerCase()).toBe(String(f.s.d.rollup.target).toLowerCase());
      // What the proof must open to is L1's own fold of the settlement.
      const sealed = (await f.node.sequencer.view.settlement(x.entry))!;
      const onL1 = await committedSettlement(f.s.d.rollup, x.entry, sealed.queueEnd);
      expect(x.publicInput).toBe(`0x${onL1!.publicInput.toString(16).padStart(64, "0")}`);
    }
    expect((await f.s.ethers.provider.getTransactionReceipt(proven.l1.proveTx))?.from).toBe(
      await f.s.prover.getAddress(),
    );

    // The split of §11.2, by hand from the governance: model 2 (a fine-tune of model 1) took
    // 1 OPEN (Alice's contribution 1 scored 3:1 over Bob's 2) and 0.5 OPEN (Bob's alone);
    // model 1 took 0.1 OPEN (its one contribution, Alice's).
    const g = f.s.config.governance;
    const bps = (x: bigint, b: number) => (x * BigInt(b)) / 10_000n;
    const split = (p: bigint, base: boolean) => {
      const model = bps(p, g.modelBps);
      const baseShare = base ? bps(model, g.baseModelBps) : 0n;
      return {
        prover: bps(p, g.proverBps),
        protocol: bps(p, g.protocolBps),
        owner: model - baseShare,
        base: baseShare,
        pool: p - bps(p, g.proverBps) - bps(p, g.protocolBps) - model,
      };
    };
    const [a, b, c] = [split(OPEN, true), split(OPEN / 2n, true), split(OPEN / 10n, false)];
    const aliceData = (a.pool * 3n) / 4n + c.pool;
    const bobData = a.pool / 4n + b.pool;
    const dust = a.pool - (a.pool * 3n) / 4n - a.pool / 4n;
    expect(body.paidByRole).toEqual({
      total: ((16n * OPEN) / 10n).toString(),
      data: (aliceData + bobData).toString(),
      model: (a.owner + b.owner + c.owner).toString(),
      baseModel: (a.base + b.base).toString(),
      prover: (a.prover + b.prover + c.prover).toString(),
      treasury: (a.protocol + b.protocol + c.protocol + dust).toString(),
    });
    expect(body.topContributors).toEqual(
      [
        { account: f.alice, amount: aliceData.toString(), contributions: [1] },
        { account: f.bob, amount: bobData.toString(), contributions: [2] },
      ].sort((x, y) => (BigInt(y.amount) > BigInt(x.amount) ? 1 : -1)),
    );
  });

  it("shows an inference's attribution per contribution and its fee split, or that it is not settled yet", async () => {
    const [first] = settled.settlements;
    const { body } = await get("/inferences/2");
    expect(body).toMatchObject({ id: 2, model: 2, payment: "0", settlement: first, l1Error: null });
    const at = body.attribution;
    expect(at).toMatchObject({
      settlement: first,
      epoch: settled.epoch,
      attributionMethod: { id: 1, name: "knnShapley" },
      payment: OPEN.toString(),
      accounts: { prover: settled.prover, treasury: settled.treasury, owner: f.alice, baseOwner: f.alice },
    });
    expect(at.l1.status).toBe("proven");
    const sp = Object.fromEntries(Object.entries(at.split).map(([k, v]) => [k, BigInt(v as string)]));
    expect(sp.prover! + sp.protocol! + sp.owner! + sp.base! + sp.pool!).toBe(OPEN);
    const score = (x: bigint) => (x << 32n).toString();
    expect(at.contributions).toEqual([
      {
        contribution: 1,
        owner: f.alice,
        score: score(3n),
        share: 0.75,
        credit: ((sp.pool! * 3n) / 4n).toString(),
      },
      { contribution: 2, owner: f.bob, score: score(1n), share: 0.25, credit: (sp.pool! / 4n).toString() },
    ]);
    expect(BigInt(at.contributions[0].credit) + BigInt(at.contributions[1].credit) + sp.dust!).toBe(sp.pool);

    const bobsOnly = (await get("/inferences/3")).body.attribution;
    expect(bobsOnly.contributions.map((x: { share: number; credit: string }) => [x.share, x.credit])).toEqual(
      [
        [0, "0"],
        [1, bobsOnly.split.pool],
      ],
    );
    // Model 1 is no fine-tune: no base model owner, no base share.
    expect((await get("/inferences/1")).body.attribution).toMatchObject({
      settlement: settled.settlements[1],
      accounts: { baseOwner: null },
      split: { base: "0" },
    });
    expect((await get(`/inferences/${settled.unsettled}`)).body).toMatchObject({
      payment: (OPEN / 4n).toString(),
      settlement: null,
      attribution: null,
    });
    const { body: list } = await get("/inferences");
    expect(list.items.map((i: { id: number; settlement: number | null }) => [i.id, i.settlement])).toEqual([
      [4, null],
      [3, first],
      [2, first],
      [1, settled.settlements[1]],
    ]);
    expect(await get("/epochs/99999")).toEqual({
      status: 404,
      body: { error: { code: "NOT_FOUND", message: "epoch 99999 not found" } },
    });
    expect((await get("/epochs/-1")).body.error.code).toBe("INVALID_QUERY");
    expect((await get("/inferences/99")).body.error.message).toBe("inference 99 not found");
  });

  it("serves what refers to an entry: a Datanet's contributions, a model's inferences and fine-tunes, an account's rewards", async () => {
    const d = (await get("/datanets/1/contributions")).body;
    expect(d).toMatchObject({ datanet: 1, after: 0, nextAfter: null });
    expect(d.items.map((c: { id: number; owner: number }) => [c.id, c.owner])).toEqual([
      [1, f.alice],
      [2, f.bob],
    ]);
    expect((await get("/datanets/1/contributions?after=1&limit=1")).body).toMatchObject({
      items: [{ id: 2 }],
      nextAfter: 2,
    });
    expect((await get("/models/1/use")).body).toMatchObject({
      model: 1,
      fineTunes: [2],
      inferences: [{ id: 1 }],
    });
    const use2 = (await get("/models/2/use")).body;
    expect(use2.inferences.map((i: { id: number }) => i.id)).toEqual([4, 3, 2]);
    expect(use2.fineTunes).toEqual([]);

    const rewards = (await get(`/accounts/${f.alice}/rewards`)).body;
    // Every credit the settlements paid Alice, newest settlement first.
    const credits = [];
    for (const n of [...settled.settlements].reverse()) {
      const s = (await get(`/batches/${n}`)).body;
      for (const c of s.credits)
        if (c.account === f.alice) credits.push({ entry: n, role: c.role, amount: c.amount });
    }
    expect(credits.length).toBeGreaterThan(0);
    expect(
      rewards.items.map((c: { entry: number; role: string; amount: string }) => ({
        entry: c.entry,
        role: c.role,
        amount: c.amount,
      })),
    ).toEqual(credits);
    expect(BigInt(rewards.total)).toBe(credits.reduce((a, c) => a + BigInt(c.amount), 0n));
    expect(rewards.items[0].epoch).toBe(settled.epoch);
    expect((await get("/accounts/99/rewards")).status).toBe(404);
  });

  it("shows governance as L2 applies it and L1's parameters and proposals", async () => {
    const { body } = await get("/governance");
    const g = f.node.sequencer.view.governance;
    expect(body.l2).toMatchObject({
      epochLength: 1,
      dataBps: g.dataBps,
      minModelStake: g.minModelStake.toString(),
    });
    expect(body.l1Error).toBeNull();
    const addresses = await findGovernance(f.s.ethers.provider, String(f.s.d.rollup.target), 0);
    const onL1 = await currentL1Params(f.s.ethers.provider, addresses);
    expect(body.l1.params).toEqual(Object.fromEntries(Object.entries(onL1).map(([k, v]) => [k, String(v)])));
    expect(body.l1.proposals).toEqual([]);
    expect(body.l1.grants).toBeNull();
  });

  it("documents every API route in its OpenAPI document at /docs/json, with swagger-ui at /docs", async () => {
    const doc = (await (await fetch(`${f.explorer.url}/docs/json`)).json()) as {
      openapi: string;
      paths: Record<string, object>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    // fastify's `:id` is OpenAPI's `{id}`.
    const routes = routePaths(f.explorer.app.printRoutes({ commonPrefix: false, method: "GET" }))
      .filter((r) => r.startsWith("/api/") && !r.includes("*"))
      .map((r) => r.replace(/:(\w+)/g, "{$1}"));
    expect(routes.length).toBeGreaterThanOrEqual(20);
    expect(Object.keys(doc.paths).sort()).toEqual([...new Set(routes)].sort());
    // Failures are documented too, from the error schema every route shares.
    const responses = (doc.paths["/api/batches/{number}"] as { get: { responses: object } }).get.responses;
    expect(Object.keys(responses).map((k) => k.toUpperCase())).toEqual(
      expect.arrayContaining(["200", "4XX", "5XX"]),
    );
    const ui = await fetch(`${f.explorer.url}/docs/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain("swagger");
  });

  it("serves the built UI with a strict content policy, the app for every page path", async () => {
    let script = "";
    for (const path of ["/", `/tx/${f.txs.transfer}`, "/batch/1", "/datanet/1"]) {
      const res = await fetch(`${f.explorer.url}${path}`);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
      script = /<script type="module" crossorigin src="(\/assets\/index-[\w-]+\.js)">/.exec(
        await res.text(),
      )![1]!;
    }
    const js = await fetch(`${f.explorer.url}${script}`);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  });

  it("pushes server-sent events as an entry is sealed and committed", async () => {
    const res = await fetch(`${f.explorer.url}/api/events`);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const until = async (re: RegExp) => {
      while (!re.test(text)) text += (await reader.read()).value ?? "";
    };
    await until(/retry: 2000/);
    // The watcher's first read is its baseline: wait for it before changing the chain.
    await new Promise((r) => setTimeout(r, 1500));
    const next = f.node.sequencer.view.sealedBatches + 1;
    await f.send({ type: TxType.Transfer, from: f.alice, to: f.bob, amount: 1n }, "alice");
    await f.node.sequencer.seal();
    await until(new RegExp(`event: (sealed|committed)\ndata: \\{"number":${next},"kind":"batch"`));
    await reader.cancel();
  }, 20_000);
});

/** Full paths from fastify's printRoutes tree, where a child line holds only what it adds to its parent. */
function routePaths(tree: string): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split("\n")) {
    const m = /^([│ ]*)[├└]── (\S+) \(/.exec(line);
    if (!m) continue;
    stack.length = m[1]!.length / 4;
    stack.push(m[2]!);
    out.push(stack.join(""));
  }
  return out;
}

describe("batch status from L1", () => {
  const head = { lastCommitted: 5, lastFinalized: 2 } as L1Head;
  it("is final up to the last finalized batch, then proven, committed or only sealed", () => {
    expect(batchStatus(2, head, true, true)).toBe("final");
    expect(batchStatus(4, head, true, true)).toBe("proven");
    expect(batchStatus(3, head, true, false)).toBe("committed");
    // The head says committed even before the event index has caught up.
    expect(batchStatus(5, head, false, false)).toBe("committed");
    expect(batchStatus(6, head, false, false)).toBe("sealed");
  });
});
