// Starting and stopping `reftrack serve` on a free port for the tests.

import { spawn } from "node:child_process";

export interface Server {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

// Starts `reftrack serve --listen 127.0.0.1:0 <args>` and resolves once it says where it listens.
export function startServer(binary: string, args: string[]): Promise<Server> {
  const child = spawn(binary, ["serve", "--listen", "127.0.0.1:0", "--log-level", "warn", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const exited = new Promise<void>((done) => child.on("exit", () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the server did not start within 20 s:\n${out}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, output: () => out, stop });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening:\n${out}`));
    });
  });
}
