/**
 * RMA and disposal on both databases: every case state and refusal, a drive with data refused at
 * shipping until its evidence passes (or kept), the replacement taking the failed asset's place, the SLA
 * breach flagged with the fake clock, the turnaround KPI and the vendor scorecard, sanitisation (evidence
 * per device, import with line errors), the STEP_ONLY gates, disposal batches and certificate uploads.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { AppError } from "../../errors";
import { verifyAuditChain } from "../audit/service";
import { transition } from "../assets/lifecycle";
import { createAsset, getAsset } from "../assets/service";
import { createModel } from "../catalog/service";
import { vendorScorecard } from "../procurement/kpi";
import { getCase, openCase, receiveReplacement, rmaBoard, scanBreaches, transitionCase, turnaroundKpi, updateCase } from "./service";
import { importEvidence, recordEvidence, sanitise, sanitisationStatus } from "./sanitisation";
import { addBatchAssets, addHandoff, attachCertificate, certificateFile, checkPdf, closeBatch, createBatch, getBatch, safeFilename } from "./disposal";
import { rmaRequest, sanitisationCertificate } from "./report";

const DAY = 86_400_000;
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe.each(DATABASES)("RMA and disposal on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock(new Date("2026-03-02T08:00:00Z"));
  const wh = actor("warehouse");
  const tech = actor("technician");
  const viewer = actor("viewer");
  const deps = () => depsFor(t, clock);
  let cat: Awaited<ReturnType<typeof seedCatalog>>;
  let driveModel: string;

  let nextU = 1;
  /** a server in the rack with one drive, then FAILED (the racking step's own moves are not needed: placed at registration) */
  async function failedServer(serial: string) {
    const s = await createAsset(deps(), wh, { serial, modelId: cat.server.id, vendorId: cat.vendor.id, locationId: cat.rack.id, rackUnit: (nextU += 2), status: "RECEIVED" });
    const d = await createAsset(deps(), wh, { serial: `${serial}-D1`, modelId: driveModel, vendorId: cat.vendor.id, parentId: s.id, status: "RECEIVED" });
    await transition(deps(), tech, { assetId: s.id, to: "FAILED", reason: "PSU dead" });
    return { server: s.id, drive: d.id };
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    cat = await seedCatalog(deps());
    driveModel = (await createModel(deps(), actor("admin"), { manufacturerId: cat.dell.id, name: "1.92TB NVMe", kind: "DRIVE", partNumber: "NVME-192" })).id;
  });
  afterAll(() => t.close());

  it("runs a case through every state; a drive with data does not ship without evidence; the replacement takes the failed server's place", async () => {
    const { server, drive } = await failedServer("SRVRMA1");
    const u = nextU;
    const c = await openCase(deps(), wh, { assetId: server, reason: "PSU 1 dead", mode: "RETURN_FIRST" });
    expect(c).toMatchObject({ number: "RMA-000001", status: "DRAFT", slaDays: 5, vendorName: "Acme Distribution", actions: ["submit", "cancel"] });
    expect(c.dueAt.getTime() - c.openedAt.getTime()).toBe(5 * DAY);
    expect((await refusal(openCase(deps(), wh, { assetId: server, reason: "again" }))).code).toBe("DUPLICATE");
    expect((await refusal(transitionCase(deps(), wh, { id: c.id, action: "ship" }))).code).toBe("INVALID_TRANSITION");
    await transitionCase(deps(), wh, { id: c.id, action: "submit" });
    expect((await refusal(transitionCase(deps(), wh, { id: c.id, action: "approve" }))).fields).toHaveProperty("vendorRmaNumber");
    await transitionCase(deps(), wh, { id: c.id, action: "approve", vendorRmaNumber: "DELL-778812" });
    expect((await refusal(receiveReplacement(deps(), wh, { id: c.id, serial: "SRVNEW1" }))).code).toBe("INVALID_TRANSITION"); // return first: not before shipping
    const noEvidence = await refusal(transitionCase(deps(), wh, { id: c.id, action: "ship", carrier: "UPS", trackingNumber: "1Z999" }));
    expect(noEvidence.message).toMatch(/SRVRMA1-D1 may hold data/);
    expect((await getAsset(deps(), server, "admin")).status).toBe("FAILED"); // nothing moved
    await recordEvidence(deps(), tech, { serial: "SRVRMA1-D1", method: "purge", technique: "crypto-erase", tool: "nwipe", toolVersion: "0.35", verification: "passed", operator: "J. Doe", performedAt: "2026-03-02T09:00:00Z" });
    clock.advance(2 * DAY);
    const shipped = await transitionCase(deps(), wh, { id: c.id, action: "ship", carrier: "UPS", trackingNumber: "1Z999" });
    expect(shipped).toMatchObject({ status: "SHIPPED", assetStatus: "RMA", carrier: "UPS", canReceive: true });
    clock.advance(DAY);
    expect((await refusal(receiveReplacement(deps(), wh, { id: c.id, serial: "srvrma1" }))).message).toMatch(/failed unit's own serial/);
    const got = await receiveReplacement(deps(), wh, { id: c.id, serial: " srvnew1 " });
    expect(got).toMatchObject({ status: "REPLACEMENT_RECEIVED", replacementSerial: "SRVNEW1", turnaroundDays: 3, breached: false, actions: ["close"] });
    const rep = await getAsset(deps(), got.replacementAssetId!, "admin");
    expect(rep).toMatchObject({ status: "RECEIVED", rackUnit: u, location: { id: cat.rack.id } });
    const old = await getAsset(deps(), server, "admin");
    expect(old).toMatchObject({ status: "RMA", rackUnit: null, location: null });
    expect((await getAsset(deps(), drive, "admin")).parentId).toBe(server); // its parts stay with it
    const closed = await transitionCase(deps(), wh, { id: c.id, action: "close", outcome: "replaced under warranty" });
    expect(closed).toMatchObject({ status: "CLOSED", actions: [] });
    expect((await refusal(updateCase(deps(), wh, { id: c.id, data: { faultCode: "X" } }))).code).toBe("INVALID_TRANSITION");
    const csv = await rmaRequest(deps(), c.id, "csv");
    expect(Buffer.from(csv.base64, "base64").toString()).toContain("DELL-778812");
    expect(Buffer.from((await rmaRequest(deps(), c.id, "pdf")).base64, "base64").subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("rejects, cancels, keeps a drive for destruction, takes an advance replacement and a part's place in its server", async () => {
    const a = await failedServer("SRVRMA2");
    const c1 = await openCase(deps(), wh, { assetId: a.server, reason: "fan" });
    await transitionCase(deps(), wh, { id: c1.id, action: "submit" });
    expect((await refusal(transitionCase(deps(), wh, { id: c1.id, action: "reject" }))).fields).toHaveProperty("note");
    expect(await transitionCase(deps(), wh, { id: c1.id, action: "reject", note: "out of warranty" })).toMatchObject({ status: "REJECTED", outcome: "out of warranty" });
    const c2 = await openCase(deps(), wh, { assetId: a.server, reason: "fan again", keepDrive: true, mode: "ADVANCE" });
    expect((await refusal(transitionCase(deps(), viewer, { id: c2.id, action: "cancel", expectedVersion: 99 }))).code).toBe("CONFLICT");
    await transitionCase(deps(), wh, { id: c2.id, action: "submit" });
    await transitionCase(deps(), wh, { id: c2.id, action: "approve", vendorRmaNumber: "V-2" });
    // advance replacement: it arrives before the failed unit ships
    const recv = await receiveReplacement(deps(), wh, { id: c2.id, serial: "SRVNEW2" });
    expect(recv).toMatchObject({ status: "REPLACEMENT_RECEIVED", actions: ["ship"] });
    const shipped = await transitionCase(deps(), wh, { id: c2.id, action: "ship", carrier: "DHL", trackingNumber: "JD01" });
    expect(shipped).toMatchObject({ status: "REPLACEMENT_RECEIVED", assetStatus: "RMA", keptDrives: [{ assetId: a.drive, serial: "SRVRMA2-D1" }], actions: ["close"] });
    expect((await getAsset(deps(), a.drive, "admin")).parentId).toBeNull();
    // a failed DIMM inside a server: the replacement DIMM goes into the same server
    const host = await createAsset(deps(), wh, { serial: "SRVHOST3", modelId: cat.server.id, vendorId: cat.vendor.id });
    const dimm = await createAsset(deps(), wh, { serial: "DIMM3", modelId: cat.dimm.id, vendorId: cat.vendor.id, parentId: host.id });
    await transition(deps(), tech, { assetId: dimm.id, to: "FAILED", reason: "ECC errors" });
    const c3 = await openCase(deps(), tech, { assetId: dimm.id, reason: "ECC errors" });
    await transitionCase(deps(), tech, { id: c3.id, action: "submit" });
    await transitionCase(deps(), tech, { id: c3.id, action: "approve", vendorRmaNumber: "V-3" });
    await transitionCase(deps(), tech, { id: c3.id, action: "ship", carrier: "UPS", trackingNumber: "1Z3" });
    const r3 = await receiveReplacement(deps(), wh, { id: c3.id, serial: "DIMM3-NEW" });
    expect((await getAsset(deps(), r3.replacementAssetId!, "admin")).parentId).toBe(host.id);
    expect((await getAsset(deps(), dimm.id, "admin")).parentId).toBeNull();
    const c4 = await openCase(deps(), wh, { assetId: (await failedServer("SRVRMA4")).server, reason: "x" });
    expect(await transitionCase(deps(), wh, { id: c4.id, action: "cancel" })).toMatchObject({ status: "CANCELLED" });
    expect((await refusal(openCase(deps(), wh, { assetId: host.id, reason: "x" }))).code).toBe("BAD_REQUEST"); // neither failed nor in service
  });

  it("flags a breach with the clock, shows it on the board, and feeds the KPI and the vendor scorecard", async () => {
    const { server } = await failedServer("SRVRMA5");
    const c = await openCase(deps(), wh, { assetId: server, reason: "dead" });
    clock.advance(4.5 * DAY);
    let board = await rmaBoard(deps(), { withinDays: 1 });
    expect(board.dueSoon.map((r) => r.id)).toContain(c.id);
    expect(await scanBreaches(deps())).toMatchObject({ cases: 0 });
    clock.advance(DAY);
    expect((await scanBreaches(deps())).cases).toBe(1);
    expect((await scanBreaches(deps())).cases).toBe(0); // once
    board = await rmaBoard(deps(), {});
    expect(board.breached.map((r) => r.id)).toEqual([c.id]);
    expect((await getCase(deps(), c.id)).breachFlaggedAt).not.toBeNull();
    const kpi = await turnaroundKpi(deps(), { period: "2026-03" });
    expect(kpi.vendors).toEqual([expect.objectContaining({ vendorId: cat.vendor.id, received: 3, slaDays: 5, withinSla: 1 })]);
    expect(kpi.drill).toHaveLength(3);
    expect((await turnaroundKpi(deps(), { period: "2025" })).vendors).toEqual([]);
    const card = (await vendorScorecard(deps())).items.find((i) => i.vendorId === cat.vendor.id)!;
    expect(card.metrics.rmaTurnaroundDays).toBe(kpi.vendors[0]!.p50);
  });

  it("sanitises only with passed evidence for every storage device, imports reports all-or-nothing, and disposes through a closed batch", async () => {
    const s = await createAsset(deps(), wh, { serial: "SRVOLD1", modelId: cat.server.id, vendorId: cat.vendor.id });
    await createAsset(deps(), wh, { serial: "OLD1-D1", modelId: driveModel, parentId: s.id });
    await createAsset(deps(), wh, { serial: "OLD1-D2", modelId: driveModel, parentId: s.id });
    await transition(deps(), tech, { assetId: s.id, to: "FAILED", reason: "beyond repair" });
    await transition(deps(), tech, { assetId: s.id, to: "DECOMMISSIONING" });
    // the generic status change refuses the step-only moves and names the step
    expect((await refusal(transition(deps(), tech, { assetId: s.id, to: "SANITIZED" }))).message).toMatch(/only through .*sanitisation/);
    expect((await refusal(sanitise(deps(), tech, { assetId: s.id }))).details).toMatchObject({ missing: ["OLD1-D1", "OLD1-D2"] });
    const bad = await refusal(
      importEvidence(deps(), tech, {
        format: "csv",
        content: "serial,method,technique,tool,toolVersion,verification,operator,performedAt\nOLD1-D1,PURGE,OVERWRITE,nwipe,0.35,PASSED,ann,2026-03-10T10:00:00Z\nNOPE-9,PURGE,OVERWRITE,nwipe,0.35,PASSED,ann,2026-03-10T10:00:00Z\nOLD1-D2,WIPE,OVERWRITE,nwipe,0.35,PASSED,ann,2026-03-10T10:00:00Z\n",
      }),
    );
    expect(bad.details!.problems).toEqual([expect.objectContaining({ line: 3, field: "serial" }), expect.objectContaining({ line: 4, field: "method" })]);
    expect((await sanitisationStatus(deps(), s.id)).missing).toEqual(["OLD1-D1", "OLD1-D2"]); // nothing imported
    const ok = await importEvidence(deps(), tech, {
      format: "json",
      content: JSON.stringify([
        { serial: "OLD1-D1", method: "PURGE", technique: "OVERWRITE", tool: "nwipe", toolVersion: "0.35", verification: "PASSED", operator: "ann", performedAt: "2026-03-10T10:00:00Z" },
        { serial: "old1-d2", host: "SRVOLD1", method: "DESTROY", technique: "SHRED", tool: "shredder", toolVersion: "2", verification: "PASSED", operator: "ann", performedAt: "2026-03-10T11:00:00Z" },
      ]),
    });
    expect(ok).toMatchObject({ imported: 2, hosts: 1 });
    expect(await sanitise(deps(), tech, { assetId: s.id })).toMatchObject({ status: "SANITIZED", missing: [] });

    const b = await createBatch(deps(), wh, { recycler: "GreenCycle GmbH", certification: "R2v3" });
    expect((await refusal(addBatchAssets(deps(), wh, { id: b.id, items: [{ code: "SRVRMA1" }] }))).message).toMatch(/only sanitised/);
    await addBatchAssets(deps(), wh, { id: b.id, items: [{ code: "SRVOLD1", weightKg: 24.5, sealNumber: "S-001" }] });
    expect((await refusal(closeBatch(deps(), wh, { id: b.id }))).details).toMatchObject({ missing: ["a chain-of-custody hand-off", "the recycler's certificate (PDF)"] });
    await addHandoff(deps(), wh, { id: b.id, fromParty: "FRA1 warehouse", toParty: "GreenCycle driver", signature: "Max Mustermann" });
    // uploads: type, size, names
    expect((await refusal(attachCertificate(deps(), wh, { id: b.id, filename: "cert.pdf", contentBase64: Buffer.from("GIF89a").toString("base64") }))).message).toMatch(/not a PDF/);
    await expect(attachCertificate(deps(), wh, { id: b.id, filename: "x.pdf", contentBase64: Buffer.concat([PDF, Buffer.alloc(20 * 1024 * 1024)]).toString("base64") })).rejects.toThrow(/At most 20 MB/);
    expect(() => checkPdf(Buffer.concat([PDF, Buffer.alloc(20 * 1024 * 1024)]))).toThrow(/at most 20 MB/);
    expect(() => checkPdf(Buffer.alloc(0))).toThrow(/empty/);
    expect(safeFilename("../../etc/passwd")).toBe("passwd");
    expect(safeFilename("..\\..\\cert\u0000.pdf")).toBe("cert_.pdf");
    const withCert = await attachCertificate(deps(), wh, { id: b.id, filename: "../../cert of destruction.pdf", contentBase64: PDF.toString("base64") });
    expect(withCert.certificate).toMatchObject({ filename: "cert of destruction.pdf", size: PDF.length });
    expect(withCert.certificate!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from((await certificateFile(deps(), b.id)).base64, "base64").equals(PDF)).toBe(true);
    expect((await refusal(transition(deps(), wh, { assetId: s.id, to: "DISPOSED" }))).message).toMatch(/only through .*disposal batch/);
    const closed = await closeBatch(deps(), wh, { id: b.id });
    expect(closed).toMatchObject({ status: "CLOSED", items: [{ status: "DISPOSED", sealNumber: "S-001" }] });
    expect((await refusal(addHandoff(deps(), wh, { id: b.id, fromParty: "a", toParty: "b", signature: "c" }))).code).toBe("INVALID_TRANSITION");
    const pdf = await sanitisationCertificate(deps(), b.id);
    expect(Buffer.from(pdf.base64, "base64").subarray(0, 5).toString()).toBe("%PDF-");
    // a batch open too long without certificate is flagged
    const late = await createBatch(deps(), wh, { recycler: "Late Ltd", certification: "e-Stewards" });
    clock.advance(15 * DAY);
    expect((await scanBreaches(deps())).batches).toBe(1);
    expect(await getBatch(deps(), late.id)).toMatchObject({ overdue: true });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });
});
