// The partner portal: its own numbers, a new link that works, a registered deal, its commissions.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import {
  api,
  day,
  env,
  eventually,
  expected,
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

test("the portal shows the partner's own numbers", async () => {
  const { page, problems } = await newContext(browser);
  await logIn(page, env.partner);
  await page.goto(`/portal?from=${day(-89)}&to=${day(0)}`);
  const own = await api<Summary>(
    `/reports/summary?program_id=${env.programId}&partner_id=${env.partner.id}&from=${day(-89)}&to=${day(0)}`,
  );
  await eventually(async () => assert.deepEqual(await renderedKpis(page), kpiTexts(own.total)));
  await page.locator(".chart-canvas canvas").first().waitFor();
  await page.goto("/portal");
  await page.locator(".chart-canvas canvas").first().waitFor();
  await page.locator('[data-top="link"] tbody tr').first().waitFor();
  await screenshot(page, "portal");
  assert.deepEqual(problems, []);
});

test("a link created in the portal redirects to its destination", async () => {
  const { context, page, problems } = await newContext(browser);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.url });
  await logIn(page, env.partner);
  await page.getByRole("link", { name: "Links" }).click();
  await page.waitForURL((u) => u.pathname === "/portal/links");

  const program = await api<{ destination_domains: string[] }>(`/programs/${env.programId}`);
  const host = program.destination_domains.find((d) => !d.startsWith("*."))!;
  const destination = `https://${host}/pricing?plan=pro`;
  const code = `web-${Date.now().toString(36)}`;
  const form = page.getByRole("form", { name: "Create a link" });
  if (!(await form.isVisible())) await page.getByText("Create a link", { exact: true }).click();
  await form.getByLabel("Destination").fill(destination);
  await form.getByLabel("Vanity code (optional)").fill(code.toUpperCase());
  await form.getByLabel("Campaign (optional)").fill("browser-test");
  await form.getByRole("button", { name: "Create link" }).click();

  const url = `${env.url}/r/${code}`;
  await page.getByRole("status").filter({ hasText: `Created ${url}` }).waitFor();
  const row = page.locator("tbody tr", { has: page.getByText(url, { exact: true }) });
  await row.waitFor();
  assert.match((await row.textContent()) ?? "", /browser-test/);
  await row.getByRole("button", { name: `Copy ${url}` }).click();
  await row.getByRole("button", { name: `Copied ${url}` }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);

  const followed = await fetch(url, { redirect: "manual" });
  assert.equal(followed.status, 302);
  assert.match(followed.headers.get("location") ?? "", new RegExp(`^https://${host.replace(/\./g, "\\.")}/pricing\\?plan=pro&rt_click=clk_`));
  assert.deepEqual(problems, []);
});

test("a partner registers a deal and sees it, the customer's email masked", async () => {
  const { page, problems } = await newContext(browser);
  await logIn(page, env.partner);
  await page.goto("/portal/referrals");
  const email = `buyer-${Date.now().toString(36)}@contoso.example`;
  const form = page.getByRole("form", { name: "Register a deal" });
  await form.getByLabel("Customer email").fill(email);
  await form.getByLabel("Customer or company name (optional)").fill("Contoso");
  await form.getByLabel(/Deal value/).fill("4800.50");
  await form.getByRole("button", { name: "Register deal" }).click();
  await page.getByText("Deal registered.").waitFor();
  const masked = `${email[0]}***@contoso.example`;
  const row = page.locator("tbody tr", { has: page.getByText(masked, { exact: true }) }).first();
  await row.waitFor();
  assert.match((await row.textContent()) ?? "", /€4,800\.50/);
  assert.deepEqual(problems, []);
});

test("the conversions page adds up the partner's own commissions", async () => {
  const { page, problems } = await newContext(browser);
  await logIn(page, env.partner);
  await page.goto("/portal/conversions");
  const list = await api<{ data: { currency: string; commissions: { partner_id: string; amount: { amount: number } }[] }[] }>(
    `/conversions?partner_id=${env.partner.id}&limit=500`,
  );
  if (list.data.length === 0) {
    await page.getByText("No conversions credited to you yet.").waitFor();
  } else {
    const total = list.data
      .flatMap((c) => c.commissions)
      .filter((c) => c.partner_id === env.partner.id)
      .reduce((sum, c) => sum + c.amount.amount, 0);
    const text = await page.getByTestId("commission-total").textContent();
    assert.equal(text, expected.money({ amount: total, currency: list.data[0]!.currency }));
  }
  assert.deepEqual(problems, []);
});

test("the portal works at phone width", async () => {
  const { page, problems } = await newContext(browser, PHONE);
  await logIn(page, env.partner);
  await page.locator(".chart-canvas canvas").first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  await screenshot(page, "portal-phone", false);
  assert.deepEqual(problems, []);
});
