/**
 * Worker PROCESSES on one database (both SQLite and PostgreSQL): two workers
 * never run the same job at the same time, and a worker killed with SIGKILL
 * mid-job loses its lease, so the other worker runs the job again.
 * The test kind writes a trace file (tests/harness/test-worker.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../tests/harness/db";
import { sleepJob } from "../tests/harness/test-worker";
import { spawnWorker, type TWorkerProcess } from "../tests/harness/worker-process";
import { enqueue } from "../server/jobs/queue";

interface TTrace {
  what: "start" | "end";
  jobId: string;
  pid: number;
  at: number;
}

async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(DATABASES)("worker processes on %s", (provider) => {
  let t: TTestDb;
  let dir: string;
  let trace: string;
  let workers: TWorkerProcess[] = [];
  const LEASE_MS = 1500;

  const readTrace = (): TTrace[] =>
    readFileSync(trace, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const [what, jobId, pid, at] = l.split(" ");
        return { what: what as TTrace["what"], jobId: jobId!, pid: Number(pid), at: Number(at) };
      });
  const startWorkers = async (n: number, leaseMs: number) => {
    const started = Array.from({ length: n }, () => spawnWorker({ databaseUrl: t.url, entry: "test", env: { TEST_JOB_TRACE: trace, TEST_WORKER_LEASE_MS: String(leaseMs), TEST_WORKER_POLL_MS: "30" } }));
    workers.push(...started);
    await Promise.all(started.map((w) => w.waitFor(/\[test-worker\] ready/, 150_000)));
    return started;
  };

  beforeAll(async () => {
    t = await freshDatabase(provider);
    dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-workers-"));
    trace = path.join(dir, "trace.log");
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.stop("SIGKILL")));
    workers = [];
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("two workers share the queue and never run one job twice", async () => {
    writeFileSync(trace, "");
    // a lease far longer than a run: on a busy machine a short one would (rightly) be taken over from a stalled worker
    const [a, b] = await startWorkers(2, 20_000);
    const now = new Date();
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await enqueue(t.db, sleepJob, { ms: 120 }, { now })).id);
    await until("all 30 jobs", async () => (await t.db.job.count({ where: { id: { in: ids }, status: "SUCCEEDED" } })) === 30);
    const rows = await t.db.job.findMany({ where: { id: { in: ids } }, select: { attempts: true, lockedBy: true } });
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    const lines = readTrace();
    for (const id of ids) {
      expect(lines.filter((l) => l.jobId === id && l.what === "start"), id).toHaveLength(1);
      expect(lines.filter((l) => l.jobId === id && l.what === "end"), id).toHaveLength(1);
    }
    // both processes took work (concurrency 2 each, 30 jobs of 120 ms)
    expect(new Set(lines.map((l) => l.pid))).toEqual(new Set([a!.pid, b!.pid]));
    expect(new Set(rows.map((r) => r.lockedBy)).size).toBe(2);
  }, 300_000);

  it("kill -9 of the worker running a job: the job runs again on the other worker after the lease, once", async () => {
    writeFileSync(trace, "");
    await startWorkers(2, LEASE_MS);
    const { id } = await enqueue(t.db, sleepJob, { ms: 2500 }, { now: new Date() });
    await until("the job to start", async () => readTrace().some((l) => l.jobId === id && l.what === "start"));
    const first = readTrace().find((l) => l.jobId === id && l.what === "start")!;
    const victim = workers.find((w) => w.pid === first.pid)!;
    const survivor = workers.find((w) => w.pid !== first.pid)!;
    const killedAt = Date.now();
    await victim.stop("SIGKILL");
    await until("the job to finish elsewhere", async () => (await t.db.job.findUniqueOrThrow({ where: { id } })).status === "SUCCEEDED", 20_000);
    const lines = readTrace().filter((l) => l.jobId === id);
    expect(lines.filter((l) => l.pid === victim.pid).map((l) => l.what)).toEqual(["start"]); // cut off mid-job
    const second = lines.filter((l) => l.pid === survivor.pid);
    expect(second.map((l) => l.what)).toEqual(["start", "end"]);
    // not before the dead worker's lease ran out (it was renewed every lease/3 until the kill)
    expect(second[0]!.at - killedAt).toBeGreaterThanOrEqual(LEASE_MS - LEASE_MS / 3 - 100);
    const job = await t.db.job.findUniqueOrThrow({ where: { id } });
    expect(job.attempts).toBe(2);
    expect(job.lockedBy).toContain(`:${survivor.pid}:`);
  }, 300_000);
});
