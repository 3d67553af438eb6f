/**
 * Sanitisation evidence to NIST SP 800-88 (issue 15): per storage device, the method (Clear, Purge,
 * Destroy), technique, tool and version, verification, operator and time; recorded by hand or imported
 * from an erasure tool's report (CSV/JSON, every bad line reported, nothing imported when any is bad).
 * DECOMMISSIONING → SANITIZED is this module's step: every storage device of the asset (its DRIVE parts,
 * the asset itself when it is a drive, and the drives its latest BMC/Redfish inventory reports, so a drive
 * nobody recorded is not forgotten) needs passed evidence.
 */
import { randomUUID } from "node:crypto";
import { parse as parseCsv } from "csv-parse/sync";
import type { z } from "zod";
import { AppError } from "../../errors";
import type { TActor, TDeps } from "../../context";
import type { Db, Tx } from "../../db/client";
import { appendAudit } from "../audit/service";
import { assetFacts, assetsBySerials, drivesIn, transitionInTx } from "../assets/service";
import { assetBmc } from "../bmc/service";
import { normaliseSerial } from "../../contracts/normalise";
import { EVIDENCE_COLUMNS, SANITISERS, ZAssetIdIn, ZEvidence, ZEvidenceImport, ZEvidenceInput, type TEvidence, type TSanitisationOut } from "./schema";

const REQUIRED = EVIDENCE_COLUMNS.filter((c) => c !== "host");

/** Serials (normalised) that have passed sanitisation evidence. */
export async function passedEvidenceFor(db: Db | Tx, serials: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < serials.length; i += 500) {
    const rows = await db.sanitisationRecord.findMany({ where: { deviceSerial: { in: serials.slice(i, i + 500) }, verification: "PASSED" }, select: { deviceSerial: true } });
    for (const r of rows) out.add(r.deviceSerial);
  }
  return out;
}

type TDevice = TSanitisationOut["devices"][number];

/** The storage devices of an asset: DRIVE parts, itself if a drive, drives in its latest BMC inventory. */
async function storageDevices(deps: TDeps, asset: { id: string; serial: string; kind: string; modelName: string }): Promise<Omit<TDevice, "evidence">[]> {
  const out = new Map<string, Omit<TDevice, "evidence">>();
  if (asset.kind === "DRIVE") out.set(asset.serial, { serial: asset.serial, assetId: asset.id, modelName: asset.modelName, source: "self" });
  for (const d of await drivesIn(deps.db, [asset.id])) out.set(d.serial, { serial: d.serial, assetId: d.id, modelName: d.model.name, source: "part" });
  const bmc = await assetBmc(deps, asset.id);
  const components = [...(bmc.probe?.components ?? []), ...(bmc.probe?.systems ?? []).flatMap((s) => s.components)];
  for (const c of components) {
    if (c.kind !== "DRIVE" || !c.serial) continue;
    const serial = normaliseSerial(c.serial);
    if (serial && !out.has(serial)) out.set(serial, { serial, assetId: null, modelName: c.model, source: "bmc" });
  }
  return [...out.values()];
}

export async function sanitisationStatus(deps: TDeps, assetId: string, role?: TActor["role"]): Promise<TSanitisationOut> {
  const asset = (await assetFacts(deps.db, [assetId])).get(assetId);
  if (!asset) throw new AppError("NOT_FOUND", `No asset with id ${assetId}.`);
  const devices = await storageDevices(deps, asset);
  const records = await deps.db.sanitisationRecord.findMany({ where: { deviceSerial: { in: devices.map((d) => d.serial) } }, orderBy: { performedAt: "desc" } });
  const best = new Map<string, (typeof records)[number]>();
  for (const r of records) if (!best.has(r.deviceSerial) || (best.get(r.deviceSerial)!.verification !== "PASSED" && r.verification === "PASSED")) best.set(r.deviceSerial, r);
  const withEvidence = devices.map((d) => {
    const r = best.get(d.serial);
    return { ...d, evidence: r ? { method: r.method, technique: r.technique, tool: r.tool, toolVersion: r.toolVersion, verification: r.verification, operator: r.operator, performedAt: r.performedAt } : null };
  });
  const missing = withEvidence.filter((d) => d.evidence?.verification !== "PASSED").map((d) => d.serial);
  return { assetId, serial: asset.serial, status: asset.status, devices: withEvidence, missing, canSanitise: asset.status === "DECOMMISSIONING" && missing.length === 0 && (role === undefined || SANITISERS.includes(role)) };
}

