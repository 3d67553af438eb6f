/** Receiving on both databases: every scan outcome, idempotency by clientScanId, damaged units, ASN import, close with the discrepancy report, the PO's state and lead time, REST. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { AppError } from "../../errors";
import type { TRole } from "../../auth/roles";
import { createModel } from "../catalog/service";
import { getAsset, assetEvents } from "../assets/service";
import { transition } from "../assets/lifecycle";
import { issuePurchaseOrder, cancelPurchaseOrder, getPurchaseOrder } from "../procurement/orders";
import { leadTimeKpi } from "../procurement/kpi";
import { listAudit, verifyAuditChain } from "../audit/service";
import { createApiToken, createUser } from "../users/service";
import { handleRest } from "../../rest/http";
import { closeReceipt, createReceipt, flagDamaged, getReceipt, importAsn, updateReceivingSettings } from "./service";
import { scan } from "./scan";
import { createProfile, startRuns } from "../burnin/service";
import { flushSyncs } from "./sync";

const DAY = 86_400_000;

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe.each(DATABASES)("receiving on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock(new Date("2026-02-02T08:00:00Z"));
  const wh = actor("warehouse");
  const deps = () => depsFor(t, clock);
  let cat: Awaited<ReturnType<typeof seedCatalog>>;
  let n = 0;
  const sid = () => `scan-${provider}-${++n}-xxxxxxxx`;

  /** An issued PO: lines of [modelId, quantity]. */
  async function issuedPo(lines: [string, number][]) {
    const count = await t.db.purchaseOrder.count();
    const po = await t.db.purchaseOrder.create({
      data: {
        number: `PO-${String(count + 1).padStart(6, "0")}`,
        vendorId: cat.vendor.id,
        currency: "EUR",
        status: "DRAFT",
        total: 0,
        createdById: "test",
        createdAt: clock.now(),
        lines: { create: lines.map(([modelId, quantity], i) => ({ lineNo: i + 1, modelId, quantity, unitPrice: 100, leadTimeDays: 10 })) },
      },
    });
    return issuePurchaseOrder(deps(), actor("procurement"), po.id);
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    cat = await seedCatalog(deps());
    await createModel(deps(), actor("admin"), { manufacturerId: cat.dell.id, name: "PowerEdge R650", kind: "SERVER", partNumber: "R650", heightU: 1 });
  });
  afterAll(async () => {
    await flushSyncs();
    await t.close();
  });

  it("receives serials: placeholder → real serial, tag, bin, RECEIVED through the lifecycle, audited; every awkward case answered without writing", async () => {
    const po = await issuedPo([[cat.server.id, 3]]);
    expect(await refusal(createReceipt(deps(), wh, { poId: po.id }))).toMatchObject({ code: "BAD_REQUEST", fields: { binId: ["Choose a bin"] } });
    const rc = await createReceipt(deps(), wh, { code: po.number, binId: cat.bin.id });
    expect(rc).toMatchObject({ poNumber: po.number, status: "OPEN", bin: { id: cat.bin.id }, tagMode: "GENERATE", counters: [{ received: 0, ordered: 3 }] });
    // a second tablet on the same PO and bin joins the same receipt
    expect((await createReceipt(deps(), actor("admin"), { poId: po.id, binId: cat.bin.id })).id).toBe(rc.id);

    clock.advance(12 * DAY);
    const ok = await scan(deps(), wh, rc.id, { code: " sn-a001 ", clientScanId: sid() });
    expect(ok).toMatchObject({ outcome: "received", ok: true, code: "SN-A001", assetTag: "IL-000001", replayed: false, counters: [{ received: 1, ordered: 3 }] });
    const asset = await getAsset(deps(), ok.assetId!, "viewer");
    expect(asset).toMatchObject({ serial: "SN-A001", assetTag: "IL-000001", status: "RECEIVED" });
    expect(asset.location?.id).toBe(cat.bin.id);
    const events = await assetEvents(deps(), ok.assetId!);
    expect(events.map((e) => e.toStatus)).toEqual(["RECEIVED", "IN_TRANSIT", "ORDERED"]);
    expect((await listAudit(t.db, { entity: "Asset", entityId: ok.assetId!, take: 10 })).map((a) => a.action)).toEqual(["receive", "transition", "transition", "create"]);

    // idempotent by clientScanId: the same answer, nothing written
    const id2 = sid();
    const first = await scan(deps(), wh, rc.id, { code: "SN-A002", clientScanId: id2 });
    const replay = await scan(deps(), wh, rc.id, { code: "SN-A002", clientScanId: id2 });
    expect(replay).toMatchObject({ outcome: "received", assetId: first.assetId, replayed: true, counters: [{ received: 2 }] });
    // the same serial under a new scan id: already received
    expect(await scan(deps(), wh, rc.id, { code: "SN-A001", clientScanId: sid() })).toMatchObject({ outcome: "already_received", ok: true, assetId: ok.assetId, counters: [{ received: 2 }] });

    const outcome = async (code: string, extra: object = {}) => (await scan(deps(), wh, rc.id, { code, clientScanId: sid(), ...extra })).outcome;
    expect(await outcome("PO-000001")).toBe("po_barcode");
    expect(await outcome(po.number)).toBe("po_barcode");
    expect(await outcome("ab")).toBe("invalid_serial");
    expect(await outcome("SN A 00!")).toBe("invalid_serial");
    expect(await outcome("N/A")).toBe("invalid_serial");
    expect(await outcome("x".repeat(70))).toBe("invalid_serial");
    expect(await outcome("R650")).toBe("not_on_po");
    expect(await outcome("R760")).toBe("line_selected");
    expect(await outcome("SN-A003", { poLineId: "nope" })).toBe("not_on_po");
    // a serial that is another Dell asset already
    const other = await t.db.asset.create({ data: { serial: "SN-ELSE", manufacturerId: cat.dell.id, modelId: cat.server.id, status: "IN_SERVICE", createdAt: clock.now(), updatedAt: clock.now() } });
    expect(await scan(deps(), wh, rc.id, { code: "sn-else", clientScanId: sid() })).toMatchObject({ outcome: "known_elsewhere", ok: false, assetId: other.id });
    expect(await outcome("SN-A003")).toBe("received");
    const over = await scan(deps(), wh, rc.id, { code: "SN-A004", clientScanId: sid() });
    expect(over).toMatchObject({ outcome: "over_receipt", ok: false, counters: [{ received: 3, ordered: 3 }] });
    expect(over.message).toMatch(/Over-receipt: line 1 \(R760\) has all 3 received/);
    // nothing was written for the refusals: 3 received assets, no asset with the refused serials
    expect(await t.db.asset.count({ where: { serial: { in: ["SN-A004", "AB", "R650"] } } })).toBe(0);
    expect(await t.db.asset.count({ where: { status: "RECEIVED" } })).toBe(3);

    // damaged at receipt → FAILED, DOA
    const bad = await refusal(flagDamaged(deps(), wh, rc.id, { assetId: other.id, reason: "dented" }));
    expect(bad.fields).toEqual({ assetId: ["Not received on this receipt"] });
    await flagDamaged(deps(), wh, rc.id, { assetId: first.assetId!, reason: "Cracked bezel, no POST" });
    const failed = await assetEvents(deps(), first.assetId!);
    expect(failed[0]).toMatchObject({ toStatus: "FAILED" });
    expect(failed[0]!.payload).toMatchObject({ doa: true, damaged: true });

    const closed = await closeReceipt(deps(), wh, rc.id);
    expect(closed.status).toBe("CLOSED");
    expect(closed.poStatus).toBe("RECEIVED");
    expect(closed.report).toMatchObject({ short: [], over: [{ lineNo: 1, code: "SN-A004" }], wrongModel: [{ code: "R650" }], damaged: [{ assetId: first.assetId, serial: "SN-A002" }] });
    expect(closed.receivedAssetIds).toHaveLength(3);
    expect(await outcome("SN-A009")).toBe("po_closed");
    // lead time filled in by syncReceipts: issued on day 0, received 12 days later
    const lead = await leadTimeKpi(deps(), { vendorId: cat.vendor.id });
    expect(lead.vendors[0]).toMatchObject({ received: 3, p50: 12, max: 12 });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it("chooses the line by model barcode or ASN, reports short and wrong model, moves the PO to partially received, refuses cancelled POs", async () => {
    const po = await issuedPo([[cat.server.id, 2], [cat.dimm.id, 4]]);
    const rc = await createReceipt(deps(), wh, { poId: po.id, binId: cat.bin.id });
    const [serverLine, dimmLine] = po.lines;
    expect((await scan(deps(), wh, rc.id, { code: "MX-0001", clientScanId: sid() })).outcome).toBe("unknown_model");
    const sel = await scan(deps(), wh, rc.id, { code: "snp-64g", clientScanId: sid() });
    expect(sel).toMatchObject({ outcome: "line_selected", poLineId: dimmLine!.id });
    expect(await scan(deps(), wh, rc.id, { code: "MX-0001", clientScanId: sid(), poLineId: sel.poLineId })).toMatchObject({ outcome: "received", poLineId: dimmLine!.id });

    // ASN: bad lines reported with line numbers, nothing imported
    const badCsv = "carton,partNumber,serial,mac\nC1,R760,SRV-1,aa:bb:cc:dd:ee:ff\nC1,R650,SRV-2,\nC2,R760,SRV-1,\nC2,SNP-64G,x,zz\n";
    const e = await refusal(importAsn(deps(), wh, { poId: po.id, reference: "ASN-1", csv: badCsv }));
    expect(e.code).toBe("BAD_REQUEST");
    const problems = (e.details as { problems: { line: number; message: string }[] }).problems;
    expect(problems.map((p) => p.line)).toEqual([3, 4, 5]);
    expect(problems[2]!.message).toMatch(/^mac: mac is not a MAC address/);
    expect(problems[0]!.message).toMatch(/R650 is not on PO-/);
    expect(problems[1]!.message).toMatch(/already on line 2/);
    expect(await t.db.asnItem.count()).toBe(0);
    const head = await refusal(importAsn(deps(), wh, { poId: po.id, reference: "ASN-1", csv: "box,serial\nC1,SRV-1\n" }));
    expect((head.details as { problems: { message: string }[] }).problems.map((p) => p.message).join(" ")).toMatch(/Unknown column box.*Missing columns carton, partNumber/s);
    const json = await refusal(importAsn(deps(), wh, { poId: po.id, reference: "ASN-1", lines: [{ carton: "C1", partNumber: "R760", serial: "SRV-1" }, { carton: "", partNumber: "R760", serial: "SRV-9" }] }));
    expect((json.details as { problems: { line: number }[] }).problems).toEqual([{ line: 2, field: "carton", message: "carton: carton is empty" }]);
    const asn = await importAsn(deps(), wh, { poId: po.id, reference: "ASN-1", csv: "carton,partNumber,serial,mac\nC1,r760,srv-1,aa:bb:cc:dd:ee:ff\nC1,R760,SRV-2,\n" });
    expect(asn).toMatchObject({ lineCount: 2, cartons: 1 });
    expect((await refusal(importAsn(deps(), wh, { poId: po.id, reference: "ASN-2", lines: [{ carton: "C9", partNumber: "R760", serial: "SRV-2" }] }))).message).toMatch(/1 line needs fixing/);
    expect((await getReceipt(deps(), rc.id)).expectedNotScanned.map((x) => x.serial)).toEqual(["SRV-1", "SRV-2"]);
    // an expected serial goes to its line without choosing it (the PO has two lines)
    expect(await scan(deps(), wh, rc.id, { code: "SRV-1", clientScanId: sid() })).toMatchObject({ outcome: "received", poLineId: serverLine!.id });
    const got = await getReceipt(deps(), rc.id);
    expect(got.expectedNotScanned.map((x) => x.serial)).toEqual(["SRV-2"]);
    expect(got.counters.map((c) => [c.received, c.ordered])).toEqual([[1, 2], [1, 4]]);
    // a receipt can also be started from the ASN's reference
    expect((await createReceipt(deps(), wh, { code: "ASN-1", binId: cat.bin.id })).id).toBe(rc.id);

    expect((await scan(deps(), wh, rc.id, { code: "R650", clientScanId: sid() })).outcome).toBe("not_on_po");
    const closed = await closeReceipt(deps(), wh, rc.id);
    expect(closed.poStatus).toBe("PARTIALLY_RECEIVED");
    expect(closed.report!.short.map((s) => [s.lineNo, s.missing])).toEqual([[1, 1], [2, 3]]);
    expect(closed.report!.wrongModel.map((w) => w.code)).toEqual(["R650"]);
    expect(closed.report!.expectedNotScanned.map((x) => x.serial)).toEqual(["SRV-2"]);
    expect((await refusal(closeReceipt(deps(), wh, rc.id))).message).toMatch(/is closed/);
    // a new receipt continues the PO
    const rc2 = await createReceipt(deps(), wh, { poId: po.id, binId: cat.bin.id });
    expect(rc2.id).not.toBe(rc.id);
    expect(rc2.counters.map((c) => c.received)).toEqual([1, 1]);

    const cancelled = await issuedPo([[cat.server.id, 1]]);
    const rc3 = await createReceipt(deps(), wh, { poId: cancelled.id, binId: cat.bin.id });
    await cancelPurchaseOrder(deps(), actor("procurement"), cancelled.id);
    expect(await scan(deps(), wh, rc3.id, { code: "ZZ-1234", clientScanId: sid() })).toMatchObject({ outcome: "po_closed", ok: false });
    expect((await refusal(createReceipt(deps(), wh, { poId: cancelled.id, binId: cat.bin.id }))).message).toMatch(/cancelled; only an issued or partially received PO/);
    expect((await getPurchaseOrder(deps(), cancelled.id)).status).toBe("CANCELLED");
  });

  it("starts a burn-in batch from a receipt: its servers still Received, not its parts; says so when none is left", async () => {
    const po = await issuedPo([[cat.server.id, 2], [cat.dimm.id, 1]]);
    const rc = await createReceipt(deps(), wh, { poId: po.id, binId: cat.bin.id });
    const [serverLine, dimmLine] = po.lines;
    const outcomes: string[] = [];
    for (const [code, poLineId] of [["SNBI0001", serverLine!.id], ["SNBI0002", serverLine!.id], ["DIMMBI0001", dimmLine!.id]] as const) outcomes.push((await scan(deps(), wh, rc.id, { code, poLineId, clientScanId: sid() })).outcome);
    expect(outcomes).toEqual(["received", "received", "received"]);
    expect((await getReceipt(deps(), rc.id)).receivedAssetIds).toHaveLength(3);
    const tech = actor("technician");
    const profile = await createProfile(deps(), tech, { name: `soak-${provider}`, family: "PowerEdge R7xx", spec: {} });
    const started = await startRuns(deps(), tech, { profileId: profile.id, receiptId: rc.id, reason: "batch from the dock" });
    expect(started.runs.map((r) => r.serial).sort()).toEqual(["SNBI0001", "SNBI0002"]);
    for (const r of started.runs) expect((await getAsset(deps(), r.assetId, "viewer")).status).toBe("BURN_IN");
    const again = await refusal(startRuns(deps(), tech, { profileId: profile.id, receiptId: rc.id }));
    expect(again.message).toMatch(new RegExp(`Every server receipt ${rc.number} received has moved on from Received \\(2 in all\\)`));
    expect(again.fields).toEqual({ receiptId: ["no RECEIVED servers on this receipt"] });
    expect((await refusal(startRuns(deps(), tech, { profileId: profile.id, receiptId: "nope" }))).code).toBe("NOT_FOUND");
  });

  it("binds pre-printed tags in PREPRINTED mode, and generates tags in the configured format otherwise", async () => {
    await updateReceivingSettings(deps(), actor("admin"), { tagMode: "PREPRINTED", tagPrefix: "dc", tagDigits: 5, tagNext: 1, defaultBinId: cat.bin.id });
    const po = await issuedPo([[cat.server.id, 2]]);
    const rc = await createReceipt(deps(), wh, { poId: po.id });
    expect(rc).toMatchObject({ tagMode: "PREPRINTED", tagPattern: "DC00001", bin: { id: cat.bin.id } });
    expect((await scan(deps(), wh, rc.id, { code: "DC00042", clientScanId: sid() })).outcome).toBe("tag_refused");
    const r1 = await scan(deps(), wh, rc.id, { code: "PP-0001", clientScanId: sid() });
    expect(r1).toMatchObject({ outcome: "received", assetTag: null });
    expect(await scan(deps(), wh, rc.id, { code: "DC00042", clientScanId: sid(), assetId: r1.assetId })).toMatchObject({ outcome: "tag_bound", assetTag: "DC00042" });
    expect((await getAsset(deps(), r1.assetId!, "viewer")).assetTag).toBe("DC00042");
    const r2 = await scan(deps(), wh, rc.id, { code: "PP-0002", clientScanId: sid() });
    expect(await scan(deps(), wh, rc.id, { code: "DC00042", clientScanId: sid(), assetId: r2.assetId })).toMatchObject({ outcome: "tag_refused" });
    await updateReceivingSettings(deps(), actor("admin"), { tagMode: "GENERATE", tagPrefix: "FRA-", tagDigits: 4, tagNext: 7, defaultBinId: cat.bin.id });
    const po2 = await issuedPo([[cat.server.id, 1]]);
    const rc2 = await createReceipt(deps(), wh, { poId: po2.id });
    expect((await scan(deps(), wh, rc2.id, { code: "GT-0001", clientScanId: sid() })).assetTag).toBe("FRA-0007");
    // a role that may not receive is refused by the lifecycle too (no half-written bind)
    const po3 = await issuedPo([[cat.server.id, 1]]);
    const rc3 = await createReceipt(deps(), wh, { poId: po3.id });
    await expect(scan(deps(), actor("procurement"), rc3.id, { code: "GT-0002", clientScanId: sid() })).rejects.toThrow(/may not move an asset from In transit to Received/);
    expect(await t.db.asset.count({ where: { serial: "GT-0002" } })).toBe(0);
    expect((await transition(deps(), wh, { assetId: po3.lines[0]!.assetIds[0]!, to: "IN_TRANSIT" })).to).toBe("IN_TRANSIT");
    // an IN_TRANSIT unit is received with one move
    expect(await scan(deps(), wh, rc3.id, { code: "GT-0002", clientScanId: sid() })).toMatchObject({ outcome: "received" });
  });

  it("serves receipts, scans, close and ASNs over REST with bearer tokens; 50 concurrent scans of one PO each land once", async () => {
    const u = await createUser(deps(), actor("admin"), { username: `rcv-${provider}`, displayName: "Scanner", role: "admin", password: "correct horse battery" });
    const owner = { type: "user" as const, id: u.id, name: "Scanner", role: "admin" as const };
    const tokens = {} as Record<TRole, string>;
    for (const role of ["warehouse", "viewer", "procurement"] as const) tokens[role] = (await createApiToken(deps(), owner, { name: role, role })).token;
    const call = async (method: string, path: string, body?: unknown, role: TRole = "warehouse") => {
      const headers: Record<string, string> = { authorization: `Bearer ${tokens[role]}` };
      if (body !== undefined) headers["content-type"] = "application/json";
      const res = await handleRest(new Request(`http://test/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }), deps());
      return { status: res.status, json: (await res.json()) as any };
    };
    const po = await issuedPo([[cat.server.id, 40]]);
    expect((await call("POST", "/receipts", { poId: po.id }, "viewer")).status).toBe(403);
    const created = await call("POST", "/receipts", { poId: po.id, binId: cat.bin.id });
    expect(created.status).toBe(201);
    const rid = created.json.id;
    expect((await call("POST", `/receipts/${rid}/scans`, { code: "X" })).json.error.fields).toHaveProperty("body.clientScanId");
    expect((await call("POST", "/receipts/nope/scans", { code: "SN-1", clientScanId: "abcdefgh1" })).status).toBe(404);
    // 50 scans at once: 40 distinct serials, 5 of them twice under another id, 5 replays of the same id
    const codes = Array.from({ length: 40 }, (_, i) => `CC-${String(i).padStart(4, "0")}`);
    const reqs = [...codes.map((c, i) => ({ code: c, clientScanId: `cc-${provider}-${i}-aaaa` })), ...codes.slice(0, 5).map((c, i) => ({ code: c, clientScanId: `cc-${provider}-dup-${i}` })), ...codes.slice(5, 10).map((c, i) => ({ code: c, clientScanId: `cc-${provider}-${i + 5}-aaaa` }))];
    const answers = await Promise.all(reqs.map((b) => call("POST", `/receipts/${rid}/scans`, b)));
    expect(answers.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);
    const outcomes = answers.map((a) => a.json.outcome as string);
    expect(outcomes.filter((o) => o === "received")).toHaveLength(45);
    expect(outcomes.filter((o) => o === "already_received")).toHaveLength(5);
    expect(await t.db.asset.count({ where: { serial: { in: codes }, status: "RECEIVED" } })).toBe(40);
    expect(await t.db.receiptScan.count({ where: { receiptId: rid } })).toBe(45);
    const over = await call("POST", `/receipts/${rid}/scans`, { code: "CC-9999", clientScanId: `cc-${provider}-over` });
    expect(over.json).toMatchObject({ outcome: "over_receipt", ok: false, counters: [{ received: 40, ordered: 40 }] });
    const got = await call("GET", `/receipts/${rid}`, undefined, "viewer");
    expect(got.status).toBe(200);
    expect(got.json.receivedAssetIds).toHaveLength(40);
    const asn = await call("POST", "/asns", { poId: po.id, reference: "R-1", lines: [{ carton: "C1", partNumber: "R760", serial: "!!" }] });
    expect(asn.status).toBe(400);
    expect(asn.json.error.details.problems[0]).toMatchObject({ line: 1, field: "serial" });
    const closed = await call("POST", `/receipts/${rid}/close`);
    expect(closed.status).toBe(200);
    expect(closed.json).toMatchObject({ status: "CLOSED", poStatus: "RECEIVED", report: { short: [], over: [{ code: "CC-9999" }] } });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });
});
