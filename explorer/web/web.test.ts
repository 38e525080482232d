/**
 * The UI in headless Chromium against the explorer's test chain (explorer/testing.ts): the
 * latest batches, then batch -> transaction -> account by clicking, the search box, and a
 * reward epoch -> an inference's attribution.
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TxType } from "../../protocol/tx/types.ts";
import { type ExplorerFixture, startFixture } from "../testing.ts";

const CHROMIUM = "/usr/bin/chromium";

describe("explorer UI in a browser", () => {
  let f: ExplorerFixture;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];
  const problems: string[] = [];
  const shot = (name: string) =>
    page.screenshot({ path: join(tmpdir(), `openledger-explorer-${name}.png`), fullPage: true });

  beforeAll(async () => {
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

  it("shows the latest batches with their L1 status", async () => {
    await page.goto(f.explorer.url);
    await page.getByRole("heading", { name: "Latest batches" }).waitFor();
    const rows = page.locator("table.list tbody tr");
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.nth(0).innerText()).toMatch(/^#3\s+proven\s+1\s+0\b/);
    expect(await rows.nth(1).innerText()).toMatch(/^#2\s+committed\s+6\s+1\b/);
    expect(await rows.nth(2).innerText()).toMatch(/^#1\s+final\s+3\s+0\b/);
    expect(await page.locator(".stats").innerText()).toMatch(/final on L1\s+1/);
    await shot("home");
  });

  it("clicks through batch -> transaction -> account", async () => {
    await page.getByRole("link", { name: "#2", exact: true }).click();
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

    await page.getByRole("link", { name: "Models" }).click();
    await page.getByRole("heading", { name: "Models" }).waitFor();
    expect(await page.locator("table.list tbody tr").innerText()).toMatch(/#1\s+#1\s+0\.1 OPEN/);
    await page.getByRole("link", { name: "#1" }).first().click();
    await page.getByRole("heading", { name: "Model #1" }).waitFor();
    expect(await page.locator("table.kv").innerText()).toMatch(/contributions\s+#1/);
    await shot("model");
  });

  it("follows the chain on the latest batches page", async () => {
    await page.getByRole("link", { name: "Batches" }).click();
    const rows = page.locator("table.list tbody tr");
    await expect.poll(() => rows.count()).toBe(3);
    await f.send({ type: TxType.Transfer, from: f.bob, to: f.alice, amount: 1n }, "bob");
    await f.node.sequencer.seal();
    await expect.poll(() => rows.first().innerText(), { timeout: 15_000 }).toMatch(/^#4\s/);
  });

  it("shows a reward epoch, its settlements and an inference's attribution and fee split", async () => {
    const settled = await f.settleEpoch();
    const [first, second] = settled.settlements;
    await page.getByRole("link", { name: "Epochs" }).click();
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

    await page.getByRole("link", { name: "Inferences" }).click();
    await page.getByRole("heading", { name: "Inferences" }).waitFor();
    await page.getByRole("link", { name: `#${settled.unsettled}`, exact: true }).click();
    await page.getByRole("heading", { name: `Inference #${settled.unsettled}` }).waitFor();
    expect(await page.locator("main").innerText()).toMatch(
      /Not settled yet: its payment of 0\.25 OPEN waits in model #2's escrow/,
    );
  });

  it("loads nothing from outside the explorer and logs no error", () => {
    expect(requested.filter((u) => !u.startsWith(f.explorer.url))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
