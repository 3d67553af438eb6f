/**
 * A multi-replica deployment in miniature, once: two web processes (`next
 * start`, the built app) and two worker processes (`workers/main.ts`, what
 * `npm run workers` runs) against one throwaway PostgreSQL. A BMC power
 * command queued through web 1 writes its deadline job in the same
 * transaction; made due through web 2, the job runs exactly once, on one of
 * the two workers; both web processes serve requests. In Chromium, Admin →
 * Background jobs shows it, and a failed job's Retry button queues it again.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../server/db/client";
import { migrate } from "../../server/db/migrate";
import { systemClock } from "../../server/context";
import { createUser } from "../../server/domains/users/service";
import { createAsset } from "../../server/domains/assets/service";
import { createAgent, createEndpoint } from "../../server/domains/bmc/service";
import { launchChromium, signIn, tabletPage } from "../harness/browser";
import { actor, seedCatalog } from "../harness/fixtures";
import { createPgDatabase, startPostgres, type TPostgres } from "../harness/postgres";
import { startWeb, type TWebServer } from "../harness/web";
import { spawnWorker, type TWorkerProcess } from "../harness/worker-process";

process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");
const PASSWORD = "replica-admin-pass-1";

let pg: TPostgres;
let url: string;
let webs: TWebServer[] = [];
let workers: TWorkerProcess[] = [];
let assetId = "";
let browser: Browser | undefined;
const SHOTS = path.resolve("test-results/e2e");

/** A tRPC call over HTTP with the superjson wire format. */
async function trpc(base: string, cookie: string, path: string, input: unknown, method: "GET" | "POST"): Promise<{ status: number; data: unknown; setCookie: string | null }> {
  const body = JSON.stringify({ json: input });
  const res =
    method === "GET"
      ? await fetch(`${base}/api/trpc/${path}?input=${encodeURIComponent(body)}`, { headers: { cookie } })
      : await fetch(`${base}/api/trpc/${path}`, { method: "POST", headers: { cookie, "content-type": "application/json", "x-ironledger-request": "1" }, body });
  const json = (await res.json()) as { result?: { data?: { json?: unknown } }; error?: unknown };
  return { status: res.status, data: json.result?.data?.json ?? json.error, setCookie: res.headers.get("set-cookie") };
}

beforeAll(async () => {
  pg = await startPostgres();
  url = await createPgDatabase(pg.url, "il_e2e_replicas");
  await migrate(url);
  const database = createDatabase(url);
  const deps = { db: database.db, provider: database.provider, clock: systemClock };
  const admin = actor("admin");
  await createUser(deps, admin, { username: "ada", displayName: "Ada Admin", role: "admin", password: PASSWORD });
  const cat = await seedCatalog(deps);
  const agent = await createAgent(deps, admin, { name: "fra1-oob", siteId: cat.site.id });
  assetId = (await createAsset(deps, admin, { serial: "REPLICA-1", modelId: cat.server.id })).id;
  await createEndpoint(deps, admin, { assetId, agentId: agent.id, protocol: "ipmi", address: "10.9.0.5:623", username: "admin", password: "bmc-secret" });
  await database.close();
  const env = { IRONLEDGER_WORKER_POLL_MS: "200" };
  workers = [spawnWorker({ databaseUrl: url, entry: "main", env }), spawnWorker({ databaseUrl: url, entry: "main", env })];
  webs = await Promise.all([startWeb(url), startWeb(url)]);
  await Promise.all(workers.map((w) => w.waitFor(/\[workers\] \S+ running .*database: postgresql/, 180_000)));
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all(webs.map((w) => w.stop()));
  await pg?.stop();
});

