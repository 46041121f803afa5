// A partner sees its own portal and nothing of anyone else's, whatever URL it types.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { api, env, launch, logIn, newContext } from "./support.js";

let browser: Browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("another partner's pages and the admin pages answer not found", async () => {
  const { page, problems } = await newContext(browser);
  await logIn(page, env.partner);
  assert.equal(new URL(page.url()).pathname, "/portal");

  const theirs = await api<{ data: { id: string }[] }>(`/links?partner_id=${env.otherPartnerId}&limit=1`);
  const mine = await api<{ data: { id: string; code: string }[] }>(`/links?partner_id=${env.partner.id}&limit=1`);
  assert.ok(theirs.data.length > 0 && mine.data.length > 0, "both partners have links");

  for (const path of [
    `/dashboard`,
    `/dashboard/partners/${env.otherPartnerId}`,
    `/dashboard/partners/${env.partner.id}`,
    `/dashboard/board`,
    `/portal/links/${theirs.data[0]!.id}`,
  ]) {
    await page.goto(path);
    await page.getByRole("heading", { level: 1, name: "Not found" }).waitFor();
    assert.equal(await page.locator("[data-kpi]").count(), 0, `${path} shows no numbers`);
  }
  // Its own link opens.
  await page.goto(`/portal/links/${mine.data[0]!.id}`);
  await page.getByRole("heading", { level: 1, name: `Link ${mine.data[0]!.code}` }).waitFor();
  assert.deepEqual(problems, []);
});

test("the partner's session cannot read another partner's objects from the API", async () => {
  const { page } = await newContext(browser);
  await logIn(page, env.partner);
  const theirs = await api<{ data: { id: string }[] }>(`/links?partner_id=${env.otherPartnerId}&limit=1`);
  const theirReferrals = await api<{ data: { id: string }[] }>(`/referrals?partner_id=${env.otherPartnerId}&limit=1`);
  const notFound = [
    `/api/v1/partners/${env.otherPartnerId}`,
    `/api/v1/links/${theirs.data[0]!.id}`,
    `/api/v1/reports/summary?partner_id=${env.otherPartnerId}`,
    ...(theirReferrals.data.length ? [`/api/v1/referrals/${theirReferrals.data[0]!.id}`] : []),
  ];
  for (const path of notFound) assert.equal((await page.request.get(path)).status(), 404, path);
  // Lists hold its own objects only.
  const links = (await (await page.request.get(`/api/v1/links?limit=500`)).json()) as { data: { partner_id: string }[] };
  assert.ok(links.data.length > 0);
  assert.ok(links.data.every((l) => l.partner_id === env.partner.id));
  const filtered = (await (await page.request.get(`/api/v1/links?partner_id=${env.otherPartnerId}`)).json()) as { data: unknown[] };
  assert.equal(filtered.data.length, 0);
  // And admin-only writes are refused.
  const session = (await (await page.request.get("/api/v1/session")).json()) as { csrf_token: string };
  const created = await page.request.post("/api/v1/programs", {
    headers: { "X-CSRF-Token": session.csrf_token },
    data: { name: "Mine now", currency: "EUR", destination_domains: ["x.example.com"] },
  });
  assert.equal(created.status(), 403);
});
