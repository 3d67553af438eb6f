/**
 * A throwaway PostgreSQL 15 server on a private loopback port, for tests and
 * benchmarks. initdb runs as the `postgres` user (PostgreSQL refuses root).
 * Stopped by its PID.
 */
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, readFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createPgDatabase, pingPostgres } from "../../server/db/admin";

const BIN = "/usr/lib/postgresql/15/bin";

export interface TPostgres {
  url: string; // admin connection (database "postgres")
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function asPostgres(cmd: string, args: string[]): void {
  const isRoot = process.getuid?.() === 0;
  if (isRoot) execFileSync("runuser", ["-u", "postgres", "--", cmd, ...args], { stdio: "pipe" });
  else execFileSync(cmd, args, { stdio: "pipe" });
}

export async function startPostgres(): Promise<TPostgres> {
  if (!existsSync(path.join(BIN, "postgres"))) {
    throw new Error(`PostgreSQL 15 is not installed (${BIN}/postgres missing): apt-get install -y postgresql`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-pg-"));
  chmodSync(dir, 0o777);
  const data = path.join(dir, "data");
  const isRoot = process.getuid?.() === 0;
  if (isRoot) execFileSync("chown", ["postgres:postgres", dir]);
  asPostgres(path.join(BIN, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"]);
  const port = await freePort();
  const args = ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200"];
  const child = isRoot
    ? spawn("runuser", ["-u", "postgres", "--", path.join(BIN, "postgres"), ...args], { stdio: ["ignore", "ignore", "pipe"], detached: false })
    : spawn(path.join(BIN, "postgres"), args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d));
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await pingPostgres(url);
      break;
    } catch (e) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`PostgreSQL did not start: ${(e as Error).message}\n${stderr.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  // runuser forks postgres as its child: the postmaster PID is in postmaster.pid
  const postmasterPid = Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  return {
    url,
    port,
    pid: postmasterPid,
    async stop() {
      try {
        process.kill(postmasterPid, "SIGINT"); // fast shutdown
      } catch {
        /* already gone */
      }
      const until = Date.now() + 15_000;
      while (Date.now() < until) {
        try {
          process.kill(postmasterPid, 0);
          await new Promise((r) => setTimeout(r, 100));
        } catch {
          break;
        }
      }
      if (child.exitCode === null && child.pid) {
        try {
          process.kill(child.pid, "SIGKILL");
        } catch {
          /* gone */
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a fresh, empty database on the server and returns its URL (server/db is what opens databases). */
export { createPgDatabase };
