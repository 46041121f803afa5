// Managing the program: a partner and a link made, edited and disabled in the dashboard; a partner user
// invited, who sets a password through the link and lands in the portal.

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

test("an admin adds a partner, gives it a link and disables the link", async () => {
  const { page, problems } = await newContext(browser);
  await logIn(page, env.admin);
  await page.goto(`/dashboard/partners?program=${env.programId}`);
  await page.getByText("Add a partner", { exact: true }).click();
  const stamp = Date.now().toString(36);
  const form = page.getByRole("form", { name: "Add a partner" });
  await form.getByLabel("Name").fill(`Grace ${stamp}`);
  await form.getByLabel("Email").fill(`grace-${stamp}@partners.example`);
  await form.getByLabel("Group (optional)").fill("gold");
  await form.getByRole("button", { name: "Add partner" }).click();
  await page.getByRole("status").filter({ hasText: `Added Grace ${stamp}.` }).waitFor();

  await page.getByRole("link", { name: `Grace ${stamp}` }).click();
  await page.getByRole("heading", { level: 1, name: new RegExp(`Grace ${stamp}`) }).waitFor();
  const partnerId = new URL(page.url()).pathname.split("/").pop()!;

  // A bad destination is refused with the field's message; a good one makes the link.
  await page.getByText("Create a link", { exact: true }).click();
  const linkForm = page.getByRole("form", { name: "Create a link" });
  await linkForm.getByLabel("Destination").fill("https://evil.example/");
  await linkForm.getByRole("button", { name: "Create link" }).click();
  await linkForm.locator(".field-error").filter({ hasText: "destination_domains" }).waitFor();
  const program = await api<{ destination_domains: string[] }>(`/programs/${env.programId}`);
  const host = program.destination_domains.find((d) => !d.startsWith("*."))!;
  await linkForm.getByLabel("Destination").fill(`https://${host}/grace`);
  await linkForm.getByLabel("Vanity code (optional)").fill(`grace-${stamp}`);
  await linkForm.getByRole("button", { name: "Create link" }).click();
  await page.getByRole("button", { name: `Disable grace-${stamp}` }).click();
  await page.getByRole("status").filter({ hasText: `grace-${stamp} is now disabled.` }).waitFor();
  const links = await api<{ data: { code: string; status: string }[] }>(`/links?partner_id=${partnerId}`);
  assert.deepEqual(
    links.data.map((l) => [l.code, l.status]),
    [[`grace-${stamp}`, "disabled"]],
  );
  assert.equal((await fetch(`${env.url}/r/grace-${stamp}`, { redirect: "manual" })).status, 404);
  assert.deepEqual(problems, []);
});

test("an invited partner user sets a password and lands in its portal", async () => {
  const admin = await newContext(browser);
  await logIn(admin.page, env.admin);
  await admin.page.goto(`/dashboard/users?program=${env.programId}`);
  const email = `invited-${Date.now().toString(36)}@partners.example`;
  const form = admin.page.getByRole("form", { name: "Invite someone" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Role").selectOption("partner");
  await form.getByLabel("Partner").selectOption(env.otherPartnerId);
  await form.getByRole("button", { name: "Create invitation" }).click();
  const link = (await admin.page.getByTestId("invite-url").textContent())!;
  assert.match(link, new RegExp(`^${env.url}/invite/.+`));
  await admin.page.locator("tbody tr", { hasText: email }).waitFor();

  const invited = await newContext(browser);
  await invited.page.goto(link);
  await invited.page.getByRole("heading", { name: "Choose your password" }).waitFor();
  await invited.page.getByLabel("New password").fill("purple-monkey-dishwasher");
  await invited.page.getByLabel("Repeat the password").fill("purple-monkey-dishwasher");
  await invited.page.getByRole("button", { name: "Set password and log in" }).click();
  await invited.page.waitForURL((u) => u.pathname === "/portal");
  const partner = await api<{ name: string }>(`/partners/${env.otherPartnerId}`);
  await invited.page.getByRole("heading", { level: 1, name: `Welcome, ${partner.name}` }).waitFor();

  // The link works once.
  const again = await newContext(browser);
  await again.page.goto(link);
  await again.page.getByLabel("New password").fill("another-long-password");
  await again.page.getByLabel("Repeat the password").fill("another-long-password");
  await again.page.getByRole("button", { name: "Set password and log in" }).click();
  await again.page.getByRole("alert").waitFor();
  assert.equal(new URL(again.page.url()).pathname, new URL(link).pathname);
  assert.deepEqual([...admin.problems, ...invited.problems], []);
});