/** Resolves which asset a device's evidence belongs to: the given host, else the device's parent, else the device. */
function hostOf(e: TEvidence, hosts: Map<string, { id: string; parentId: string | null; kind: string }[]>): { hostId: string | null; deviceId: string | null; problem?: string } {
  const dev = hosts.get(normaliseSerial(e.serial))?.find((x) => x.kind === "DRIVE") ?? null;
  if (e.host) {
    const h = hosts.get(normaliseSerial(e.host)) ?? [];
    if (h.length === 0) return { hostId: null, deviceId: null, problem: `host ${e.host} is not a known asset serial or tag` };
    if (h.length > 1) return { hostId: null, deviceId: null, problem: `host ${e.host} matches ${h.length} assets; use its asset tag` };
    return { hostId: h[0]!.id, deviceId: dev?.id ?? null };
  }
  if (!dev) return { hostId: null, deviceId: null, problem: `serial ${e.serial} is not a known drive; give the host (the serial or tag of the asset it was in)` };
  return { hostId: dev.parentId ?? dev.id, deviceId: dev.id };
}

async function writeRecords(deps: TDeps, actor: TActor, rows: (TEvidence & { hostId: string; deviceId: string | null })[], importId: string | null) {
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 500)
      await tx.sanitisationRecord.createMany({
        data: rows.slice(i, i + 500).map((r) => ({
          hostAssetId: r.hostId,
          deviceAssetId: r.deviceId,
          deviceSerial: normaliseSerial(r.serial),
          method: r.method,
          technique: r.technique,
          tool: r.tool,
          toolVersion: r.toolVersion,
          verification: r.verification,
          operator: r.operator,
          performedAt: r.performedAt,
          importId,
          recordedBy: actor.name,
          recordedAt: at,
        })),
      });
    if (importId) await appendAudit(tx, deps.provider, actor, at, { action: "import", entity: "SanitisationImport", entityId: importId, after: { records: rows.length, hosts: new Set(rows.map((r) => r.hostId)).size, passed: rows.filter((r) => r.verification === "PASSED").length } });
    else for (const r of rows) await appendAudit(tx, deps.provider, actor, at, { action: "create", entity: "SanitisationRecord", entityId: r.hostId, after: { ...r, performedAt: r.performedAt.toISOString() } });
  });
}

export async function recordEvidence(deps: TDeps, actor: TActor, input: z.input<typeof ZEvidenceInput>): Promise<TSanitisationOut> {
  const e = ZEvidenceInput.parse(input);
  const serials = [normaliseSerial(e.serial), ...(e.host ? [normaliseSerial(e.host)] : [])];
  let target = hostOf(e, await assetsBySerials(deps.db, serials));
  if (e.hostAssetId) {
    if (!(await assetFacts(deps.db, [e.hostAssetId])).has(e.hostAssetId)) throw new AppError("BAD_REQUEST", "That asset does not exist.", { fields: { hostAssetId: ["Unknown asset"] } });
    target = { hostId: e.hostAssetId, deviceId: target.deviceId };
  }
  if (!target.hostId) throw new AppError("BAD_REQUEST", `Evidence not recorded: ${target.problem}.`, { fields: { [e.host ? "host" : "serial"]: [target.problem!] } });
  await writeRecords(deps, actor, [{ ...e, hostId: target.hostId, deviceId: target.deviceId }], null);
  return sanitisationStatus(deps, target.hostId, actor.role);
}

function readReport(format: "csv" | "json", content: string): { records: { line: number; value: unknown }[]; problems: { line: number; field: string | null; message: string }[] } {
  if (format === "json") {
    let data: unknown;
    try {
      data = JSON.parse(content);
    } catch (e) {
      return { records: [], problems: [{ line: 1, field: null, message: `Not JSON: ${(e as Error).message}` }] };
    }
    const list = Array.isArray(data) ? data : (data as { records?: unknown })?.records;
    if (!Array.isArray(list)) return { records: [], problems: [{ line: 1, field: null, message: "A JSON report is an array of records (or {records: [...]}), one per device" }] };
    return { records: list.map((value, i) => ({ line: i + 1, value })), problems: [] };
  }
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parseCsv(content, { columns: (h: string[]) => h.map((c) => c.trim()), info: true, bom: true, trim: true, skip_empty_lines: true }) as never;
  } catch (e) {
    const err = e as { message: string; lines?: number };
    return { records: [], problems: [{ line: err.lines ?? 1, field: null, message: err.message }] };
  }
  const header = rows.length ? Object.keys(rows[0]!.record) : (content.split(/\r?\n/)[0] ?? "").split(",").map((c) => c.trim());
  const unknown = header.filter((h) => !(EVIDENCE_COLUMNS as readonly string[]).includes(h));
  const missing = REQUIRED.filter((c) => !header.includes(c));
  const problems = [
    ...(unknown.length ? [{ line: 1, field: null, message: `Unknown column(s) ${unknown.join(", ")}; the columns are ${EVIDENCE_COLUMNS.join(", ")} (host optional)` }] : []),
    ...(missing.length ? [{ line: 1, field: null, message: `Missing column(s) ${missing.join(", ")}` }] : []),
  ];
  return { records: rows.map((r) => ({ line: r.info.lines, value: Object.fromEntries(Object.entries(r.record).filter(([k, v]) => !(k === "host" && v === ""))) })), problems };
}

