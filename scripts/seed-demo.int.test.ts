/**
 * npm run seed:demo writes a demo a person believes: a year of history ending
 * now (nothing timestamped in the future), an audit chain that holds and runs
 * forward in time, and per-status durations a datacenter would recognise.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type TDatabase } from "../server/db/client";
import { verifyAuditChain } from "../server/domains/audit/service";
import { DATABASES, freshDatabaseUrl } from "../tests/harness/db";

const root = path.resolve(import.meta.dirname, "..");
const DAY = 86_400_000;
const run = promisify(execFile);

/** Every DateTime column of every model in the one schema: whatever others add is checked too. */
function dateTimeColumns(): { model: string; fields: string[] }[] {
  const schema = readFileSync(path.join(root, "prisma/schema.prisma"), "utf8");
  const out: { model: string; fields: string[] }[] = [];
  for (const m of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const fields = [...m[2]!.matchAll(/^\s+(\w+)\s+DateTime\??(\s|$)/gm)].map((f) => f[1]!);
    if (fields.length) out.push({ model: m[1]!, fields });
  }
  return out;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

describe.each(DATABASES)("npm run seed:demo on %s", (provider) => {
  let database: TDatabase;
  let cleanup: () => void;
  let finishedAt: number;
  let events: { assetId: string; at: Date; fromStatus: string | null; toStatus: string; payload: string | null }[];

  beforeAll(async () => {
    const fresh = await freshDatabaseUrl(provider);
    cleanup = fresh.cleanup;
    // a smaller demo than the default 2,000 assets: the same year, the same rates
    await run(process.execPath, ["--import", "tsx", "scripts/seed-demo.ts", "--assets=300"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: fresh.url },
      timeout: 590_000,
    });
    finishedAt = Date.now();
    database = createDatabase(fresh.url);
    events = await database.db.assetEvent.findMany({ orderBy: [{ at: "asc" }, { id: "asc" }], select: { assetId: true, at: true, fromStatus: true, toStatus: true, payload: true } });
  }, 600_000);
  afterAll(async () => {
    await database?.close();
    cleanup?.();
  });

  it("writes about the assets asked for, most of them in service", async () => {
    const assets = await database.db.asset.count();
    expect(assets).toBeGreaterThan(270);
    expect(assets).toBeLessThan(330);
    expect(await database.db.asset.count({ where: { status: "IN_SERVICE" } })).toBeGreaterThan(assets * 0.4);
  });

  it("dates nothing in the future: no timestamp of any table is later than the end of the seed", async () => {
    const delegates = database.db as unknown as Record<string, { aggregate(a: unknown): Promise<{ _max: Record<string, Date | null> }> }>;
    const columns = dateTimeColumns();
    expect(columns.map((c) => c.model)).toEqual(expect.arrayContaining(["AssetEvent", "AuditLog", "Asset", "BmcObservation"]));
    let checked = 0;
    for (const { model, fields } of columns) {
      const delegate = delegates[model[0]!.toLowerCase() + model.slice(1)]!;
      const { _max } = await delegate.aggregate({ _max: Object.fromEntries(fields.map((f) => [f, true])) });
      for (const f of fields) {
        const v = _max[f];
        if (v) {
          checked++;
          expect(v.getTime(), `${model}.${f} = ${v.toISOString()}`).toBeLessThanOrEqual(finishedAt);
        }
      }
    }
    expect(checked).toBeGreaterThan(8);
  });

  it("spreads the history over the last 12 months: the earliest entry is 11–13 months old", async () => {
    const first = await database.db.auditLog.findFirst({ orderBy: { seq: "asc" }, select: { at: true } });
    const age = (finishedAt - first!.at.getTime()) / DAY;
    expect(age).toBeGreaterThan(330);
    expect(age).toBeLessThan(395);
    const eventAge = (finishedAt - events[0]!.at.getTime()) / DAY;
    expect(eventAge).toBeGreaterThan(300);
    expect(eventAge).toBeLessThan(395);
    // and it reaches today: something happened in the last week
    expect((finishedAt - events.at(-1)!.at.getTime()) / DAY).toBeLessThan(7);
  });

  it("keeps an audit chain that verifies and runs forward in time", async () => {
    const v = await verifyAuditChain(database.db);
    expect(v.ok).toBe(true);
    expect(v.checked).toBeGreaterThan(events.length);
    const rows = await database.db.auditLog.findMany({ orderBy: { seq: "asc" }, select: { seq: true, at: true } });
    const backwards = rows.filter((r, i) => i > 0 && r.at < rows[i - 1]!.at);
    expect(backwards.map((r) => r.seq)).toEqual([]);
  });

  it("has lifecycles of believable length: lead time, burn-in, installation", () => {
    const firstAt = new Map<string, Map<string, number>>();
    for (const e of events) {
      const m = firstAt.get(e.assetId) ?? new Map<string, number>();
      if (!m.has(e.toStatus)) m.set(e.toStatus, e.at.getTime());
      firstAt.set(e.assetId, m);
    }
    const span = (from: string, to: string) =>
      [...firstAt.values()].filter((m) => m.has(from) && m.has(to)).map((m) => (m.get(to)! - m.get(from)!) / DAY);
    const lead = span("ORDERED", "RECEIVED");
    expect(lead.length).toBeGreaterThan(100);
    expect(Math.min(...lead)).toBeGreaterThanOrEqual(25);
    expect(Math.max(...lead)).toBeLessThanOrEqual(100);
    expect(median(lead)).toBeGreaterThanOrEqual(30);
    expect(median(lead)).toBeLessThanOrEqual(90);
    const toBurnIn = span("RECEIVED", "BURN_IN");
    expect(median(toBurnIn)).toBeGreaterThanOrEqual(1);
    expect(median(toBurnIn)).toBeLessThanOrEqual(4);
    const install = span("RECEIVED", "SAT");
    expect(install.length).toBeGreaterThan(80);
    expect(median(install)).toBeGreaterThanOrEqual(3);
    expect(median(install)).toBeLessThanOrEqual(14);
    // every soak lasts its 48 hours, and not much longer
    const soaks: number[] = [];
    const burnInStart = new Map<string, number>();
    for (const e of events) {
      if (e.toStatus === "BURN_IN") burnInStart.set(e.assetId, e.at.getTime());
      if (e.fromStatus === "BURN_IN" && e.toStatus === "READY_TO_RACK") soaks.push((e.at.getTime() - burnInStart.get(e.assetId)!) / 3_600_000);
    }
    expect(soaks.length).toBeGreaterThan(80);
    expect(Math.min(...soaks)).toBeGreaterThanOrEqual(48);
    expect(median(soaks)).toBeLessThanOrEqual(60);
  });

  it("has a DOA rate between 0.1 % and 1 % and the other exceptions a fleet has", () => {
    const received = new Set(events.filter((e) => e.toStatus === "RECEIVED").map((e) => e.assetId));
    const doa = new Set(events.filter((e) => e.toStatus === "FAILED" && e.payload && JSON.parse(e.payload).doa === true).map((e) => e.assetId));
    expect(received.size).toBeGreaterThan(150);
    expect(doa.size / received.size).toBeGreaterThanOrEqual(0.001);
    expect(doa.size / received.size).toBeLessThanOrEqual(0.01);
    const reached = new Set(events.map((e) => e.toStatus));
    for (const s of ["PLANNED", "ORDERED", "IN_TRANSIT", "RECEIVED", "BURN_IN", "READY_TO_RACK", "RACKED", "CABLED", "SAT", "IN_SERVICE", "FAILED", "RMA", "QUARANTINE", "DECOMMISSIONING"]) {
      expect(reached, s).toContain(s);
    }
  });
});
