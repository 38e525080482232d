/**
 * The built UI in headless Chromium against the explorer's test chain (explorer/testing.ts):
 * the home page, batch -> transaction -> account by clicking, the search box, a new batch
 * arriving by server-sent event, and after a reward epoch the walk home -> Datanet -> model ->
 * inference (its attribution chart) -> epoch, numbers checked against the API, at desktop and
 * phone width. Screenshots land in test-results/explorer/ (gitignored).
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TxType } from "../../protocol/tx/types.ts";
import { type ExplorerFixture, OPEN, startFixture } from "../testing.ts";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = join(import.meta.dirname, "..", "..", "test-results", "explorer");

describe("explorer UI in a browser", () => {
  let f: ExplorerFixture;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];
  const problems: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const api = async (path: string) => (await fetch(`${f.explorer.url}/api${path}`)).json() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium), as .ci/run does`,
      );
    }
    [f, browser] = await Promise.all([
      startFixture(),
      chromium.launch({
        executablePath: CHROMIUM,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
        ],
      }),
    ]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("request", (r) => requested.push(r.url()));
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await f?.stop();
  });

  it("shows the latest batches with their L1 status on the home page", async () => {
    await page.goto(f.explorer.url);
    await page.getByRole("heading", { name: "Latest batches" }).waitFor();
    const rows = page
      .locator("section", { has: page.getByRole("heading", { name: "Latest batches" }) })
      .locator("table.list tbody tr");
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.nth(0).innerText()).toMatch(/^#3\s+proven\s+1\s+0\b/);
    expect(await rows.nth(1).innerText()).toMatch(/^#2\s+committed\s+6\s+1\b/);
    expect(await rows.nth(2).innerText()).toMatch(/^#1\s+final\s+3\s+0\b/);
    expect(await page.locator(".stats").innerText()).toMatch(/final on L1\s+1/);
    expect(await page.locator(".stats").innerText()).toMatch(/Datanets\s+1/i);
    await shot("home");
  });

  it("clicks through batch -> transaction -> account", async () => {
    await page.locator('a[href="/batch/2"]').first().click();
    await page.getByRole("heading", { name: /Batch #2/ }).waitFor();
    expect(await page.locator("table.kv").first().innerText()).toMatch(/status\s+committed/);
    expect(await page.locator("body").innerText()).toContain(f.aliceAddress);
    const txRows = page.locator("table.list").last().locator("tbody tr");
    expect(await txRows.count()).toBe(6);
    await shot("batch");

    await txRows.filter({ hasText: "withdraw" }).getByRole("link").first().click();
    await page.getByRole("heading", { name: /withdraw/ }).waitFor();
    expect(page.url()).toBe(`${f.explorer.url}/tx/${f.txs.withdraw}`);
    const fields = await page.locator("table.kv").nth(1).innerText();
    expect(fields).toMatch(/amount\s+3 OPEN/);
    expect(fields).toContain(`recipient\t${f.aliceAddress}`);
    await shot("tx");

    await page
      .locator("table.kv")
      .nth(1)
      .getByRole("link", { name: `#${f.alice}` })
      .click();
    await page.getByRole("heading", { name: `Account #${f.alice}` }).waitFor();
    const account = await page.locator("table.kv").innerText();
    expect(account).toMatch(/staked\s+20 OPEN/);
    expect(account).toMatch(/nonce\s+6/);
    expect(account).toContain(f.aliceAddress);
    expect(await page.locator("table.list tbody tr").count()).toBe(7);
    await shot("account");

    await page.goBack();
    await page.getByRole("heading", { name: /withdraw/ }).waitFor();
  });

  it("finds a transaction from the search box, and shows models", async () => {
    await page.getByRole("searchbox").fill(f.txs.transfer);
    await page.getByRole("searchbox").press("Enter");
    await page.getByRole("heading", { name: /transfer/ }).waitFor();
    expect(page.url()).toBe(`${f.explorer.url}/tx/${f.txs.transfer}`);
    expect(await page.locator("table.kv").first().innerText()).toMatch(/batch on L1\s+final/);

    await page.getByRole("link", { name: "Models", exact: true }).click();
    await page.getByRole("heading", { name: "Models" }).waitFor();
    expect(await page.locator("table.list tbody tr").innerText()).toMatch(/#1\s+#1\s+0\.1 OPEN/);
    await page.getByRole("link", { name: "#1" }).first().click();
    await page.getByRole("heading", { name: "Model #1" }).waitFor();
    expect(await page.locator("table.kv").innerText()).toMatch(/contributions\s+#1/);
    await shot("model");
  });

  it("shows a new batch without reload, pushed by a server-sent event", async () => {
    await page.getByRole("link", { name: "Batches", exact: true }).click();
    const rows = page.locator("table.list tbody tr");
    await expect.poll(() => rows.count()).toBe(3);
    // A marker a reload would wipe.
    // (Expressions as strings: this file is type-checked for Node, without the DOM's types.)
    await page.evaluate("window.marker = 1");
    await page.waitForTimeout(1500); // the watcher's baseline read
    await f.send({ type: TxType.Transfer, from: f.bob, to: f.alice, amount: 1n }, "bob");
    await f.node.sequencer.seal();
    await expect.poll(() => rows.first().innerText(), { timeout: 10_000 }).toMatch(/^#4\s/);
    expect(await page.evaluate("window.marker")).toBe(1);
  });

  it("shows a reward epoch, its settlements and an inference's attribution and fee split", async () => {
    const settled = await f.settleEpoch();
    const [first, second] = settled.settlements;
    await page.getByRole("link", { name: "Epochs", exact: true }).click();
    await page.getByRole("heading", { name: "Reward epochs" }).waitFor();
    // Newest first, one epoch per entry: the last settlement's entry is the open entry's epoch.
    const epochRow = page.locator("table.list tbody tr").nth(second - settled.epoch);
    expect(await epochRow.innerText()).toMatch(
      new RegExp(`^#${settled.epoch}\\s+#${settled.epoch + 1}\\s+closed\\s+4\\s+2\\s+1\\.6 OPEN`),
    );
    await epochRow.getByRole("link", { name: `#${settled.epoch}`, exact: true }).click();

    await page.getByRole("heading", { name: `Epoch #${settled.epoch}` }).waitFor();
    const summary = await page.locator("table.kv").first().innerText();
    expect(summary).toMatch(/attribution method\s+knnShapley \(method 1\)/);
    expect(summary).toMatch(/paid\s+1\.6 OPEN/);
    const rows = page.locator("table.list").first().locator("tbody tr");
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toMatch(
      new RegExp(`^#${first}\\s+#2\\s+#2, #3\\s+1\\.5 OPEN\\s+knnShapley\\s+proven\\s+0x`),
    );
    expect(await rows.nth(1).innerText()).toMatch(
      new RegExp(`^#${second}\\s+#1\\s+#1\\s+0\\.1 OPEN\\s+knnShapley\\s+committed\\s+0x\\S+\\s+–$`),
    );
    const top = page.locator("table.list").last().locator("tbody tr");
    expect(await top.count()).toBe(2);
    expect(await top.allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`^#${f.alice}\\s+#1\\s+\\d`))]),
    );
    await shot("epoch");

    await rows.nth(0).getByRole("link", { name: "#2", exact: true }).last().click();
    await page.getByRole("heading", { name: "Inference #2" }).waitFor();
    await page.getByRole("heading", { name: "Attribution and fee split" }).waitFor();
    const settledIn = await page.locator("table.kv").nth(1).innerText();
    expect(settledIn).toMatch(new RegExp(`settled in\\s+settlement #${first}`));
    expect(settledIn).toMatch(/settlement on L1\s+proven/);
    expect(settledIn).toMatch(/payment\s+1 OPEN/);
    const split = await page.locator("table.list").first().innerText();
    for (const share of [
      "prover",
      "protocol",
      "model owner",
      "base model owner",
      "data pool",
      "dust of the pool",
    ]) {
      expect(split).toContain(share);
    }
    const attribution = page.locator("table.list").last().locator("tbody tr");
    expect(await attribution.count()).toBe(2);
    expect(await attribution.nth(0).innerText()).toMatch(
      new RegExp(`^#1\\s+#${f.alice}\\s+3\\s+75\\.00 %\\s+0\\.\\d+ OPEN$`),
    );
    expect(await attribution.nth(1).innerText()).toMatch(
      new RegExp(`^#2\\s+#${f.bob}\\s+1\\s+25\\.00 %\\s+0\\.\\d+ OPEN$`),
    );
    await shot("inference");

    await page.getByRole("link", { name: "Inferences", exact: true }).click();
    await page.getByRole("heading", { name: "Inferences" }).waitFor();
    await page.getByRole("link", { name: `#${settled.unsettled}`, exact: true }).click();
    await page.getByRole("heading", { name: `Inference #${settled.unsettled}` }).waitFor();
    expect(await page.locator("main").innerText()).toMatch(
      /Not settled yet: its payment of 0\.25 OPEN waits in model #2's escrow/,
    );
  });

  it("walks home -> Datanet -> model -> an inference's attribution chart -> its epoch, numbers as the API says", async () => {
    await page.goto(f.explorer.url);
    await page.getByRole("link", { name: "Datanets", exact: true }).click();
    await page.getByRole("heading", { name: "Datanets" }).waitFor();
    await page.getByRole("link", { name: "#1", exact: true }).first().click();
    await page.getByRole("heading", { name: "Datanet #1" }).waitFor();
    const contributions = (await api("/datanets/1/contributions")).items;
    const rows = page.locator("table.list tbody tr");
    await expect.poll(() => rows.count()).toBe(contributions.length);
    for (const [i, c] of contributions.entries()) {
      expect(await rows.nth(i).innerText()).toMatch(
        new RegExp(`^#${c.id}\\s+#${c.owner}\\s+#1\\s+${c.status}\\s+${c.rowCount}\\b`),
      );
    }
    expect(await page.locator("table.kv").innerText()).toMatch(/curation\s+open/);
    await shot("datanet");

    await rows.nth(1).getByRole("link", { name: "#2", exact: true }).first().click();
    await page.getByRole("heading", { name: "Contribution #2" }).waitFor();
    await page.goto(`${f.explorer.url}/model/2`);
    await page.getByRole("heading", { name: "Model #2" }).waitFor();
    const model = await api("/models/2");
    const fields = await page.locator("table.kv").innerText();
    expect(fields).toMatch(/inference fee\s+0\.25 OPEN/);
    expect(fields).toMatch(/base model\s+#1/);
    expect(fields).toMatch(/contributions\s+#1, #2/);
    expect(model.inferenceFee).toBe((OPEN / 4n).toString());
    const inferenceRows = page.locator("table.list tbody tr");
    await expect.poll(() => inferenceRows.count()).toBe((await api("/models/2/use")).inferences.length);
    await inferenceRows.locator('a[href="/inference/2"]').click();

    await page.getByRole("heading", { name: "Inference #2" }).waitFor();
    const chart = page.getByRole("img", { name: /share of the data pool/ });
    await chart.locator("canvas").waitFor();
    const attribution = (await api("/inferences/2")).attribution;
    const label = await chart.getAttribute("aria-label");
    for (const c of attribution.contributions) {
      expect(label).toContain(`#${c.contribution} ${(c.share * 100).toFixed(2)} %`);
    }
    await shot("inference-chart");

    await page.locator(`a[href="/epoch/${attribution.epoch}"]`).click();
    await page.getByRole("heading", { name: `Epoch #${attribution.epoch}` }).waitFor();
    const epoch = await api(`/epochs/${attribution.epoch}`);
    const top = page.locator("table.list").last().locator("tbody tr");
    await expect.poll(() => top.count()).toBe(epoch.topContributors.length);
    expect(await top.first().innerText()).toMatch(new RegExp(`^#${epoch.topContributors[0].account}\\s`));

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${f.explorer.url}/inference/2`);
    await chart.locator("canvas").waitFor();
    // Nothing wider than the phone's screen: tables scroll inside their own box.
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await shot("inference-phone");
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("shows governance: L2's shares and L1's parameters as the API says", async () => {
    await page.getByRole("link", { name: "Governance", exact: true }).click();
    await page.getByRole("heading", { name: "On L1" }).waitFor();
    const g = await api("/governance");
    const text = await page.locator("main").innerText();
    expect(text).toMatch(new RegExp(`epoch length\\s+${g.l2.epochLength} entries`));
    expect(text).toMatch(new RegExp(`prove timeout\\s+${g.l1.params.proveTimeout}\\b`));
    expect(text).toContain("No proposal yet.");
    await shot("governance");
  });

  it("loads nothing from outside the explorer and logs no error", () => {
    expect(requested.filter((u) => !u.startsWith(f.explorer.url))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
