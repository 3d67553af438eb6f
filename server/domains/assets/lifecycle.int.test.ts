import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { AppError } from "../../errors";
import { createManufacturer, createModel } from "../catalog/service";
import { verifyAuditChain } from "../audit/service";
import { retryableDbError, transition, transitionInTx } from "./lifecycle";
import { errorResponse } from "../../http";
import { verifyChain } from "../../chains/chain";
import { openRawPg, openRawSqlite } from "../../db/admin";
import { createUser } from "../users/service";
import { assetEvents, checkSerial, createAsset, findByCode, getAsset, listAssets, updateAsset } from "./service";
import { moveTo } from "../../../tests/harness/racking";

describe.each(DATABASES)("asset lifecycle on %s", (provider) => {
  let t: TTestDb;
  let clock: FakeClock;
  let cat: Awaited<ReturnType<typeof seedCatalog>>;
  const tech = actor("technician");
  const wh = actor("warehouse");

  beforeAll(async () => {
    t = await freshDatabase(provider);
    clock = new FakeClock();
    cat = await seedCatalog(depsFor(t, clock));
  });
  afterAll(() => t.close());

  const deps = () => depsFor(t, clock);

  it("walks an asset from receipt to service, one event per step, in one transaction each", async () => {
    const a = await createAsset(deps(), wh, { serial: " sn-life-001 ", modelId: cat.server.id, assetTag: "il-000001", locationId: cat.bin.id });
    expect(a.serial).toBe("SN-LIFE-001");
    expect(a.assetTag).toBe("IL-000001");
    expect(a.status).toBe("RECEIVED");
    for (const to of ["BURN_IN", "READY_TO_RACK", "RACKED", "CABLED", "SAT", "IN_SERVICE"] as const) {
      clock.advance(3_600_000);
      await moveTo(deps(), tech, a.id, to, { reason: `step ${to}` });
    }
    const events = await assetEvents(deps(), a.id);
    expect(events.map((e) => e.toStatus)).toEqual(["IN_SERVICE", "SAT", "CABLED", "RACKED", "READY_TO_RACK", "BURN_IN", "RECEIVED"]);
    expect(events[0]!.fromStatus).toBe("SAT");
    expect(events[0]!.actorId).toBe(tech.id);
    const detail = await getAsset(deps(), a.id, "technician");
    expect(detail.status).toBe("IN_SERVICE");
    expect(detail.version).toBe(6);
    expect(detail.allowedTransitions.sort()).toEqual(["DECOMMISSIONING", "QUARANTINE", "RMA"]);
    expect((await getAsset(deps(), a.id, "viewer")).allowedTransitions).toEqual([]);
  });

  it("refuses an invalid transition with a typed error naming the asset, its status and the attempt", async () => {
    const a = await createAsset(deps(), wh, { serial: "SN-LIFE-002", modelId: cat.server.id, assetTag: "IL-000002" });
    const err = await transition(deps(), tech, { assetId: a.id, to: "IN_SERVICE" }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe("INVALID_TRANSITION");
    expect(err.message).toContain("IL-000002");
    expect(err.message).toContain("Received");
    expect(err.message).toContain("In service");
    expect(err.details).toMatchObject({ assetId: a.id, status: "RECEIVED", attempted: "IN_SERVICE" });
    expect((await getAsset(deps(), a.id, "admin")).status).toBe("RECEIVED");
    expect(await assetEvents(deps(), a.id)).toHaveLength(1);
  });

  it("refuses a move the role may not make", async () => {
    const a = await createAsset(deps(), wh, { serial: "SN-LIFE-003", modelId: cat.server.id });
    const err = await transition(deps(), actor("procurement"), { assetId: a.id, to: "BURN_IN" }).catch((e) => e);
    expect(err.code).toBe("FORBIDDEN");
  });

  it("marks a failure before first service as DOA, and holds/releases quarantine to the held status", async () => {
    const a = await createAsset(deps(), wh, { serial: "SN-LIFE-004", modelId: cat.server.id });
    await transition(deps(), tech, { assetId: a.id, to: "QUARANTINE", reason: "suspect PSU" });
    const held = await getAsset(deps(), a.id, "technician");
    expect(held.heldStatus).toBe("RECEIVED");
    expect(held.allowedTransitions).toEqual(["RECEIVED"]);
    await transition(deps(), tech, { assetId: a.id, to: "RECEIVED" });
    await transition(deps(), tech, { assetId: a.id, to: "BURN_IN" });
    await transition(deps(), tech, { assetId: a.id, to: "FAILED", reason: "no POST" });
    const [failed] = await assetEvents(deps(), a.id);
    expect(failed!.payload).toEqual({ doa: true });
    await transition(deps(), wh, { assetId: a.id, to: "RMA" });
    await transition(deps(), wh, { assetId: a.id, to: "RECEIVED", reason: "replacement arrived" });
  });

  it("lets exactly one of two concurrent transitions win; the other gets CONFLICT", async () => {
    const a = await createAsset(deps(), wh, { serial: "SN-LIFE-005", modelId: cat.server.id });
    const results = await Promise.allSettled([
      transition(deps(), tech, { assetId: a.id, to: "BURN_IN", expectedVersion: a.version }),
      transition(deps(), tech, { assetId: a.id, to: "FAILED", expectedVersion: a.version }),
    ]);
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason.code).toBe("CONFLICT");
    const events = await assetEvents(deps(), a.id);
    expect(events).toHaveLength(2);
  });

  it("refuses a move from a status the caller no longer sees with CONFLICT naming who changed it to what and when, and writes nothing", async () => {
    const tara = await createUser(deps(), actor("admin"), { username: `tara-${provider}`, displayName: "Tara Technician", role: "technician", password: "stale-password-1" });
    const taraActor = { type: "user" as const, id: tara.id, name: tara.displayName, role: "technician" as const };
    const a = await createAsset(deps(), wh, { serial: "SN-STALE-1", modelId: cat.server.id, assetTag: "IL-STALE-1" });
    await transition(deps(), taraActor, { assetId: a.id, to: "BURN_IN", expectedStatus: "RECEIVED", expectedVersion: a.version });
    const movedAt = clock.now();
    clock.advance(60_000);
    // a page loaded before Tara's move still offers Received → Burn-in / Failed
    const stale = await transition(deps(), tech, { assetId: a.id, to: "FAILED", expectedStatus: "RECEIVED" }).catch((e) => e);
    expect(stale).toBeInstanceOf(AppError);
    expect(stale.code).toBe("CONFLICT");
    expect(stale.message).toContain("Nothing was changed");
    expect(stale.message).toContain("Tara Technician moved IL-STALE-1");
    expect(stale.message).toContain("from Received to Burn-in");
    expect(stale.message).toContain(`${movedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`);
    expect(stale.details).toMatchObject({ assetId: a.id, status: "BURN_IN", version: 1, changedBy: "Tara Technician", changedAt: movedAt.toISOString(), change: "status", from: "RECEIVED" });
    // the same by version alone (the REST client's way)
    const byVersion = await transition(deps(), tech, { assetId: a.id, to: "READY_TO_RACK", expectedVersion: 0 }).catch((e) => e);
    expect(byVersion.code).toBe("CONFLICT");
    expect(byVersion.details).toMatchObject({ changedBy: "Tara Technician", change: "status" });
    // an edit that kept the status: still stale by version, and says it was an edit
    await updateAsset(deps(), taraActor, { id: a.id, data: { notes: "moved to bench 3" } });
    const afterEdit = await transition(deps(), tech, { assetId: a.id, to: "READY_TO_RACK", expectedStatus: "BURN_IN", expectedVersion: 1 }).catch((e) => e);
    expect(afterEdit.code).toBe("CONFLICT");
    expect(afterEdit.message).toContain("Tara Technician edited IL-STALE-1");
    expect(afterEdit.message).toContain("It is Burn-in.");
    expect(afterEdit.details).toMatchObject({ change: "edit", status: "BURN_IN", version: 2 });
    // nothing was written by the refused calls
    expect((await assetEvents(deps(), a.id)).map((e) => e.toStatus)).toEqual(["BURN_IN", "RECEIVED"]);
    // and with what the caller sees now, the move goes through
    await transition(deps(), tech, { assetId: a.id, to: "READY_TO_RACK", expectedStatus: "BURN_IN", expectedVersion: 2 });
  });

  it("under a burst of racing transitions without a version, the status and the events never disagree", async () => {
    const a = await createAsset(deps(), wh, { serial: "SN-LIFE-006", modelId: cat.server.id });
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => transition(deps(), tech, { assetId: a.id, to: "BURN_IN" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(["CONFLICT", "INVALID_TRANSITION"]).toContain(r.reason.code);
    expect((await assetEvents(deps(), a.id)).map((e) => e.toStatus)).toEqual(["BURN_IN", "RECEIVED"]);
  });

  it("answers a duplicate serial with the asset already registered, not a crash", async () => {
    const err = await createAsset(deps(), wh, { serial: "sn-life-001", modelId: cat.server.id }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe("DUPLICATE");
    expect(err.message).toContain("IL-000001");
    const tagErr = await createAsset(deps(), wh, { serial: "SN-NEW-XYZ", modelId: cat.server.id, assetTag: "IL-000001" }).catch((e) => e);
    expect(tagErr.code).toBe("DUPLICATE");
    expect(tagErr.fields).toHaveProperty("assetTag");
  });

  it("tells the register form about a duplicate serial, and about the same serial under another manufacturer", async () => {
    const hpe = await createManufacturer(deps(), actor("admin"), { name: "HPE" });
    const dl380 = await createModel(deps(), actor("admin"), { manufacturerId: hpe.id, name: "ProLiant DL380", kind: "SERVER", partNumber: "DL380", heightU: 2 });
    const dell = await checkSerial(deps(), { serial: " sn-life-001 ", modelId: cat.server.id });
    expect(dell.serial).toBe("SN-LIFE-001");
    expect(dell.duplicate?.assetTag).toBe("IL-000001");
    expect(dell.otherManufacturers).toEqual([]);
    // the same serial is free under HPE, but the form says it exists under Dell
    const other = await checkSerial(deps(), { serial: "SN-LIFE-001", modelId: dl380.id });
    expect(other.duplicate).toBeNull();
    expect(other.otherManufacturers.map((a) => [a.model.manufacturer, a.assetTag])).toEqual([["Dell", "IL-000001"]]);
    // no model chosen yet (or an unknown one): nothing is a duplicate, every match is listed
    expect((await checkSerial(deps(), { serial: "sn-life-001" })).otherManufacturers).toHaveLength(1);
    expect((await checkSerial(deps(), { serial: "sn-life-001", modelId: "no-such-model" })).duplicate).toBeNull();
    expect(await checkSerial(deps(), { serial: "NEVER-SEEN-1", modelId: cat.server.id })).toEqual({ serial: "NEVER-SEEN-1", duplicate: null, otherManufacturers: [] });
  });

  it("finds by asset tag or serial, lists with filter, sort and paging", async () => {
    expect((await findByCode(deps(), "il-000001"))[0]?.serial).toBe("SN-LIFE-001");
    expect((await findByCode(deps(), " sn-life-002 "))[0]?.assetTag).toBe("IL-000002");
    expect(await findByCode(deps(), "NOPE-123")).toEqual([]);
    const page = await listAssets(deps(), { status: ["RECEIVED"], sort: "serial", dir: "asc", pageSize: 2 });
    expect(page.items.map((i) => i.serial)).toEqual(["SN-LIFE-002", "SN-LIFE-003"]);
    expect(page.total).toBeGreaterThanOrEqual(2);
    const q = await listAssets(deps(), { q: "sn-life-00", sort: "serial", dir: "desc", pageSize: 50 });
    expect(q.items[0]!.serial).toBe("SN-LIFE-006");
    expect(q.total).toBe(6);
  });

  it("keeps parts linked to their parent and rejects rack overlaps", async () => {
    const srv = await createAsset(deps(), wh, { serial: "SN-RACK-1", modelId: cat.server.id, locationId: cat.rack.id, rackUnit: 10 });
    const dimm = await createAsset(deps(), wh, { serial: "DIMM-0001", modelId: cat.dimm.id, parentId: srv.id });
    expect((await getAsset(deps(), srv.id, "admin")).parts.map((p) => p.id)).toEqual([dimm.id]);
    const overlap = await createAsset(deps(), wh, { serial: "SN-RACK-2", modelId: cat.server.id, locationId: cat.rack.id, rackUnit: 11 }).catch((e) => e);
    expect(overlap.code).toBe("CONFLICT");
    expect(overlap.message).toContain("U10–U11");
    const tooHigh = await createAsset(deps(), wh, { serial: "SN-RACK-3", modelId: cat.server.id, locationId: cat.rack.id, rackUnit: 42 }).catch((e) => e);
    expect(tooHigh.code).toBe("BAD_REQUEST");
  });

  it("writes through the driver what transitionInTx writes through Prisma: the same event, audit entry and live notice, on one chain", async () => {
    const a = await createAsset(deps(), wh, { serial: "SN-PATH-HOT", modelId: cat.server.id });
    const b = await createAsset(deps(), wh, { serial: "SN-PATH-TX", modelId: cat.server.id });
    clock.advance(1_234);
    const at = clock.now();
    const input = { to: "QUARANTINE" as const, reason: "same path?", payload: { bench: 3, note: "x" } };
    const viaDriver = await transition(deps(), tech, { ...input, assetId: a.id });
    const viaPrisma = await t.db.$transaction((tx) => transitionInTx(tx, provider, clock, tech, { ...input, assetId: b.id }));
    expect(viaDriver).toMatchObject({ assetId: a.id, from: "RECEIVED", to: "QUARANTINE", version: 1 });
    expect(viaPrisma).toMatchObject({ assetId: b.id, from: "RECEIVED", to: "QUARANTINE", version: 1 });
    // the event id sorts like Prisma's cuid(): after the asset's first event
    expect(viaDriver.eventId).toMatch(/^c[0-9a-z]{24}$/);
    const [ea, eb] = await Promise.all([a.id, b.id].map((id) => t.db.assetEvent.findFirstOrThrow({ where: { assetId: id, toStatus: "QUARANTINE" } })));
    expect(ea!.id).toBe(viaDriver.eventId);
    const strip = ({ id: _id, assetId: _a, chainSeq: _c, hash: _h, prevHash: _p, ...rest }: Record<string, unknown>) => rest;
    expect(strip(ea!)).toEqual(strip(eb!));
    expect(ea!.at).toEqual(at);
    expect(ea!.payload).toBe(JSON.stringify(input.payload));
    expect(eb!.chainSeq).toBe(ea!.chainSeq! + 1);
    expect(eb!.prevHash).toBe(ea!.hash);
    const [aa, ab] = await Promise.all([a.id, b.id].map((id) => t.db.auditLog.findFirstOrThrow({ where: { entity: "Asset", entityId: id, action: "transition" } })));
    const stripAudit = ({ seq: _s, entityId: _e, hash: _h, prevHash: _p, ...rest }: Record<string, unknown>) => rest;
    expect(stripAudit(aa!)).toEqual(stripAudit(ab!));
    expect(aa!.at).toEqual(at);
    expect(ab!.seq).toBe(aa!.seq + 1);
    expect(ab!.prevHash).toBe(aa!.hash);
    const [la, lb] = await Promise.all([a.id, b.id].map((id) => t.db.liveEvent.findFirstOrThrow({ where: { scope: "asset", key: id, kind: "asset.status" } })));
    expect({ ...la!, id: 0, key: "" }).toEqual({ ...lb!, id: 0, key: "" });
    expect(JSON.parse(la!.data!)).toEqual({ kind: "asset.status", from: "RECEIVED", to: "QUARANTINE", version: 1 });
    expect(lb!.id).toBeGreaterThan(la!.id);
    // the asset row as Prisma reads it back
    const [ra, rb] = await Promise.all([a.id, b.id].map((id) => t.db.asset.findUniqueOrThrow({ where: { id }, select: { status: true, heldStatus: true, version: true, updatedAt: true } })));
    expect(ra).toEqual(rb);
    expect(ra!.updatedAt).toEqual(at);
    expect(ra!.heldStatus).toBe("RECEIVED");
    for (const chain of ["audit", "events"] as const) expect((await verifyChain(t.db, chain)).ok).toBe(true);
  });

  it("keeps every transition and both chains whole under concurrent transitions on many assets, mixed with transitions inside callers' transactions", async () => {
    const assets = await Promise.all(Array.from({ length: 10 }, (_, i) => createAsset(deps(), wh, { serial: `SN-CONC-${i}`, modelId: cat.server.id })));
    const liveBefore = await t.db.liveEvent.count();
    const steps = ["BURN_IN", "READY_TO_RACK", "QUARANTINE", "READY_TO_RACK"] as const;
    await Promise.all(
      assets.map(async (a, i) => {
        for (const to of steps) {
          if (i % 3 === 0) await t.db.$transaction((tx) => transitionInTx(tx, provider, clock, tech, { assetId: a.id, to }));
          else await transition(deps(), tech, { assetId: a.id, to, expectedStatus: undefined });
        }
      }),
    );
    for (const a of assets) {
      const now = await getAsset(deps(), a.id, "admin");
      expect([now.status, now.version]).toEqual(["READY_TO_RACK", 4]);
      expect((await assetEvents(deps(), a.id)).map((e) => e.toStatus)).toEqual([...[...steps].reverse(), "RECEIVED"]);
    }
    expect(await t.db.liveEvent.count()).toBe(liveBefore + assets.length * steps.length);
    const events = await verifyChain(t.db, "events");
    expect(events.ok).toBe(true);
    expect(events.checked).toBe(await t.db.assetEvent.count());
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it("answers a busy database with a retryable UNAVAILABLE (503, Retry-After), never an internal error", async () => {
    const busy: unknown[] = [];
    // Prisma's interactive-transaction timeout (what answered 500 under load before)
    busy.push(await t.db.$transaction(async () => new Promise((r) => setTimeout(r, 200)), { timeout: 20 }).catch((e: unknown) => e));
    if (provider === "sqlite") {
      const file = t.url.replace(/^file:/, "");
      const [one, two] = [openRawSqlite(file), openRawSqlite(file)];
      try {
        two.pragma("busy_timeout = 0");
        one.prepare("BEGIN IMMEDIATE").run();
        busy.push(
          (() => {
            try {
              two.prepare("BEGIN IMMEDIATE").run(); // the one writer lock is taken
            } catch (e) {
              return e;
            }
          })(),
        );
        one.prepare("ROLLBACK").run();
      } finally {
        one.close();
        two.close();
      }
    } else {
      const [held, other] = [openRawPg(t.url), openRawPg(t.url)];
      await held.connect();
      await other.connect();
      try {
        await held.query("BEGIN");
        await held.query("SELECT pg_advisory_xact_lock(1)");
        await other.query("SET lock_timeout = '20ms'");
        busy.push(await other.query("SELECT pg_advisory_lock(1)").catch((e: unknown) => e)); // a lock not granted in time (what the driver path's lock_timeout ends)
        await held.query("ROLLBACK");
      } finally {
        await held.end();
        await other.end();
      }
    }
    // the pool's own refusal when no connection frees up in time
    busy.push(new Error("timeout exceeded when trying to connect"));
    expect(busy).toHaveLength(3);
    for (const e of busy) {
      expect(e).toBeInstanceOf(Error);
      const mapped = retryableDbError(e);
      expect(mapped, String(e)).toBeInstanceOf(AppError);
      expect(mapped!.code).toBe("UNAVAILABLE");
      const res = errorResponse(mapped);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("1");
    }
    // what is not about load stays what it was
    expect(retryableDbError(new Error("syntax error at or near"))).toBeNull();
    expect(retryableDbError(new AppError("CONFLICT", "x"))).toBeNull();
  });

  it("writes every change to a hash chain the verifier accepts, and the database refuses edits of events", async () => {
    const v = await verifyAuditChain(t.db);
    expect(v.ok).toBe(true);
    expect(v.checked).toBeGreaterThan(20);
    // (SQLite reports the trigger's RAISE(ABORT) as a constraint violation; PostgreSQL names the table)
    await expect(t.db.assetEvent.updateMany({ data: { reason: "rewritten" } })).rejects.toThrow();
    await expect(t.db.auditLog.deleteMany({})).rejects.toThrow();
    expect(await t.db.assetEvent.count({ where: { reason: "rewritten" } })).toBe(0);
    expect(await t.db.auditLog.count()).toBe(v.checked);
  });
});
