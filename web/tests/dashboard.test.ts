// The admin dashboard shows the API's numbers: key numbers and their change, the funnel, the top tables
// (sorted and as CSV), a partner's page and the referral board.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import {
  api,
  day,
  env,
  eventually,
  kpiTexts,
  launch,
  logIn,
  newContext,
  PHONE,
  renderedKpis,
  screenshot,
  type Summary,
} from "./support.js";

let browser: Browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const from = day(-59);
const to = day(0);
const range = `program_id=${env.programId}&from=${from}&to=${to}`;

test("the dashboard's key numbers are the API's summary for the same range, with the change", async () => {
  const { page, problems } = await newContext(browser);
  await logIn(page, env.admin);
  assert.equal(new URL(page.url()).pathname, "/dashboard");

  await page.goto(`/dashboard?program=${env.programId}&from=${from}&to=${to}`);
  const summary = await api<Summary>(`/reports/summary?${range}`);
  assert.ok(summary.total.clicks > 0, "the demo data has clicks in the range");
  await eventually(async () => assert.deepEqual(await renderedKpis(page), kpiTexts(summary.total)));

  // The change against the 60 days before: a second summary.
  const previous = await api<Summary>(`/reports/summary?program_id=${env.programId}&from=${day(-119)}&to=${day(-60)}`);
  const before = previous.total.clicks;
  const change =
    before === 0
      ? "new"
      : new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1, signDisplay: "exceptZero" }).format(
          (summary.total.clicks - before) / before,
        );
  assert.equal(await page.locator('[data-kpi="clicks"] .kpi-change-value').textContent(), change);
  assert.match((await page.locator('[data-kpi="clicks"] .kpi-change-label').textContent()) ?? "", /vs previous 60 days/);

  // The chart is drawn, and its numbers are a table too.
  await page.locator(".chart-canvas canvas").first().waitFor();
  const funnel = await api<{ data: { name: string; entered: number }[] }>(`/reports/funnel?${range}`);
  const funnelRows = page.locator('section[aria-labelledby="funnel-title"] tbody tr');
  await eventually(async () => assert.equal(await funnelRows.count(), funnel.data.length));
  assert.equal((await funnelRows.first().locator("th").textContent())?.trim(), funnel.data[0]!.name);

  // Top partners: by revenue, then re-sorted by clicks with the column's button.
  const partners = page.locator('[data-top="partner"]');
  const topByRevenue = await api<Summary>(`/reports/summary?${range}&group_by=partner&limit=10`);
  await eventually(async () =>
    assert.equal(await partners.locator("tbody tr th").first().textContent(), topByRevenue.data[0]!.group.partner_name),
  );
  await partners.getByRole("button", { name: /^Clicks/ }).click();
  const topByClicks = await api<Summary>(`/reports/summary?${range}&group_by=partner&limit=10&sort=-clicks`);
  await eventually(async () =>
    assert.equal(await partners.locator("tbody tr th").first().textContent(), topByClicks.data[0]!.group.partner_name),
  );
  assert.equal(await partners.locator("th[aria-sort]").getAttribute("aria-sort"), "descending");

  // The CSV download is the API's CSV of the same table (the session cookie authenticates it).
  const href = await partners.getByRole("link", { name: "Download CSV" }).getAttribute("href");
  assert.ok(href?.includes("format=csv") && href.includes("sort=-clicks"), href ?? "no href");
  const csv = await page.request.get(href!);
  assert.equal(csv.status(), 200);
  assert.match(csv.headers()["content-type"] ?? "", /^text\/csv/);
  assert.match(await csv.text(), /^partner_id,partner_name,clicks,/);

  await page.goto(`/dashboard?program=${env.programId}&days=30`);
  await page.locator(".chart-canvas canvas").first().waitFor();
  await page.locator('[data-top="campaign"] tbody tr').first().waitFor();
  await screenshot(page, "dashboard");
  assert.deepEqual(problems, []);
});

test("the dashboard works at phone width", async () => {
  const { page, problems } = await newContext(browser, PHONE);
  await logIn(page, env.admin);
  await page.locator(".chart-canvas canvas").first().waitFor();
  // The navigation folds behind the menu button.
  const menu = page.getByRole("button", { name: "Menu" });
  assert.equal(await menu.getAttribute("aria-expanded"), "false");
  const partnersLink = page.locator("#main-nav").getByRole("link", { name: "Partners", exact: true });
  assert.equal(await partnersLink.isVisible(), false);
  await menu.click();
  assert.equal(await partnersLink.isVisible(), true);
  await menu.click();
  // Nothing wider than the screen but the tables' own scrolling boxes.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  await screenshot(page, "dashboard-phone", false);
  assert.deepEqual(problems, []);
});

test("a partner's page shows its links, pipeline and numbers", async () => {
  const { page, problems } = await newContext(browser);
  await logIn(page, env.admin);
  const partner = await api<{ name: string }>(`/partners/${env.partner.id}`);
  const links = await api<{ data: unknown[] }>(`/links?partner_id=${env.partner.id}&limit=500`);
  await page.goto(`/dashboard/partners/${env.partner.id}?from=${from}&to=${to}`);
  await page.getByRole("heading", { level: 1, name: new RegExp(partner.name) }).waitFor();
  const summary = await api<Summary>(`/reports/summary?${range}&partner_id=${env.partner.id}`);
  await eventually(async () => assert.deepEqual(await renderedKpis(page), kpiTexts(summary.total)));
  const linkRows = page.locator('section[aria-labelledby="links-title"] tbody tr');
  await eventually(async () => assert.equal(await linkRows.count(), links.data.length));
  await page.locator(".pipeline").waitFor();
  await page.locator(".chart-canvas canvas").first().waitFor();
  await screenshot(page, "partner");
  assert.deepEqual(problems, []);
});

test("the board moves a referral to another stage", async () => {
  const { page, problems } = await newContext(browser);
  await logIn(page, env.admin);
  await page.goto(`/dashboard/board?program=${env.programId}`);
  const fresh = page.locator('[data-stage="new"] .card');
  await fresh.first().waitFor();
  await screenshot(page, "board", false);

  const card = fresh.first();
  const id = await card.getAttribute("data-referral");
  await card.getByRole("combobox").selectOption("qualified");
  await card.getByRole("button", { name: "Move" }).click();
  await page.locator(`[data-stage="qualified"] [data-referral="${id}"]`).waitFor();
  const moved = await api<{ stage: string }>(`/referrals/${id}`);
  assert.equal(moved.stage, "qualified");
  assert.deepEqual(problems, []);
});
