/**
 * Warehouse on both databases: labels (PDF decoded back from pixels, ZPL field by field, printed to a
 * loopback "printer" on a raw port), moves, transfers, RFID feeds and tag binding, cycle counts with
 * approval and the inventory accuracy KPI. One database per provider, shared by the file.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { decodePdf } from "../../../tests/harness/barcodes";
import { systemClock, type TActor } from "../../context";
import type { TRole } from "../../auth/roles";
import { AppError } from "../../errors";
import { handleRest } from "../../rest/http";
import { createAsset } from "../assets/service";
import { createLocation } from "../locations/service";
import { createApiToken, createUser } from "../users/service";
import { startRunner } from "../../../workers/runner";
import { encodeGiai96, encodeSgtin96 } from "./epc";
import { labelCodes, renderPdf, renderZpl } from "./labels";
import { moveAssets, receiveTransfer, shipTransfer, binContents } from "./moves";
import { loadLabels, printJob, printLabels, savePrinter } from "./printing";
import { bindTag, encodeAssetTag, readsFromBody, registerReader } from "./rfid";
import { approveCount, getCount, inventoryAccuracy, openCount, scanCount, setWarehouseLead } from "./counts";

describe.each(DATABASES)("warehouse on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock();
  const deps = () => depsFor(t, clock);
  let cat: Awaited<ReturnType<typeof seedCatalog>>;
  let bin2: { id: string; path: string };
  let site2: { id: string; path: string };
  let bin3: { id: string };
  const admin = actor("admin");
  const wh = actor("warehouse");
  const tokens = {} as Record<TRole, string>;
  let leadUser: TActor;
  const a: { id: string; serial: string; assetTag: string | null }[] = [];

  async function rest(method: string, path: string, body?: unknown, role: TRole = "warehouse", raw?: string) {
    const headers: Record<string, string> = { authorization: `Bearer ${tokens[role]}` };
    if (body !== undefined || raw !== undefined) headers["content-type"] = "application/json";
    const res = await handleRest(new Request(`http://test/api/v1${path}`, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) }), deps());
    const buf = Buffer.from(await res.arrayBuffer());
    let json: any = null;
    try {
      json = JSON.parse(buf.toString("utf8"));
    } catch {
      /* a file */
    }
    return { status: res.status, json, buf, type: res.headers.get("content-type") };
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    cat = await seedCatalog(deps());
    bin2 = await createLocation(deps(), admin, { kind: "BIN", code: "B-02", name: "Bin 02", parentId: cat.site.id });
    site2 = await createLocation(deps(), admin, { kind: "SITE", code: "AMS1", name: "Amsterdam 1" });
    bin3 = await createLocation(deps(), admin, { kind: "BIN", code: "B-01", name: "Bin 01", parentId: site2.id });
    for (let i = 1; i <= 6; i++) {
      a.push(await createAsset(deps(), admin, { serial: `WH-SN-${i}`, modelId: cat.server.id, assetTag: `IL-00010${i}`, locationId: cat.bin.id }));
    }
    const owner = await createUser(deps(), admin, { username: "wh-admin", displayName: "WH admin", role: "admin", password: "correct horse battery" });
    for (const role of ["admin", "warehouse", "viewer"] as const) tokens[role] = (await createApiToken(deps(), { type: "user", id: owner.id, name: "x", role: "admin" }, { name: role, role })).token;
    const lead = await createUser(deps(), admin, { username: "lead", displayName: "Lead", role: "warehouse", password: "correct horse battery" });
    leadUser = { type: "user", id: lead.id, name: "Lead", role: "warehouse" };
  });
  afterAll(() => t.close());

  it("loads label data; renders every stock and every barcode decodes back to its value", async () => {
    const labels = await loadLabels(deps(), { assetIds: [a[0]!.id, a[1]!.id], locationIds: [cat.bin.id] });
    expect(labels[0]).toEqual({ kind: "asset", tag: "IL-000101", serial: "WH-SN-1", model: "Dell PowerEdge R760", site: "FRA1" });
    expect(labels[2]).toMatchObject({ kind: "location", key: "FRA1/B-01" });
    // rendering does not depend on the database: the pixel round trip of every stock runs once (SQLite); the batch below decodes on both
    for (const stock of provider === "sqlite" ? (["2x1", "4x6", "a4"] as const) : []) {
      const decoded = await decodePdf(await renderPdf(labels, stock));
      const want = labels.flatMap((l) => labelCodes(l, stock).map((c) => `${c.type}:${c.value}`)).sort();
      const got = decoded.map((d) => `${{ Code128: "code128", DataMatrix: "datamatrix", QRCode: "qrcode" }[d.format] ?? d.format}:${d.text}`).sort();
      expect(got, stock).toEqual(want);
      if (stock !== "a4") expect(new Set(decoded.map((d) => d.page)).size, stock).toBe(labels.length);
    }
  });

  it("serves one label over REST as PDF and as ZPL checked field by field; a batch; A4 ZPL and unknown ids refused", async () => {
    const pdf = await rest("GET", `/assets/${a[0]!.id}/label?format=pdf&stock=4x6`, undefined, "viewer");
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe("application/pdf");
    expect(pdf.buf.subarray(0, 5).toString()).toBe("%PDF-");
    const zpl = await rest("GET", `/assets/${a[0]!.id}/label?format=zpl&stock=2x1`);
    expect(zpl.status).toBe(200);
    expect(zpl.type).toMatch(/^application\/zpl/);
    const cmds = zpl.buf.toString("utf8").trim().split("\n");
    expect(cmds[0]).toBe("^XA");
    expect(cmds).toContain("^CI28");
    expect(cmds).toContain("^PW406");
    expect(cmds).toContain("^LL203");
    expect(cmds.at(-1)).toBe("^XZ");
    expect(cmds.find((c) => c.includes("^BC"))).toBe("^FO16,10^BY2^BCN,50,N,N,N^FDIL-000101^FS");
    expect(cmds.find((c) => c.includes("^BX"))).toBe("^FO300,76^BXN,6,200^FDWH-SN-1^FS");
    const text = cmds.filter((c) => c.includes("^A0N")).map((c) => /\^FD(.*)\^FS$/.exec(c)![1]);
    expect(text).toEqual(["Tag IL-000101", "S/N WH-SN-1", "Dell PowerEdge R760", "FRA1"]);
    // 4x6: two Code128, a DataMatrix and a QR (Q-level-free "MA," = medium error correction, automatic mode)
    const big = renderZpl([{ kind: "asset", tag: "IL-9", serial: "S^1~_Ü", model: "Größe", site: null }], "4x6").split("\n");
    expect(big.filter((c) => c.includes("^BC")).map((c) => /\^BCN,140,N,N,N(.*)$/.exec(c)![1])).toEqual(["^FDIL-9^FS", "^FH_^FDS_5E1_7E_5FÜ^FS"]);
    expect(big.find((c) => c.includes("^BQ"))).toMatch(/\^BQN,2,8\^FDMA,IL-9\^FS$/);
    expect(big.find((c) => c.includes("^BX"))).toMatch(/\^BXN,10,200\^FH_\^FDS_5E1_7E_5FÜ\^FS$/);
    expect(big).toContain("^FO40,100^A0N,32,32^FB730,1,0,L^FH_^FDS/N S_5E1_7E_5FÜ^FS");
    const batch = await rest("POST", "/labels/batch", { assetIds: [a[0]!.id, a[1]!.id], locationIds: [bin2.id], format: "pdf", stock: "a4" });
    expect(batch.status).toBe(200);
    expect((await decodePdf(batch.buf)).map((d) => d.text).sort()).toEqual(["FRA1/B-02", "FRA1/B-02", "IL-000101", "IL-000101", "IL-000102", "IL-000102"]);
    const a4zpl = await rest("POST", "/labels/batch", { assetIds: [a[0]!.id], format: "zpl", stock: "a4" });
    expect(a4zpl.status).toBe(400);
    expect(a4zpl.json.error.message).toMatch(/A4 sheets are for office printers/);
    expect((await rest("POST", "/labels/batch", { format: "pdf", stock: "2x1" })).status).toBe(400);
    const unknown = await rest("POST", "/labels/batch", { assetIds: ["nope"], format: "pdf", stock: "2x1" });
    expect(unknown.status).toBe(404);
    expect((await rest("GET", `/assets/nope/label`)).status).toBe(404);
    expect((await rest("GET", `/assets/${a[0]!.id}/label?stock=3x2`)).status).toBe(400);
  });

  it("prints through the durable job to a raw port: one connection per job, in queue order per printer", async () => {
    const received: Buffer[] = [];
    const server = net.createServer((sock) => {
      const parts: Buffer[] = [];
      sock.on("data", (d) => parts.push(d));
      sock.on("end", () => {
        received.push(Buffer.concat(parts));
        sock.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    const printer = await savePrinter(deps(), admin, { name: `Zebra ${provider}`, host: "127.0.0.1", port, language: "zpl", siteId: cat.site.id });
    const j1 = await printLabels(deps(), wh, { printerId: printer.id, assetIds: [a[0]!.id], stock: "2x1" });
    clock.advance(1);
    const j2 = await printLabels(deps(), wh, { printerId: printer.id, locationIds: [cat.bin.id, bin2.id], stock: "4x6" });
    await expect(printLabels(deps(), wh, { printerId: printer.id, assetIds: [a[0]!.id], stock: "a4" })).rejects.toThrow(/choose the 2x1 or 4x6/);
    const runner = startRunner({ ...deps(), clock: systemClock }, [printJob], { pollMs: 20, leaseMs: 5000, concurrency: 2, log: () => {} });
    try {
      const deadline = Date.now() + 15_000;
      while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 30));
      await runner.idle();
    } finally {
      await runner.stop();
      server.close();
    }
    expect(received).toHaveLength(2);
    expect(received[0]!.toString()).toContain("^FDIL-000101^FS");
    expect(received[1]!.toString().match(/\^XA/g)).toHaveLength(2);
    expect(received[1]!.toString()).toContain("^FDFRA1/B-02^FS");
    const jobs = await t.db.labelPrintJob.findMany({ where: { id: { in: [j1.id, j2.id] } }, orderBy: { createdAt: "asc" } });
    expect(jobs.map((j) => j.status)).toEqual(["SENT", "SENT"]);
    expect(jobs[0]!.sentAt!.getTime()).toBeLessThanOrEqual(jobs[1]!.sentAt!.getTime());
    expect(jobs[1]!.bytes).toBe(received[1]!.length);
  });

  it("moves assets by scanning a bin then assets: audited, no status change, clear outcomes", async () => {
    const r = await moveAssets(deps(), wh, { locationCode: "fra1/b-02", codes: ["IL-000101", "wh-sn-2", "NOPE-1", "IL-000101"] });
    expect(r.location.path).toBe("FRA1 / B-02");
    expect(r.lines.map((l) => l.outcome)).toEqual(["moved", "moved", "not_found", "already_there"]);
    expect(r.moved).toBe(2);
    const moved = await t.db.asset.findUniqueOrThrow({ where: { id: a[0]!.id } });
    expect(moved.locationId).toBe(bin2.id);
    expect(moved.status).toBe("RECEIVED");
    const audit = await t.db.auditLog.findMany({ where: { entity: "Asset", entityId: a[0]!.id, action: "move" } });
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.after!)).toMatchObject({ locationId: bin2.id });
    const contents = await binContents(deps(), { code: "FRA1/B-02" });
    expect(contents.assets.map((x) => x.assetTag).sort()).toEqual(["IL-000101", "IL-000102"]);
    // over REST; a site is not a bin; viewers may not move
    const viaRest = await rest("POST", "/moves", { locationId: cat.bin.id, codes: ["IL-000101", "IL-000102"] });
    expect(viaRest.status).toBe(200);
    expect(viaRest.json.moved).toBe(2);
    expect((await rest("POST", "/moves", { locationId: cat.site.id, codes: ["IL-000101"] })).json.error.message).toMatch(/is a site/);
    expect((await rest("POST", "/moves", { codes: ["IL-000101"] })).status).toBe(400);
    expect((await rest("POST", "/moves", { locationId: cat.bin.id, codes: ["x"] }, "viewer")).status).toBe(403);
  });

  it("ships a transfer to another site and receives it at the other end", async () => {
    const tr = await shipTransfer(deps(), wh, { toSiteId: site2.id, toLocationId: bin3.id, codes: ["IL-000105", "IL-000106"], carrier: "DHL", tracking: "JD0001" });
    expect(tr.status).toBe("SHIPPED");
    expect(tr.lines).toHaveLength(2);
    expect((await t.db.asset.findUniqueOrThrow({ where: { id: a[4]!.id } })).locationId).toBeNull();
    const blocked = await moveAssets(deps(), wh, { locationId: cat.bin.id, codes: ["IL-000105"] });
    expect(blocked.lines[0]!.outcome).toBe("in_transit");
    await expect(shipTransfer(deps(), wh, { toSiteId: cat.site.id, codes: ["IL-000106"] })).rejects.toThrow(/no location|in transit/);
    const got = await rest("POST", `/transfers/${tr.id}/receive`, {});
    expect(got.status).toBe(200);
    expect(got.json.status).toBe("RECEIVED");
    expect((await t.db.asset.findUniqueOrThrow({ where: { id: a[4]!.id } })).locationId).toBe(bin3.id);
    await expect(receiveTransfer(deps(), wh, { id: tr.id })).rejects.toThrow(/received, not in transit/);
    expect(await t.db.auditLog.count({ where: { entity: "WarehouseTransfer", entityId: tr.id } })).toBe(2);
  });

  it("takes RFID reads in our batch, Impinj and Zebra shapes, answers each, binds OEM SGTIN tags and writes GIAI-96", async () => {
    const reader = await registerReader(deps(), admin, { id: `r700-${provider}`, name: "Dock door", siteId: cat.site.id, locationId: cat.bin.id });
    const sgtin = encodeSgtin96({ gtin: "80614141123458", companyPrefixLength: 7, serial: 6789, filter: 3 });
    expect(sgtin).toBe("3074257BF7194E4000001A85");
    const bound = await bindTag(deps(), wh, { epc: sgtin.toLowerCase(), assetId: a[2]!.id });
    expect(bound).toMatchObject({ scheme: "sgtin-96", gtin: "80614141123458", serial: "6789" });
    await expect(bindTag(deps(), wh, { epc: sgtin, assetId: a[3]!.id })).rejects.toThrow(/bound to another asset/);
    const giai = await encodeAssetTag(deps(), wh, a[3]!.id);
    expect(giai).toMatchObject({ scheme: "giai-96", epc: encodeGiai96({ companyPrefix: "0614141", assetRef: "104" }) });

    const ours = await rest("POST", "/rfid/reads", { readerId: reader.id, reads: [{ epc: sgtin, antenna: 1, rssi: -51, seenAt: "2026-01-05T08:00:00Z" }, { epc: "E280116060000204AB1C2D3E", seenAt: "2026-01-05T08:00:01Z" }] });
    expect(ours.status).toBe(200);
    expect(ours.json.batches[0].reads).toEqual([
      { epc: sgtin, scheme: "sgtin-96", gtin: "80614141123458", serial: "6789", assetId: a[2]!.id },
      { epc: "E280116060000204AB1C2D3E", scheme: "unknown" },
    ]);
    const impinj = (epc: string) => JSON.stringify({ timestamp: "2026-01-05T08:00:02.000Z", hostname: reader.id, eventType: "tagInventory", tagInventoryEvent: { epc: Buffer.from(epc, "hex").toString("base64"), antennaPort: 2, peakRssiCdbm: -5400 } });
    const two = await rest("POST", "/rfid/reads", undefined, "warehouse", impinj(giai.epc) + impinj(sgtin));
    expect(two.status).toBe(200);
    expect(two.json.batches[0].reads.map((r: { assetId?: string; assetRef?: string }) => [r.assetId, r.assetRef])).toEqual([[a[3]!.id, "104"], [a[2]!.id, undefined]]);
    const zebra = JSON.stringify({ type: "SIMPLE", timestamp: "2026-01-05T08:00:03.000+0000", data: { eventNum: 1, format: "epc", idHex: giai.epc.toLowerCase(), antenna: 1, peakRssi: -60, reads: 3 } });
    const z = await rest("POST", `/rfid/reads?readerId=${reader.id}`, undefined, "warehouse", `${zebra}\n${zebra}`);
    expect(z.status).toBe(200);
    expect(z.json.batches[0].reads).toHaveLength(2);
    expect(z.json.batches[0].reads[0]).toMatchObject({ scheme: "giai-96", assetId: a[3]!.id });
    expect(readsFromBody(`[${zebra},${zebra}]`, "x")[0]!.reads).toHaveLength(2);
    const bad = await rest("POST", "/rfid/reads", undefined, "warehouse", `{"hello":1}{"readerId":"x","reads":[]}`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/value 1: neither/);
    const unknownReader = await rest("POST", "/rfid/reads", { readerId: "ghost", reads: [{ epc: sgtin, seenAt: "2026-01-05T08:00:00Z" }] });
    expect(unknownReader.status).toBe(400);
    expect(unknownReader.json.error.message).toMatch(/not registered/);
    expect((await rest("POST", "/rfid/reads", undefined, "warehouse", "{not json")).status).toBe(400);
  });

  it("counts a bin: found, misplaced (elsewhere), missing, unexpected; RFID sweep feeds it live; a lead approves; accuracy KPI", async () => {
    // bin B-01 now holds IL-000101..104 (IL-000103 carries the SGTIN tag, IL-000104 the GIAI tag)
    expect((await binContents(deps(), { locationId: cat.bin.id })).assets.map((x) => x.assetTag)).toEqual(["IL-000101", "IL-000102", "IL-000103", "IL-000104"]);
    const c = await openCount(deps(), wh, { locationId: cat.bin.id });
    expect(c.totals).toMatchObject({ expected: 4, pending: 4 });
    await expect(openCount(deps(), wh, { locationId: cat.bin.id })).rejects.toThrow(/already has an open count/);
    await expect(openCount(deps(), wh, { locationId: cat.site.id })).rejects.toThrow(/Count a bin, rack or room/);
    const before = await t.db.liveEvent.count({ where: { scope: "warehouse", key: c.id } });
    const s = await scanCount(deps(), wh, { id: c.id, codes: ["IL-000101", "WH-SN-2", "IL-000105", "UNKNOWN-77", "IL-000101"] });
    expect(s.lines.map((l) => l.result)).toEqual(["FOUND", "FOUND", "ELSEWHERE", "UNEXPECTED"]);
    // the RFID reader at this bin sweeps: the SGTIN-tagged asset is found; IL-000104 stays unseen
    const sweep = await rest("POST", "/rfid/reads", { readerId: `r700-${provider}`, reads: [{ epc: "3074257BF7194E4000001A85", seenAt: "2026-01-05T08:00:00Z" }] });
    expect(sweep.json.batches[0].counted).toBe(1);
    expect(await t.db.liveEvent.count({ where: { scope: "warehouse", key: c.id } })).toBe(before + 2);
    const rec = await rest("POST", `/cycle-counts/${c.id}/reconcile`, {});
    expect(rec.status).toBe(200);
    expect(rec.json.totals).toEqual({ expected: 4, found: 3, elsewhere: 1, missing: 1, unexpected: 1, pending: 0 });
    const missing = rec.json.lines.find((l: { result: string }) => l.result === "MISSING");
    expect(missing).toMatchObject({ assetTag: "IL-000104", expectedPath: "FRA1 / B-01" });
    const elsewhere = rec.json.lines.find((l: { result: string }) => l.result === "ELSEWHERE");
    expect(elsewhere).toMatchObject({ assetTag: "IL-000105", expectedPath: "AMS1 / B-01", foundPath: "FRA1 / B-01" });
    await expect(scanCount(deps(), wh, { id: c.id, codes: ["IL-000102"] })).rejects.toThrow(/reconciled/);
    // approval: a plain warehouse user may not; an admin marks a lead, the lead approves
    await expect(approveCount(deps(), leadUser, c.id)).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === "FORBIDDEN");
    await setWarehouseLead(deps(), admin, { userId: leadUser.id, lead: true });
    clock.advance(60_000);
    const ok = await approveCount(deps(), leadUser, c.id);
    expect(ok.status).toBe("APPROVED");
    expect(ok.lines.filter((l) => l.adjusted).map((l) => l.assetTag).sort()).toEqual(["IL-000104", "IL-000105"]);
    expect((await t.db.asset.findUniqueOrThrow({ where: { id: a[4]!.id } })).locationId).toBe(cat.bin.id);
    expect((await t.db.asset.findUniqueOrThrow({ where: { id: a[3]!.id } })).locationId).toBeNull();
    expect(await t.db.auditLog.count({ where: { entity: "CycleCount", entityId: c.id } })).toBe(3);
    await expect(approveCount(deps(), admin, c.id)).rejects.toThrow(/approved, not reconciled/);
    // accuracy: 3 found of 6 lines counted (3 found, 1 elsewhere, 1 missing, 1 unexpected)
    const kpi = await inventoryAccuracy(deps(), { siteId: cat.site.id });
    expect(kpi).toMatchObject({ counted: 6, found: 3, accuracy: 0.5 });
    expect(kpi.sites[0]).toMatchObject({ sitePath: "FRA1", counts: 1 });
    const none = await inventoryAccuracy(deps(), { to: new Date("2020-01-01") });
    expect(none).toMatchObject({ counted: 0, accuracy: null });
    const viaRest = await rest("GET", `/kpis/inventory-accuracy?siteId=${cat.site.id}`, undefined, "viewer");
    expect(viaRest.json.accuracy).toBe(0.5);
    expect((await getCount(deps(), c.id)).lines).toHaveLength(6);
  });
});