describe("two web and two worker processes on one PostgreSQL", () => {
  it("a job enqueued through web 1 runs exactly once; both web processes serve", async () => {
    const [web1, web2] = webs as [TWebServer, TWebServer];
    expect(web1.url).not.toBe(web2.url);
    for (const w of webs) expect((await fetch(`${w.url}/api/health`)).status).toBe(200);

    // sign in on web 1; the session (in the database) works on web 2 too
    const login = await trpc(web1.url, "", "auth.login", { username: "ada", password: PASSWORD }, "POST");
    expect(login.status, JSON.stringify(login.data)).toBe(200);
    const cookie = login.setCookie!.split(";")[0]!;
    expect((await trpc(web2.url, cookie, "auth.me", undefined, "GET")).data).toMatchObject({ role: "admin" });

    const queued = await trpc(web1.url, cookie, "bmc.queueCommand", { assetId, action: "status", confirm: true }, "POST");
    expect(queued.status, JSON.stringify(queued.data)).toBe(200);
    const commandId = (queued.data as { id: string }).id;

    const list = await trpc(web2.url, cookie, "jobs.list", { kind: "bmc.expire-command" }, "GET");
    expect(list.status).toBe(200);
    const rows = (list.data as { rows: { id: string; dedupeKey: string; status: string }[] }).rows;
    const job = rows.find((r) => r.dedupeKey === commandId)!;
    expect(job).toMatchObject({ status: "QUEUED" });

    // due in two minutes: make it due now through web 2
    expect((await trpc(web2.url, cookie, "jobs.runNow", { id: job.id }, "POST")).status).toBe(200);
    const deadline = Date.now() + 60_000;
    let final: { status: string; attempts: number; lockedBy: string | null } | undefined;
    for (;;) {
      final = (await trpc(web1.url, cookie, "jobs.get", { id: job.id }, "GET")).data as typeof final;
      if (final?.status === "SUCCEEDED" || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(final).toMatchObject({ status: "SUCCEEDED", attempts: 1 });
    await new Promise((r) => setTimeout(r, 1000)); // a second run, were there one, would have started by now
    const ran = workers.map((w) => w.log().split("\n").filter((l) => l.includes(`bmc.expire-command ${job.id} `) && l.includes(": done")).length);
    expect(ran.reduce((a, b) => a + b, 0), workers.map((w) => w.log().slice(-1500)).join("\n---\n")).toBe(1);
    expect(workers.some((w) => final!.lockedBy!.includes(`:${w.pid}:`))).toBe(true);
    expect((await trpc(web2.url, cookie, "jobs.get", { id: job.id }, "GET")).data).toMatchObject({ status: "SUCCEEDED", attempts: 1 });
  });

  it("Admin → Background jobs lists the jobs, and Retry queues a failed one again", async () => {
    const database = createDatabase(url);
    const failed = await database.db.job.create({
      data: { id: "e2e-failed-job", kind: "bmc.expire-command", version: 1, payload: JSON.stringify({ commandId: "gone" }), status: "FAILED", runAt: new Date(), attempts: 10, maxAttempts: 10, lastError: "database timeout (e2e)", createdAt: new Date(), updatedAt: new Date(), finishedAt: new Date() },
    });
    await database.close();
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium();
    const page = await tabletPage(browser);
    await signIn(page, webs[1]!.url, "ada", PASSWORD, "admin");
    await page.getByRole("link", { name: "Admin" }).click();
    await page.getByTestId("admin-jobs-link").click();
    await page.waitForURL(/\/admin\/jobs/);
    const row = page.getByTestId(`job-${failed.id}`);
    await expect.poll(() => row.getByTestId("job-error").textContent()).toBe("database timeout (e2e)");
    expect(await page.getByTestId("jobs-tab-FAILED").textContent()).toBe("Failed (1)");
    await page.screenshot({ path: path.join(SHOTS, "jobs-01-failed.png") });
    await row.getByTestId("job-retry").click();
    // queued again, then run by a worker (the command is gone: the handler says so and succeeds)
    await expect.poll(() => row.getByTestId("job-status").textContent(), { timeout: 30_000 }).toBe("Done");
    await page.screenshot({ path: path.join(SHOTS, "jobs-02-retried.png") });
  });
});
