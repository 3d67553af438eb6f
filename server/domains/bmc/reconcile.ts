/**
 * Reconciliation: compares what a BMC reported (observed state) with what the
 * CMDB says (desired state) and keeps findings in step. It never changes the
 * asset record; a person accepts or dismisses each finding.
 *
 *   fact seen, no finding            → OPEN finding
 *   fact seen, finding OPEN          → refreshed (lastSeenAt, detail)
 *   fact seen, ACCEPTED / DISMISSED  → left alone (a person decided)
 *   fact gone, finding OPEN          → RESOLVED by the system
 */
import type { Tx } from "../../db/client";
import type { TProvider } from "../../db/url";
import { insertRows, updateRows, type TParam } from "./ingest-sql";
import type { TBmcProbeResult } from "../../contracts/bmc";
import { normaliseSerial, observedSerial } from "../../contracts/normalise";
import type { TFindingKind } from "./schema";

export interface TFact {
  kind: TFindingKind;
  /** what the finding is about (a serial, a reason): one finding per endpoint, kind and key */
  key: string;
  detail: Record<string, unknown>;
}

export interface TDesired {
  serial: string;
  /** the asset's parts in the CMDB */
  parts: { id: string; serial: string; kind: string; assetTag: string | null }[];
  /** the record's hardware model and its manufacturer (a model finding needs both) */
  model?: { name: string; manufacturer: string } | null;
}

/** upper-case letters and digits only: "PowerEdge R760" → "POWEREDGER760" */
const squash = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, "");
/** words of a manufacturer's name that say nothing about who it is */
const MAKER_NOISE = /\b(INC|CORP|CORPORATION|CO|LTD|LLC|GMBH|AG|SA|COMPUTER|COMPUTERS|TECHNOLOGIES|TECHNOLOGY|SYSTEMS|ENTERPRISE)\b\.?/g;

/** Same maker, spelled as BMCs spell it ("Dell Inc." is Dell). */
export function sameManufacturer(a: string, b: string): boolean {
  const x = squash(a.toUpperCase().replace(MAKER_NOISE, ""));
  const y = squash(b.toUpperCase().replace(MAKER_NOISE, ""));
  return x.length > 0 && y.length > 0 && (x.includes(y) || y.includes(x));
}

/**
 * Whether the model a BMC reports is another model than the record's. Only judged when the BMC
 * names the same manufacturer (makers spell their own names in many ways, a different maker
 * string alone proves nothing); one name containing the other counts as the same ("R760" is
 * "PowerEdge R760").
 */
export function modelDiffers(record: { name: string; manufacturer: string }, reported: { model: string | null; manufacturer: string | null }): boolean {
  if (!reported.model || !reported.manufacturer || !sameManufacturer(record.manufacturer, reported.manufacturer)) return false;
  const r = squash(record.name);
  const o = squash(reported.model);
  if (!r || !o) return false;
  return !(r.includes(o) || o.includes(r));
}

/** a reported serial, or null for none / a placeholder (the agents' rule too) */
const norm = observedSerial;

/** Facts from one successful probe. Kinds it can judge: serial, model (when the record's model is given) and (if the BMC lists components) parts. */
export function probeFacts(desired: TDesired, result: TBmcProbeResult): TFact[] {
  const facts: TFact[] = [];
  const observed = {
    productSerial: norm(result.fru.productSerial),
    chassisSerial: norm(result.fru.chassisSerial),
    boardSerial: norm(result.fru.boardSerial),
  };
  const reported = [observed.productSerial, observed.chassisSerial, observed.boardSerial].filter((s): s is string => s !== null);
  const cmdb = normaliseSerial(desired.serial);
  if (reported.length > 0 && !reported.includes(cmdb)) {
    facts.push({ kind: "SERIAL_MISMATCH", key: reported[0]!, detail: { cmdbSerial: cmdb, observed } });
  }
  if (desired.model) {
    // Redfish names the system's model; IPMI the FRU product name
    const reported = { model: result.system?.model ?? result.fru.productName, manufacturer: result.system?.manufacturer ?? result.fru.manufacturer };
    if (modelDiffers(desired.model, reported))
      facts.push({
        kind: "MODEL_MISMATCH",
        key: squash(reported.model!),
        detail: { cmdbModel: desired.model.name, cmdbManufacturer: desired.model.manufacturer, observedModel: reported.model, observedManufacturer: reported.manufacturer },
      });
  }
  if (result.components) {
    const seen = new Map<string, (typeof result.components)[number]>();
    for (const c of result.components) {
      const s = norm(c.serial);
      if (s) seen.set(s, c);
    }
    const known = new Set(desired.parts.map((p) => normaliseSerial(p.serial)));
    for (const p of desired.parts) {
      const s = normaliseSerial(p.serial);
      if (!seen.has(s)) facts.push({ kind: "COMPONENT_MISSING", key: s, detail: { partId: p.id, serial: s, kind: p.kind, assetTag: p.assetTag } });
    }
    for (const [s, c] of seen) {
      if (!known.has(s)) facts.push({ kind: "COMPONENT_UNEXPECTED", key: s, detail: { serial: s, kind: c.kind, slot: c.slot, model: c.model } });
    }
  }
  return facts;
}

/** Which finding kinds an observation can settle (auto-resolve when absent). */
export function kindsJudgedBy(obs: { kind: "bmc.probe"; hasComponents: boolean } | { kind: "bmc.unreachable" }): TFindingKind[] {
  if (obs.kind === "bmc.unreachable") return ["UNREACHABLE"]; // a new reason replaces the old one
  return obs.hasComponents ? ["SERIAL_MISMATCH", "MODEL_MISMATCH", "COMPONENT_MISSING", "COMPONENT_UNEXPECTED", "UNREACHABLE"] : ["SERIAL_MISMATCH", "MODEL_MISMATCH", "UNREACHABLE"];
}

