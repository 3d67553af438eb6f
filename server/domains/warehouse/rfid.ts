/**
 * RFID: registered readers, their reads, and the tags bound to assets.
 *
 * POST /api/v1/rfid/reads takes our batch `{readerId, reads: [{epc, antenna?, rssi?, seenAt}]}` and, as
 * they come, the JSON fixed readers post: Impinj IoT device interface `tagInventory` events and Zebra
 * IoT Connector data events — one object, an array, or several objects run together in one body.
 * Every read is answered with what the EPC says and the asset it names. When an open cycle count
 * covers the reader's location, the reads count there as an RFID sweep (live on the count's page).
 */
import type { z } from "zod";
import type { TActor, TDeps } from "../../context";
import { AppError, uniqueViolation } from "../../errors";
import { appendAudit } from "../audit/service";
import { decodeEpc, encodeGiai96, normaliseEpc } from "./epc";
import { resolveCodes, subtreeIds } from "./moves";
import { scanCount } from "./counts";
import { ZBindTag, ZReaderInput, ZRfidBatch, type TRfidBatch } from "./schema";

/** The GS1 company prefix our GIAI-96 tags carry (IRONLEDGER_GS1_COMPANY_PREFIX; default GS1's example prefix). */
export function companyPrefix(): string {
  const p = process.env.IRONLEDGER_GS1_COMPANY_PREFIX ?? "0614141";
  if (!/^\d{6,12}$/.test(p)) throw new AppError("BAD_REQUEST", "IRONLEDGER_GS1_COMPANY_PREFIX must be 6 to 12 digits.");
  return p;
}

/** Splits a body of one or more JSON values (objects run together, newline-separated, or an array). */
export function splitJsonValues(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inStr = false;
  let esc = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inStr) {
      if (esc) esc = false;
      else if (ch === "\\") esc = true;
      else if (ch === '"') inStr = false;
      continue;
    }
    if (ch === '"') inStr = true;
    else if (ch === "{" || ch === "[") {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === "}" || ch === "]") {
      depth--;
      if (depth < 0) throw new AppError("BAD_REQUEST", `The body is not JSON: unexpected ${ch} at character ${i + 1}.`);
      if (depth === 0) {
        const v = JSON.parse(text.slice(start, i + 1)) as unknown;
        if (Array.isArray(v)) out.push(...v);
        else out.push(v);
      }
    } else if (depth === 0 && !/\s/.test(ch!)) throw new AppError("BAD_REQUEST", `The body is not JSON: unexpected ${JSON.stringify(ch)} at character ${i + 1}.`);
  }
  if (depth !== 0 || inStr) throw new AppError("BAD_REQUEST", "The body is not JSON: it ends inside an object.");
  return out;
}

type TObj = Record<string, unknown>;
const obj = (v: unknown): TObj | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as TObj) : null);

/**
 * Turns a body into batches of our shape: our own batch as is; Impinj `tagInventory` events (reader =
 * `hostname`, epc from `epcHex` or base64 `epc`, rssi = `peakRssiCdbm` / 100); Zebra data events (reader
 * = `?readerId=`, else the event's `data.MAC` or `hostName`; epc = `data.idHex`). `readerId` from the
 * query string wins for the vendors' formats (their events do not always name the reader).
 */
