// What every browser test shares: the environment run.ts prepared, a headless Chromium, logging in, and
// the API with the admin key (the source of truth the pages are compared with).

import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests through tests/web/run_web_tests.sh`);
  return v;
}

export const env = {
  url: need("RT_URL"),
  apiKey: need("RT_API_KEY"),
  programId: need("RT_PROGRAM_ID"),
  admin: { email: need("RT_ADMIN_EMAIL"), password: need("RT_ADMIN_PASSWORD") },
  partner: { email: need("RT_PARTNER_EMAIL"), password: need("RT_PARTNER_PASSWORD"), id: need("RT_PARTNER_ID") },
  otherPartnerId: need("RT_OTHER_PARTNER_ID"),
  binary: need("RT_BINARY"),
  tmp: need("RT_TMP"),
  screenshots: need("RT_SCREENSHOTS"),
  chromium: need("CHROMIUM"),
};

export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 375, height: 740 };

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: env.chromium,
    headless: true,
    // Root in a container has no user namespaces for Chromium's sandbox.
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
}

// A fresh browser profile in a fixed locale and time zone, so the expected texts are known. Every
// console error (a CSP violation included) and every failed page request is recorded in `problems`.
export async function newContext(
  browser: Browser,
  viewport = DESKTOP,
  baseURL = env.url,
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({
    baseURL,
    viewport,
    locale: "en-US",
    timezoneId: "UTC",
    deviceScaleFactor: 1,
    ...(viewport.width < 500 ? { isMobile: true, hasTouch: true } : {}),
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (msg) => {
    // 4xx answers the app handles (a session check, another partner's object, a refused form) log as failed
    // loads; they are not problems. Everything else is, a Content-Security-Policy violation included.
    if (msg.type() === "error" && !/status of 4\d\d/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  return { context, page, problems };
}

export async function logIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((u) => u.pathname !== "/login");
}

export async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${env.url}/api/v1${path}`, { headers: { Authorization: `Bearer ${env.apiKey}` } });
  assert.ok(res.ok, `GET ${path}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as T;
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(env.screenshots, { recursive: true });
  await page.screenshot({ path: join(env.screenshots, `${name}.png`), fullPage, animations: "disabled", caret: "hide" });
}

export function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

// The page's expected texts, formatted as the spec of the UI says (en-US in these tests).
const L = "en-US";
export const expected = {
  int: (n: number) => new Intl.NumberFormat(L, { maximumFractionDigits: 0 }).format(n),
  count: (n: number) => new Intl.NumberFormat(L, { maximumFractionDigits: 2 }).format(n),
  percent: (f: number | null) =>
    f === null ? "—" : new Intl.NumberFormat(L, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(f),
  money: (m: { amount: number; currency: string } | null) => {
    if (!m) return "—";
    const f = new Intl.NumberFormat(L, { style: "currency", currency: m.currency });
    return f.format(m.amount / 10 ** (f.resolvedOptions().maximumFractionDigits ?? 2));
  },
  duration: (s: number | null) => {
    if (s === null) return "—";
    const [unit, size] = s >= 172_800 ? ["day", 86_400] : s >= 3600 ? ["hour", 3600] : s >= 60 ? ["minute", 60] : ["second", 1];
    return new Intl.NumberFormat(L, { style: "unit", unit: unit as string, unitDisplay: "long", maximumFractionDigits: 1 }).format(
      s / (size as number),
    );
  },
};

// Retries `check` until it passes or `ms` run out (pages load their data after they render).
export async function eventually(check: () => Promise<void>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export interface Money {
  amount: number;
  currency: string;
}

export interface Metrics {
  clicks: number;
  referrals: number;
  conversions: number;
  click_to_referral_rate: number | null;
  referral_to_conversion_rate: number | null;
  revenue: Money;
  average_deal_size: Money | null;
  time_to_conversion: { median_s: number | null };
  commission: Money;
  roi: number | null;
}

export interface Summary {
  data: (Metrics & { group: Record<string, string> })[];
  total: Metrics;
}

// The KPI tiles' texts for `m`, by data-kpi key.
export function kpiTexts(m: Metrics): Record<string, string> {
  return {
    clicks: expected.int(m.clicks),
    referrals: expected.int(m.referrals),
    conversions: expected.count(m.conversions),
    click_to_referral_rate: expected.percent(m.click_to_referral_rate),
    referral_to_conversion_rate: expected.percent(m.referral_to_conversion_rate),
    revenue: expected.money(m.revenue),
    average_deal_size: expected.money(m.average_deal_size),
    time_to_conversion: expected.duration(m.time_to_conversion.median_s),
    commission: expected.money(m.commission),
    roi: expected.percent(m.roi),
  };
}

export async function renderedKpis(page: Page): Promise<Record<string, string>> {
  const tiles = page.locator("[data-kpi]");
  await tiles.first().waitFor();
  const out: Record<string, string> = {};
  for (const tile of await tiles.all()) {
    out[(await tile.getAttribute("data-kpi"))!] = (await tile.locator(".kpi-value").textContent()) ?? "";
  }
  return out;
}
