// Logging in and out, and a session that ends while the page is open.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { startServer } from "./server.js";
import { env, launch, logIn, newContext, screenshot } from "./support.js";

let browser: Browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("a wrong password is refused with a message, the right one logs in", async () => {
  const { page, problems } = await newContext(browser);
  await page.goto("/dashboard");
  await page.waitForURL((u) => u.pathname === "/login");
  assert.equal(new URL(page.url()).searchParams.get("next"), "/dashboard");
  await page.getByRole("heading", { name: "Log in" }).waitFor();
  await screenshot(page, "login", false);

  await page.getByLabel("Email").fill(env.admin.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("alert").filter({ hasText: "The email or password is not right." }).waitFor();

  await page.getByLabel("Password").fill(env.admin.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((u) => u.pathname === "/dashboard");
  await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
  assert.deepEqual(problems, []);
});

test("logging out ends the session", async () => {
  const { page, problems } = await newContext(browser);
  await logIn(page, env.admin);
  await page.getByRole("button", { name: "Log out" }).click();
  await page.waitForURL((u) => u.pathname === "/login");
  await page.getByText("You are logged out.").waitFor();
  // The cookie no longer opens anything: the API says 401 and the app asks for a login.
  assert.equal((await page.request.get("/api/v1/session")).status(), 401);
  await page.goto("/dashboard/partners");
  await page.waitForURL((u) => u.pathname === "/login");
  // So does opening /logout.
  await logIn(page, env.admin);
  await page.goto("/logout");
  await page.waitForURL((u) => u.pathname === "/login");
  await page.getByText("You are logged out.").waitFor();
  assert.equal((await page.request.get("/api/v1/session")).status(), 401);
  assert.deepEqual(problems, []);
});

// A server of its own on an empty database with one admin, for what would disturb the shared one.
async function ownServer(name: string, who: { email: string; password: string }, flags: string[] = []) {
  const db = `sqlite://${join(env.tmp, `${name}.db`)}`;
  const made = spawnSync(
    env.binary,
    ["users", "create", "--email", who.email, "--role", "admin", "--password-stdin", "--db", db],
    { input: `${who.password}\n`, encoding: "utf8" },
  );
  assert.equal(made.status, 0, made.stderr);
  return startServer(env.binary, ["--db", db, ...flags]);
}

test("repeated wrong passwords are refused for a while, and the page says how long", async () => {
  const who = { email: "target@example.com", password: "correct-horse-battery" };
  const server = await ownServer("throttle", who);
  try {
    const { page, problems } = await newContext(browser, undefined, server.url);
    await page.goto("/login");
    await page.getByLabel("Email").fill(who.email);
    await page.getByLabel("Password").fill("wrong-password");
    const alert = page.getByRole("alert");
    // Submits the form and returns the status of the login request and the message shown after it.
    const attempt = async (): Promise<[number, string]> => {
      const answer = page.waitForResponse((r) => r.url().endsWith("/api/v1/session") && r.request().method() === "POST");
      await page.getByRole("button", { name: "Log in" }).click();
      const status = (await answer).status();
      await page.getByRole("button", { name: "Log in" }).waitFor();
      return [status, (await alert.textContent()) ?? ""];
    };
    let [status, text] = await attempt();
    for (let n = 1; n < 10 && status !== 429; n++) {
      assert.equal(status, 401);
      assert.equal(text, "The email or password is not right.");
      [status, text] = await attempt();
    }
    assert.equal(status, 429);
    assert.match(text, /^Too many attempts\. Wait \d+ seconds? and try again\.$/);
    // Even the right password waits.
    await page.getByLabel("Password").fill(who.password);
    [status, text] = await attempt();
    assert.equal(status, 429);
    assert.match(text, /^Too many attempts/);
    assert.equal(new URL(page.url()).pathname, "/login");
    assert.deepEqual(problems, []);
  } finally {
    await server.stop();
  }
});

test("an idle session expires: the next navigation shows the login page", async () => {
  const who = { email: "idle@example.com", password: "correct-horse-battery" };
  const server = await ownServer("expiry", who, ["--session-idle-seconds", "2"]);
  try {
    const { page, problems } = await newContext(browser, undefined, server.url);
    await logIn(page, who);
    // No program yet in this database: the dashboard says so, and links to the programs page.
    await page.getByRole("heading", { name: "No program yet" }).waitFor();
    await new Promise((r) => setTimeout(r, 3000));
    await page.getByRole("link", { name: "Partners" }).click();
    await page.waitForURL((u) => u.pathname === "/login");
    await page.getByText("Your session has ended. Log in again to continue.").waitFor();
    assert.equal(new URL(page.url()).searchParams.get("next"), "/dashboard/partners");
    // Logging in again returns to where the user was going.
    await page.getByLabel("Email").fill(who.email);
    await page.getByLabel("Password").fill(who.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL((u) => u.pathname === "/dashboard/partners");
    assert.deepEqual(problems, []);
  } finally {
    await server.stop();
  }
});