export function readsFromBody(text: string, readerId?: string): TRfidBatch[] {
  let values: unknown[];
  try {
    values = splitJsonValues(text);
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError("BAD_REQUEST", `The body is not JSON: ${(e as Error).message}`);
  }
  if (!values.length) throw new AppError("BAD_REQUEST", "The body holds no reads.");
  const batches = new Map<string, TRfidBatch["reads"]>();
  const add = (reader: string, r: TRfidBatch["reads"][number]) => batches.set(reader, [...(batches.get(reader) ?? []), r]);
  const problems: string[] = [];
  values.forEach((v, i) => {
    const o = obj(v);
    if (!o) return problems.push(`value ${i + 1}: not an object`);
    if (Array.isArray(o.reads)) {
      const b = ZRfidBatch.safeParse(readerId ? { ...o, readerId } : o);
      if (!b.success) return problems.push(`value ${i + 1}: ${b.error.issues.map((x) => `${x.path.join(".")} ${x.message}`).join("; ")}`);
      for (const r of b.data.reads) add(b.data.readerId, r);
      return;
    }
    if (o.eventType === "tagInventory" || obj(o.tagInventoryEvent)) {
      const e = obj(o.tagInventoryEvent);
      const epc = typeof e?.epcHex === "string" ? e.epcHex : typeof e?.epc === "string" ? e.epc : null;
      const reader = readerId ?? (typeof o.hostname === "string" ? o.hostname : null);
      if (!e || !epc) return problems.push(`value ${i + 1}: an Impinj tagInventory event without tagInventoryEvent.epcHex or .epc`);
      if (!reader) return problems.push(`value ${i + 1}: an Impinj event without hostname (or send ?readerId=)`);
      const rssi = typeof e.peakRssiCdbm === "number" ? e.peakRssiCdbm / 100 : undefined;
      add(reader, { epc, antenna: typeof e.antennaPort === "number" ? e.antennaPort : undefined, rssi, seenAt: new Date(typeof o.timestamp === "string" ? o.timestamp : Date.now()) });
      return;
    }
    const d = obj(o.data);
    if (d && typeof d.idHex === "string") {
      const reader = readerId ?? (typeof o.hostName === "string" ? o.hostName : typeof d.MAC === "string" ? d.MAC : null);
      if (!reader) return problems.push(`value ${i + 1}: a Zebra data event without a reader (send ?readerId=)`);
      add(reader, { epc: d.idHex, antenna: typeof d.antenna === "number" ? d.antenna : undefined, rssi: typeof d.peakRssi === "number" ? d.peakRssi : undefined, seenAt: new Date(typeof o.timestamp === "string" ? o.timestamp : Date.now()) });
      return;
    }
    problems.push(`value ${i + 1}: neither {readerId, reads}, an Impinj tagInventory event nor a Zebra data event`);
  });
  if (problems.length) throw new AppError("BAD_REQUEST", `Nothing recorded: ${problems.slice(0, 5).join("; ")}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ""}.`, { fields: { body: problems.slice(0, 50) } });
  const out: TRfidBatch[] = [];
  for (const [reader, reads] of batches) {
    const b = ZRfidBatch.safeParse({ readerId: reader, reads });
    if (!b.success) throw new AppError("BAD_REQUEST", `Reads of reader ${reader}: ${b.error.issues.map((x) => `${x.path.join(".")} ${x.message}`).join("; ")}`);
    out.push(b.data);
  }
  return out;
}

export async function registerReader(deps: TDeps, actor: TActor, input: z.input<typeof ZReaderInput>) {
  const r = ZReaderInput.parse(input);
  const site = await deps.db.location.findUnique({ where: { id: r.siteId }, select: { id: true, kind: true } });
  if (!site || site.kind !== "SITE") throw new AppError("BAD_REQUEST", "Choose the reader's site.", { fields: { siteId: ["Choose a site"] } });
  if (r.locationId) {
    const l = await deps.db.location.findUnique({ where: { id: r.locationId }, select: { siteId: true } });
    if (!l || l.siteId !== site.id) throw new AppError("BAD_REQUEST", "The reader's location must be inside its site.", { fields: { locationId: ["Choose a location at the site"] } });
  }
  try {
    return await deps.db.$transaction(async (tx) => {
      const row = await tx.rfidReader.create({ data: { id: r.id, name: r.name, siteId: r.siteId, locationId: r.locationId ?? null }, select: { id: true, name: true, siteId: true, locationId: true } });
      await appendAudit(tx, deps.provider, actor, deps.clock.now(), { action: "create", entity: "RfidReader", entityId: row.id, after: row });
      return row;
    });
  } catch (e) {
    if (uniqueViolation(e)) throw new AppError("DUPLICATE", `A reader ${r.id} is registered already.`, { fields: { id: ["Already registered"] } });
    throw e;
  }
}

export function listReaders(deps: TDeps) {
  return deps.db.rfidReader.findMany({ orderBy: { id: "asc" }, select: { id: true, name: true, siteId: true, locationId: true } });
}

