/**
 * The real site agent as a child process (`node agents/bin/ironledger.mjs agent …`),
 * and a read-only look at its journal directory. Stopped by PID.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { TObservation } from "../../server/contracts/agent";
import { stopChild } from "./child";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "agents/bin/ironledger.mjs");

export interface TAgentProcess {
  child: ChildProcess;
  pid: number;
  output: string[];
  exited: Promise<number | null>;
  /** the last few KB of what it printed, for failure messages */
  log(): string;
  /** signal it (SIGTERM: graceful; SIGKILL: crash) and wait until it has exited */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnAgent(opts: { server: string; token: string; journalDir: string; args?: string[] }): TAgentProcess {
  const child = spawn(process.execPath, [BIN, "agent", "--server", opts.server, "--token", opts.token, "--journal", opts.journalDir, ...(opts.args ?? [])], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, IRONLEDGER_AGENT_TOKEN: "" },
  });
  const output: string[] = [];
  child.stdout?.on("data", (d: Buffer) => output.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    pid: child.pid as number,
    output,
    exited,
    log: () => output.join("").slice(-3000),
    stop: (signal: NodeJS.Signals = "SIGTERM") => stopChild(child, exited, signal),
  };
}

/** What is in an agent's journal directory right now, read without touching it. */
export function journalState(dir: string): { keys: string[]; delivered: Set<string>; pending: string[] } {
  const keys: string[] = [];
  for (const f of fs.readdirSync(dir).filter((x) => /^seg-\d+\.jsonl$/.test(x)).sort()) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, f), "utf8");
    } catch {
      continue; // compacted away meanwhile
    }
    const lines = text.split("\n");
    lines.pop(); // empty, or a torn line being written
    for (const l of lines) {
      try {
        keys.push((JSON.parse(l) as TObservation).idempotencyKey);
      } catch {
        /* corrupt line: the journal skips it too */
      }
    }
  }
  let delivered = new Set<string>();
  try {
    delivered = new Set(fs.readFileSync(path.join(dir, "delivered.log"), "utf8").split("\n").filter(Boolean));
  } catch {
    /* none yet */
  }
  return { keys, delivered, pending: keys.filter((k) => !delivered.has(k)) };
}