export interface TFindingChanges {
  opened: string[];
  refreshed: string[];
  resolved: string[];
}

const LIVE_STATUSES = ["OPEN", "ACCEPTED", "DISMISSED"];

export interface TKnownFinding {
  id: string;
  kind: string;
  key: string;
  status: string;
}

/** The OPEN, ACCEPTED and DISMISSED findings of these endpoints, per endpoint, for applyFindings' `known` (one query for a batch). */
export async function knownFindings(tx: Tx, endpointIds: string[]): Promise<Map<string, TKnownFinding[]>> {
  const rows = await tx.bmcFinding.findMany({ where: { endpointId: { in: endpointIds }, status: { in: LIVE_STATUSES } }, select: { id: true, endpointId: true, kind: true, key: true, status: true } });
  const out = new Map<string, TKnownFinding[]>(endpointIds.map((id) => [id, []]));
  for (const { endpointId, ...f } of rows) out.get(endpointId)?.push(f);
  return out;
}

/** A finding row to insert (its id chosen here, so later observations of the batch can refer to it). */
interface TFindingCreate {
  id: string;
  endpointId: string;
  assetId: string;
  kind: string;
  key: string;
  detail: string;
  status: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedBy: string | null;
  resolvedAt: Date | null;
}
type TFindingUpdate = Partial<Pick<TFindingCreate, "detail" | "status" | "lastSeenAt" | "resolvedBy" | "resolvedAt">>;

/**
 * The findings writes of a whole batch, gathered while the batch's observations are reconciled in
 * order (planFindings) and written with one statement per kind of write (writeFindings): the same
 * end state as writing after each observation.
 */
export interface TFindingWrites {
  creates: Map<string, TFindingCreate>;
  updates: Map<string, TFindingUpdate>;
  newId: () => string;
}

export function findingWrites(newId: () => string): TFindingWrites {
  return { creates: new Map(), updates: new Map(), newId };
}

function change(w: TFindingWrites, id: string, data: TFindingUpdate) {
  const created = w.creates.get(id);
  if (created) Object.assign(created, data);
  else w.updates.set(id, { ...w.updates.get(id), ...data });
}

/**
 * Brings the endpoint's findings in step with `facts` in `known` (its OPEN, ACCEPTED and
 * DISMISSED findings of every kind, kept current here) and records the writes in `w`.
 * OPEN findings of a kind in `judged` whose fact is absent are resolved.
 */
export function planFindings(at: Date, target: { endpointId: string; assetId: string }, facts: TFact[], judged: TFindingKind[], known: TKnownFinding[], w: TFindingWrites): TFindingChanges {
  const changes: TFindingChanges = { opened: [], refreshed: [], resolved: [] };
  const kinds = [...new Set([...judged, ...facts.map((f) => f.kind)])];
  if (kinds.length === 0) return changes;
  const current = known.filter((f) => (kinds as string[]).includes(f.kind) && LIVE_STATUSES.includes(f.status));
  const byFact = new Map(current.map((f) => [`${f.kind}\u0000${f.key}`, f]));
  const present = new Set<string>();
  for (const fact of facts) {
    const id = `${fact.kind}\u0000${fact.key}`;
    present.add(id);
    const existing = byFact.get(id);
    if (!existing) {
      const row: TFindingCreate = { id: w.newId(), endpointId: target.endpointId, assetId: target.assetId, kind: fact.kind, key: fact.key, detail: JSON.stringify(fact.detail), status: "OPEN", firstSeenAt: at, lastSeenAt: at, resolvedBy: null, resolvedAt: null };
      w.creates.set(row.id, row);
      changes.opened.push(row.id);
      known.push({ id: row.id, kind: fact.kind, key: fact.key, status: "OPEN" });
    } else if (existing.status === "OPEN") {
      change(w, existing.id, { lastSeenAt: at, detail: JSON.stringify(fact.detail) });
      changes.refreshed.push(existing.id);
    }
  }
  for (const f of current) {
    if (f.status === "OPEN" && judged.includes(f.kind as TFindingKind) && !present.has(`${f.kind}\u0000${f.key}`)) {
      change(w, f.id, { status: "RESOLVED", resolvedBy: "system", resolvedAt: at });
      changes.resolved.push(f.id);
      f.status = "RESOLVED"; // the same object as in `known`
    }
  }
  return changes;
}

const FINDING_COLUMNS = [
  ["id", "text"],
  ["endpointId", "text"],
  ["assetId", "text"],
  ["kind", "text"],
  ["key", "text"],
  ["detail", "text"],
  ["status", "text"],
  ["firstSeenAt", "timestamp(3)"],
  ["lastSeenAt", "timestamp(3)"],
  ["resolvedBy", "text"],
  ["resolvedAt", "timestamp(3)"],
] as const;
const FINDING_UPDATE_COLUMNS = [
  ["detail", "text"],
  ["status", "text"],
  ["lastSeenAt", "timestamp(3)"],
  ["resolvedBy", "text"],
  ["resolvedAt", "timestamp(3)"],
] as const;

/** What planFindings gathered: one INSERT for the new findings, one UPDATE for the changed ones. */
export async function writeFindings(tx: Tx, provider: TProvider, w: TFindingWrites): Promise<void> {
  await insertRows(tx, provider, "BmcFinding", FINDING_COLUMNS, [...w.creates.values()] as unknown as Record<string, TParam>[]);
  await updateRows(tx, provider, "BmcFinding", FINDING_UPDATE_COLUMNS, w.updates as unknown as Map<string, Record<string, TParam | undefined>>);
  w.creates.clear();
  w.updates.clear();
}