/** Answers reads with what each EPC says and the asset it names; feeds an open count at the reader's location. */
export async function recordReads(deps: TDeps, actor: TActor, batches: TRfidBatch[]) {
  const answers: { readerId: string; reads: { epc: string; scheme: string; gtin?: string; serial?: string; assetRef?: string; assetId?: string }[]; counted: number }[] = [];
  for (const b of batches) {
    const reader = await deps.db.rfidReader.findUnique({ where: { id: b.readerId }, select: { id: true, siteId: true, locationId: true } });
    if (!reader) throw new AppError("BAD_REQUEST", `Reader ${b.readerId} is not registered: an administrator adds it under Warehouse → RFID.`, { fields: { readerId: ["Unknown reader"] } });
    const epcs = b.reads.map((r) => normaliseEpc(r.epc) ?? r.epc.trim().toUpperCase());
    const resolved = await resolveCodes(deps, epcs);
    const reads = resolved.map((r, i) => {
      const d = r.epc ?? decodeEpc(epcs[i]!);
      const a = r.assets.length === 1 ? r.assets[0]!.id : undefined;
      return { epc: d.epc, scheme: d.scheme, gtin: d.gtin, serial: d.serial, assetRef: d.assetRef, assetId: a };
    });
    let counted = 0;
    const at = reader.locationId ?? reader.siteId;
    const open = await deps.db.cycleCount.findMany({ where: { status: "OPEN", siteId: reader.siteId }, select: { id: true, locationId: true } });
    for (const c of open) {
      if (!(await subtreeIds(deps.db, c.locationId)).includes(at)) continue;
      const unique = [...new Set(reads.map((r) => r.epc))];
      await scanCount(deps, actor, { id: c.id, codes: unique, locationId: at, source: "rfid" });
      counted += unique.length;
    }
    answers.push({ readerId: b.readerId, reads, counted });
  }
  return answers;
}

const bindSelect = { epc: true, scheme: true, assetId: true } as const;

/** Binds a tag's EPC to an asset (an OEM SGTIN tag at receiving, or any tag). Idempotent for the same asset. */
export async function bindTag(deps: TDeps, actor: TActor, input: z.input<typeof ZBindTag>) {
  const b = ZBindTag.parse(input);
  const epc = normaliseEpc(b.epc);
  if (!epc) throw new AppError("BAD_REQUEST", "An EPC is 24 hex digits (96 bits).", { fields: { epc: ["24 hex digits"] } });
  const d = decodeEpc(epc);
  const asset = await deps.db.asset.findUnique({ where: { id: b.assetId }, select: { id: true } });
  if (!asset) throw new AppError("NOT_FOUND", `No asset with id ${b.assetId}.`, { fields: { assetId: ["Unknown asset"] } });
  const have = await deps.db.rfidTag.findUnique({ where: { epc }, select: bindSelect });
  if (have && have.assetId !== asset.id) throw new AppError("CONFLICT", `Tag ${epc} is bound to another asset already.`, { fields: { epc: ["Bound to another asset"] } });
  if (!have) {
    await deps.db.$transaction(async (tx) => {
      const at = deps.clock.now();
      await tx.rfidTag.create({ data: { epc, scheme: d.scheme, assetId: asset.id, boundBy: actor.id, boundAt: at } });
      await appendAudit(tx, deps.provider, actor, at, { action: "bind", entity: "RfidTag", entityId: epc, after: { assetId: asset.id, scheme: d.scheme, gtin: d.gtin ?? null, serial: d.serial ?? null } });
    });
  }
  return { epc, scheme: d.scheme, assetId: asset.id, gtin: d.gtin, serial: d.serial };
}

/**
 * The GIAI-96 EPC IronLedger writes for an asset, bound to it: the asset reference is the tag's
 * digits (an asset tag such as IL-000123 → 123; a tag without digits cannot be written as GIAI-96).
 */
export async function encodeAssetTag(deps: TDeps, actor: TActor, assetId: string) {
  const a = await deps.db.asset.findUnique({ where: { id: assetId }, select: { id: true, assetTag: true } });
  if (!a) throw new AppError("NOT_FOUND", `No asset with id ${assetId}.`);
  if (!a.assetTag) throw new AppError("BAD_REQUEST", "Give the asset a tag first: the RFID tag carries the asset tag.");
  const digits = a.assetTag.replace(/\D/g, "").replace(/^0+(?=\d)/, "");
  if (!digits) throw new AppError("BAD_REQUEST", `Asset tag ${a.assetTag} has no digits: GIAI-96 carries a number.`);
  let epc: string;
  try {
    epc = encodeGiai96({ companyPrefix: companyPrefix(), assetRef: digits });
  } catch (e) {
    throw new AppError("BAD_REQUEST", `Asset tag ${a.assetTag} cannot be written as GIAI-96: ${(e as Error).message}.`);
  }
  return bindTag(deps, actor, { epc, assetId: a.id });
}
