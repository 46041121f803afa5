// Runs the browser tests against the real binary: a demo database, `reftrack serve --demo` on a free port,
// an admin and a partner user made with `reftrack users create --password-stdin`, then `node --test` over
// the *.test.js files with what they need in the environment. The server is always stopped.
//
//   node web/tests/.build/run.js <path/to/reftrack>        (tests/web/run_web_tests.sh compiles and calls this)
//
// Node 18 (Debian's) runs it: no flag newer than that.

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, type Server } from "./server.js";

const here = dirname(fileURLToPath(import.meta.url));

function run(binary: string, args: string[], input?: string): string {
  const r = spawnSync(binary, args, { input: input ?? "", encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${binary} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

async function main(): Promise<number> {
  const binary = resolve(process.argv[2] ?? "");
  const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
  const tmp = mkdtempSync(join(tmpdir(), "reftrack-web-"));
  const db = `sqlite://${join(tmp, "reftrack.db")}`;
  let server: Server | null = null;
  // Interrupted (Ctrl-C, CTest's timeout): stop the server before going.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void (server?.stop() ?? Promise.resolve()).finally(() => {
        rmSync(tmp, { recursive: true, force: true });
        process.exit(130);
      });
    });
  }
  try {
    // Realistic numbers for the dashboard: 120 days of traffic over 12 partners.
    run(binary, ["demo", "--db", db, "--partners", "12", "--days", "120", "--clicks", "6000", "--seed", "7"]);
    const admin = { email: "admin@example.com", password: "correct-horse-battery" };
    run(binary, ["users", "create", "--email", admin.email, "--role", "admin", "--password-stdin", "--db", db], `${admin.password}\n`);

    server = await startServer(binary, ["--demo", "--db", db]);
    const apiKey = /Admin API key[^:]*: (rtk_\S+)/.exec(server.output())?.[1];
    if (!apiKey) throw new Error(`no admin key in the server's output:\n${server.output()}`);
    const api = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${server!.url}/api/v1${path}`, { headers: { Authorization: `Bearer ${apiKey}` } });
      if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    // The two partners with the most links: the test partner, and the one it must never see.
    const programs = await api<{ data: { id: string }[] }>("/programs");
    const program = programs.data[0]!.id;
    const partners = await api<{ data: { id: string; status: string }[] }>(`/partners?program_id=${program}&limit=500`);
    const active = partners.data.filter((p) => p.status === "active");
    if (active.length < 2) throw new Error("the demo data has fewer than two active partners");
    const [mine, other] = [active[0]!.id, active[1]!.id];
    const partner = { email: "partner@example.com", password: "staple-battery-horse" };
    run(
      binary,
      ["users", "create", "--email", partner.email, "--role", "partner", "--partner", mine, "--password-stdin", "--db", db],
      `${partner.password}\n`,
    );

    const files = readdirSync(here)
      .filter((f) => f.endsWith(".test.js"))
      .sort()
      .map((f) => join(here, f));
    const only = process.env.RT_WEB_TESTS; // e.g. "portal" runs portal.test.js alone
    const selected = only ? files.filter((f) => only.split(",").some((o) => f.endsWith(`${o}.test.js`))) : files;
    if (selected.length === 0) throw new Error(`no test file matches RT_WEB_TESTS=${only}`);
    const env = {
      ...process.env,
      CHROMIUM: chromium,
      RT_BINARY: binary,
      RT_URL: server.url,
      RT_API_KEY: apiKey,
      RT_PROGRAM_ID: program,
      RT_ADMIN_EMAIL: admin.email,
      RT_ADMIN_PASSWORD: admin.password,
      RT_PARTNER_EMAIL: partner.email,
      RT_PARTNER_PASSWORD: partner.password,
      RT_PARTNER_ID: mine,
      RT_OTHER_PARTNER_ID: other,
      RT_TMP: tmp,
      RT_SCREENSHOTS: process.env.RT_SCREENSHOTS ?? resolve(here, "../../../docs/screenshots"),
    };
    // One file after another: they share the server, and a click one makes would move another's numbers.
    let code = 0;
    for (const file of selected) {
      const child = spawn(process.execPath, ["--test", "--test-reporter=spec", file], { env, stdio: "inherit" });
      const exit: number = await new Promise((done) => child.on("exit", (c) => done(c ?? 1)));
      if (exit !== 0) code = exit;
    }
    if (code !== 0) process.stderr.write(`\nThe server's log:\n${server.output().slice(-4000)}\n`);
    return code;
  } finally {
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`web tests: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
