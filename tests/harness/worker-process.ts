/**
 * Worker processes for tests, stopped by PID: the real `workers/main.ts`
 * (what `npm run workers` runs), or tests/harness/test-worker.ts, the same
 * runner with a test job kind that writes a trace of every run to a file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { stopChild } from "./child";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface TWorkerProcess {
  child: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  /** everything it printed so far */
  log(): string;
  /** resolves when its output matches */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  /** signal it (SIGTERM: graceful; SIGKILL: crash) and wait until it has exited */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnWorker(opts: { databaseUrl: string; entry: "main" | "test"; env?: Record<string, string> }): TWorkerProcess {
  const script = opts.entry === "main" ? "workers/main.ts" : "tests/harness/test-worker.ts";
  // one process (node with tsx's loader, not the tsx CLI, which runs the script in a child): its PID is the worker's
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DATABASE_URL: opts.databaseUrl, ...opts.env },
  });
  let output = "";
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    output += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    pid: child.pid as number,
    exited,
    log: () => output,
    waitFor(pattern, ms = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(output)) {
            cleanup();
            resolve();
          } else if (child.exitCode !== null) {
            cleanup();
            reject(new Error(`worker ${child.pid} exited (${child.exitCode}) before printing ${pattern}:\n${output.slice(-2000)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`worker ${child.pid} did not print ${pattern} within ${ms} ms:\n${output.slice(-2000)}`));
        }, ms);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off("exit", check);
        };
        listeners.add(check);
        child.on("exit", check);
        check();
      });
    },
    stop: (signal: NodeJS.Signals = "SIGTERM") => stopChild(child, exited, signal),
  };
}
