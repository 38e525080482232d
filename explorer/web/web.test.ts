/**
 * The UI in headless Chromium against the explorer's test chain (explorer/testing.ts): the
 * latest batches, then batch -> transaction -> account by clicking, and the search box.
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

  it("loads nothing from outside the explorer and logs no error", () => {
    expect(requested.filter((u) => !u.startsWith(f.explorer.url))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
