/**
 * The durable job queue on both databases, with real workers (in this
 * process) and the injectable clock: a bad payload is refused when queued,
 * enqueue joins the caller's transaction, dedupe, retries with backoff, a
 * 48 h deadline driven in seconds, a scheduled job that fell due while the
 * workers were down runs once, a lost lease fences the old worker out, and
 * the BMC command expiry runs as a job.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { DATABASES, freshDatabase, type TTestDb } from "../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../tests/harness/fixtures";
import type { TDeps } from "../server/context";
import { AppError } from "../server/errors";
import { claimJob, completeJob, defineJob, enqueue, PermanentJobError, SCHEDULE_KEY, type TJobKind } from "../server/jobs/queue";
import { retryJob } from "../server/domains/jobs/service";
import { createAsset } from "../server/domains/assets/service";
import { COMMAND_TTL_MS, queueCommand } from "../server/domains/bmc/commands";
import { createAgent, createEndpoint } from "../server/domains/bmc/service";
import { startRunner, type TRunner } from "./runner";
import { JOB_KINDS } from "./kinds";

process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");

const HOUR = 3_600_000;

async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(DATABASES)("durable jobs on %s", (provider) => {
  let t: TTestDb;
  let deps: TDeps;
  const clock = new FakeClock();
  const runs: { kind: string; payload: unknown; at: Date; attempt: number }[] = [];
  let failuresLeft = 0;

  const echo = defineJob({
    name: "test.echo",
    version: 1,
    payload: z.object({ n: z.number().int().min(0) }),
    handler: async (_deps, p, ctx) => {
      runs.push({ kind: "test.echo", payload: p, at: clock.now(), attempt: ctx.attempt });
      return `n=${p.n}`;
    },
  });
  const flaky = defineJob({
    name: "test.flaky",
    version: 1,
    payload: z.object({}),
    maxAttempts: 3,
    backoff: { baseMs: 60_000, maxMs: 10 * 60_000 },
    handler: async (_deps, p, ctx) => {
      runs.push({ kind: "test.flaky", payload: p, at: clock.now(), attempt: ctx.attempt });
      if (failuresLeft-- > 0) throw new Error(`transient failure ${ctx.attempt}`);
      return "finally";
    },
  });
  const broken = defineJob({
    name: "test.broken",
    version: 1,
    payload: z.object({}),
    handler: async () => {
      throw new PermanentJobError("the thing it needs is gone");
    },
  });
  const tick = defineJob({
    name: "test.tick",
    version: 1,
    payload: z.object({}),
    schedule: { everyMs: 60_000 },
    handler: async (_deps, p) => {
      runs.push({ kind: "test.tick", payload: p, at: clock.now(), attempt: 1 });
    },
  });
  const long = defineJob({
    name: "test.long",
    version: 1,
    payload: z.object({ items: z.number().int() }),
    handler: async (_deps, { items }, ctx) => {
      for (let i = 1; i <= items; i++) await ctx.progress(i, items, i === items ? "all counted" : undefined);
      return `${items} items`;
    },
  });
  const KINDS = [echo, flaky, broken, long] as readonly TJobKind[];
  let runner: TRunner | null = null;
  const start = (kinds = KINDS) => (runner = startRunner(deps, kinds, { pollMs: 20, leaseMs: 5000, log: () => {} }));
  const stop = async () => {
    await runner?.stop();
    runner = null;
  };

  beforeAll(async () => {
    t = await freshDatabase(provider);
    deps = depsFor(t, clock);
  });
  afterAll(async () => {
    await stop();
    await t?.close();
  });

  it("refuses a bad payload when the job is queued, not when it runs", async () => {
    const err = await enqueue(t.db, echo, { n: -1 } as never, { now: clock.now() }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "BAD_REQUEST" });
    expect((err as Error).message).toMatch(/test\.echo job was not queued.*n: /);
    await expect(enqueue(t.db, echo, { wrong: 1 } as never, { now: clock.now() })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await t.db.job.count()).toBe(0);
  });

  it("enqueues inside the caller's transaction: rolled back with it, committed with it", async () => {
    await expect(
      t.db.$transaction(async (tx) => {
        await enqueue(tx, echo, { n: 1 }, { now: clock.now() });
        throw new Error("the domain write failed");
      }),
    ).rejects.toThrow("the domain write failed");
    expect(await t.db.job.count()).toBe(0);
    const { id } = await t.db.$transaction((tx) => enqueue(tx, echo, { n: 2 }, { now: clock.now(), dedupeKey: "two" }));
    expect(await t.db.job.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "QUEUED", kind: "test.echo", version: 1, attempts: 0, payload: '{"n":2}' });
  });

  it("dedupes on a key while the job is live, and again accepts it once the job finished", async () => {
    const a = await enqueue(t.db, echo, { n: 2 }, { now: clock.now(), dedupeKey: "two" });
    expect(a.created).toBe(false);
    // the same key inside a transaction does not abort it (PostgreSQL aborts a transaction on a unique violation)
    const b = await t.db.$transaction(async (tx) => {
      const r = await enqueue(tx, echo, { n: 2 }, { now: clock.now(), dedupeKey: "two" });
      await tx.job.count();
      return r;
    });
    expect(b).toEqual({ id: a.id, created: false });
    expect(await t.db.job.count({ where: { dedupeKey: "two" } })).toBe(1);
    start();
    await until("the deduped job ran", async () => (await t.db.job.findUniqueOrThrow({ where: { id: a.id } })).status === "SUCCEEDED");
    await stop();
    expect(runs.filter((r) => r.kind === "test.echo")).toHaveLength(1);
    expect((await t.db.job.findUniqueOrThrow({ where: { id: a.id } })).result).toBe("n=2");
    const c = await enqueue(t.db, echo, { n: 2 }, { now: clock.now(), dedupeKey: "two" });
    expect(c.created).toBe(true);
    await t.db.job.delete({ where: { id: c.id } });
  });

  it("retries with backoff (1 min, 2 min) on the injected clock, then succeeds", async () => {
    failuresLeft = 2;
    const { id } = await enqueue(t.db, flaky, {}, { now: clock.now() });
    start();
    const job = () => t.db.job.findUniqueOrThrow({ where: { id } });
    await until("first failure", async () => (await job()).attempts === 1 && (await job()).status === "QUEUED");
    const first = await job();
    expect(first.lastError).toBe("transient failure 1");
    expect(first.runAt.getTime() - clock.now().getTime()).toBe(60_000);
    await runner!.idle();
    expect((await job()).attempts).toBe(1); // not before its time
    clock.advance(60_000);
    await until("second failure", async () => (await job()).attempts === 2 && (await job()).status === "QUEUED");
    expect((await job()).runAt.getTime() - clock.now().getTime()).toBe(120_000);
    clock.advance(120_000);
    await until("success", async () => (await job()).status === "SUCCEEDED");
    await stop();
    expect(await job()).toMatchObject({ attempts: 3, result: "finally", lastError: "transient failure 2" });
  });

  it("fails at once on a permanent error; an admin retry runs it again from its first attempt", async () => {
    const { id } = await enqueue(t.db, broken, {}, { now: clock.now() });
    start();
    await until("failure", async () => (await t.db.job.findUniqueOrThrow({ where: { id } })).status === "FAILED");
    expect(await t.db.job.findUniqueOrThrow({ where: { id } })).toMatchObject({ attempts: 1, lastError: "the thing it needs is gone" });
    const again = await retryJob(deps, actor("admin"), { id });
    expect(again).toMatchObject({ status: "QUEUED", attempts: 0 });
    await until("failure again", async () => (await t.db.job.findUniqueOrThrow({ where: { id } })).status === "FAILED");
    await stop();
    expect(await t.db.auditLog.count({ where: { entity: "Job", entityId: id, action: "job.retry" } })).toBe(1);
  });

  it("records progress of long work on the job", async () => {
    const { id } = await enqueue(t.db, long, { items: 40 }, { now: clock.now() });
    start();
    await until("the long job", async () => (await t.db.job.findUniqueOrThrow({ where: { id } })).status === "SUCCEEDED");
    await stop();
    expect(await t.db.job.findUniqueOrThrow({ where: { id } })).toMatchObject({ progressDone: 40, progressTotal: 40, progressNote: "all counted", result: "40 items" });
  });

  it("runs a job due 48 hours out when the injected clock gets there, in seconds of real time", async () => {
    const wall = Date.now();
    const queuedAt = clock.now();
    const { id } = await enqueue(t.db, echo, { n: 48 }, { now: queuedAt, runAt: new Date(queuedAt.getTime() + 48 * HOUR) });
    start();
    await runner!.idle();
    clock.advance(47 * HOUR + 59 * 60_000);
    await runner!.idle();
    expect((await t.db.job.findUniqueOrThrow({ where: { id } })).status).toBe("QUEUED");
    // workers restart in between: nothing is lost, the deadline is in the database
    await stop();
    clock.advance(60_000);
    start();
    await until("the deadline job", async () => (await t.db.job.findUniqueOrThrow({ where: { id } })).status === "SUCCEEDED");
    await stop();
    const run = runs.find((r) => (r.payload as { n?: number }).n === 48)!;
    expect(run.at.getTime() - queuedAt.getTime()).toBe(48 * HOUR);
    expect(Date.now() - wall).toBeLessThan(10_000);
  });

  it("a scheduled job that fell due while the workers were down runs once when they return", async () => {
    const start = () => (runner = startRunner(deps, [tick] as readonly TJobKind[], { pollMs: 20, leaseMs: 5000, log: () => {} }));
    start();
    await until("the schedule's first occurrence", async () => (await t.db.job.count({ where: { kind: "test.tick", status: "QUEUED" } })) === 1);
    await runner!.idle();
    await stop();
    const pending = await t.db.job.findFirstOrThrow({ where: { kind: "test.tick", status: "QUEUED" } });
    expect(pending.dedupeKey).toBe(SCHEDULE_KEY);
    expect(pending.runAt.getTime() - clock.now().getTime()).toBe(60_000);
    clock.advance(30 * 60_000); // 30 ticks missed
    start();
    await until("one run", async () => (await t.db.job.count({ where: { kind: "test.tick", status: "SUCCEEDED" } })) === 1);
    await runner!.idle();
    await stop();
    expect(runs.filter((r) => r.kind === "test.tick")).toHaveLength(1);
    const next = await t.db.job.findMany({ where: { kind: "test.tick", status: "QUEUED" } });
    expect(next).toHaveLength(1);
    expect(next[0]!.runAt.getTime() - clock.now().getTime()).toBe(60_000); // one period after the run, not a backlog
  });

  it("a worker whose lease ran out is fenced out: the job is claimed again and only the new claim may finish it", async () => {
    const { id } = await enqueue(t.db, echo, { n: 7 }, { now: clock.now() });
    const dead = { workerId: "dead-worker", leaseMs: 1000 };
    const claimed = await claimJob(deps, ["test.echo"], dead);
    expect(claimed).toMatchObject({ id, attempts: 1 });
    expect(await claimJob(deps, ["test.echo"], { workerId: "other", leaseMs: 1000 })).toBeNull(); // leased
    clock.advance(1001);
    const again = await claimJob(deps, ["test.echo"], { workerId: "other", leaseMs: 1000 });
    expect(again).toMatchObject({ id, attempts: 2 });
    expect(await completeJob(deps, echo as TJobKind, claimed!, dead, "late")).toBe(false);
    expect(await completeJob(deps, echo as TJobKind, again!, { workerId: "other", leaseMs: 1000 }, "ok")).toBe(true);
    expect(await t.db.job.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "SUCCEEDED", result: "ok", lockedBy: "other" });
  });
});

describe.each(DATABASES)("BMC command expiry as a job on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock();

  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(() => t?.close());

  it("queues the deadline with the command and marks it EXPIRED (audited) when it falls due", async () => {
    const deps = depsFor(t, clock);
    const admin = actor("admin");
    const cat = await seedCatalog(deps);
    const agent = await createAgent(deps, admin, { name: "fra1-oob", siteId: cat.site.id });
    const asset = await createAsset(deps, admin, { serial: "JOB-0001", modelId: cat.server.id });
    await createEndpoint(deps, admin, { assetId: asset.id, agentId: agent.id, protocol: "ipmi", address: "10.1.0.5:623", username: "admin", password: "bmc-secret" });
    const cmd = await queueCommand(deps, admin, { assetId: asset.id, action: "off", confirm: true });
    const job = await t.db.job.findFirstOrThrow({ where: { kind: "bmc.expire-command" } });
    expect(job).toMatchObject({ status: "QUEUED", dedupeKey: cmd.id, payload: JSON.stringify({ commandId: cmd.id }) });
    expect(job.runAt.getTime()).toBe(cmd.expiresAt.getTime());
    const runner = startRunner(deps, JOB_KINDS, { pollMs: 20, log: () => {} });
    try {
      await runner.idle();
      expect((await t.db.bmcCommand.findUniqueOrThrow({ where: { id: cmd.id } })).status).toBe("QUEUED");
      clock.advance(COMMAND_TTL_MS);
      await until("expiry", async () => (await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).status === "SUCCEEDED");
    } finally {
      await runner.stop();
    }
    expect((await t.db.bmcCommand.findUniqueOrThrow({ where: { id: cmd.id } })).status).toBe("EXPIRED");
    expect(await t.db.auditLog.count({ where: { entity: "BmcCommand", entityId: cmd.id, action: "power.expired", actorType: "system" } })).toBe(1);
    // housekeeping is scheduled by the same workers
    expect(await t.db.job.count({ where: { kind: "housekeeping", status: "QUEUED", dedupeKey: SCHEDULE_KEY } })).toBe(1);
  });
});
