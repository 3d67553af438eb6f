/**
 * Starts the BUILT web app (as `npm start` serves it: scripts/web-server.mjs in
 * front of Next.js; run `next build` first) on a free
 * loopback port against a given database, and stops it by PID.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { freePort } from "./postgres";

export interface TWebServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** `opts.port`: listen on this port (a restart on the same address, for reconnect tests). */
export async function startWeb(databaseUrl: string, extraEnv: Record<string, string> = {}, opts: { port?: number } = {}): Promise<TWebServer> {
  const root = path.resolve(import.meta.dirname, "../..");
  if (!existsSync(path.join(root, ".next/BUILD_ID"))) throw new Error("the web app is not built: run `npx next build` (npm test does)");
  const port = opts.port ?? (await freePort());
  // what `npm start` runs: Next.js behind scripts/web-server.mjs, which answers the APIs itself (server/api-dispatch.ts)
  const child = spawn(process.execPath, [path.join(root, "scripts/web-server.mjs"), String(port), "127.0.0.1"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the web server exited (${child.exitCode}):\n${output.slice(-2000)}`);
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.status === 200) break;
      if (Date.now() > deadline) throw new Error(`health ${r.status}: ${await r.text()}`);
    } catch (e) {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`web app did not become healthy: ${(e as Error).message}\n${output.slice(-2000)}`);
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(child.pid!, "SIGTERM");
      const t = setTimeout(() => child.exitCode === null && process.kill(child.pid!, "SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}