/** Imports an erasure tool's report; every bad line is reported (line, field, what to fix) and nothing is imported when any line is bad. */
export async function importEvidence(deps: TDeps, actor: TActor, input: z.input<typeof ZEvidenceImport>): Promise<{ importId: string; imported: number; hosts: number }> {
  const { format, content } = ZEvidenceImport.parse(input);
  const { records, problems } = readReport(format, content);
  if (!records.length && !problems.length) problems.push({ line: format === "csv" ? 2 : 1, field: null, message: "No records: one line per storage device" });
  const parsed: { line: number; e: TEvidence }[] = [];
  if (!problems.length)
    for (const rec of records) {
      const r = ZEvidence.safeParse(rec.value);
      if (r.success) parsed.push({ line: rec.line, e: r.data });
      else for (const i of r.error.issues) problems.push({ line: rec.line, field: i.path.join(".") || null, message: i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message });
    }
  const rows: (TEvidence & { hostId: string; deviceId: string | null })[] = [];
  if (parsed.length) {
    const serials = [...new Set(parsed.flatMap(({ e }) => [normaliseSerial(e.serial), ...(e.host ? [normaliseSerial(e.host)] : [])]))];
    const known = await assetsBySerials(deps.db, serials);
    const seen = new Map<string, number>();
    for (const { line, e } of parsed) {
      const key = `${normaliseSerial(e.serial)}@${e.performedAt.toISOString()}`;
      if (seen.has(key)) {
        problems.push({ line, field: "serial", message: `serial ${e.serial} at ${e.performedAt.toISOString()} is already on line ${seen.get(key)}` });
        continue;
      }
      seen.set(key, line);
      const t = hostOf(e, known);
      if (!t.hostId) problems.push({ line, field: e.host ? "host" : "serial", message: t.problem! });
      else rows.push({ ...e, hostId: t.hostId, deviceId: t.deviceId });
    }
  }
  if (problems.length) {
    problems.sort((a, b) => a.line - b.line);
    throw new AppError("BAD_REQUEST", `${problems.length} line${problems.length > 1 ? "s need" : " needs"} fixing; nothing was imported.`, { details: { problems: problems.slice(0, 200), count: problems.length } });
  }
  const importId = randomUUID();
  await writeRecords(deps, actor, rows, importId);
  return { importId, imported: rows.length, hosts: new Set(rows.map((r) => r.hostId)).size };
}

/** DECOMMISSIONING → SANITIZED: refused while any storage device lacks passed evidence (the lifecycle's sanitisation step). */
export async function sanitise(deps: TDeps, actor: TActor, input: z.input<typeof ZAssetIdIn>): Promise<TSanitisationOut> {
  const { assetId, expectedVersion } = ZAssetIdIn.parse(input);
  const s = await sanitisationStatus(deps, assetId);
  if (s.missing.length)
    throw new AppError("BAD_REQUEST", `Not sanitised: ${s.missing.length} storage device${s.missing.length > 1 ? "s have" : " has"} no passed sanitisation evidence (${s.missing.slice(0, 10).join(", ")}${s.missing.length > 10 ? " …" : ""}). Record or import the evidence, then try again; nothing was changed.`, {
      details: { missing: s.missing },
    });
  await deps.db.$transaction(async (tx) => {
    // the evidence is read again inside the transaction: a record cannot vanish (append-only), so the check holds
    const passed = await passedEvidenceFor(tx, s.devices.map((d) => d.serial));
    if (s.devices.some((d) => !passed.has(d.serial))) throw new AppError("CONFLICT", "The evidence changed meanwhile; reload and try again.");
    await transitionInTx(tx, deps.provider, deps.clock, actor, { assetId, to: "SANITIZED", expectedVersion, reason: s.devices.length ? `sanitised: ${s.devices.length} storage device(s) with passed evidence` : "sanitised: no storage devices" }, { step: "sanitisation" });
  });
  return sanitisationStatus(deps, assetId, actor.role);
}

/** For the certificate of sanitisation: the evidence of each host's devices. */
export async function evidenceOfHosts(db: Db | Tx, hostIds: string[]) {
  return db.sanitisationRecord.findMany({ where: { hostAssetId: { in: hostIds } }, orderBy: [{ hostAssetId: "asc" }, { performedAt: "asc" }] });
}
