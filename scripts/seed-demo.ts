/**
 * npm run seed:demo — a believable demo in the database at DATABASE_URL:
 * 2 sites with rooms, racks and bins, vendors, models, demo users and ~2,000
 * assets (servers, switches, their parts and spare parts) with a year of
 * history written through the real services and the real lifecycle (asset
 * events and the audit chain included).
 *
 * The history is a simulation of the last 12 months, ending now: purchase
 * orders spread over the year, each vendor with its own lead time (30–90 days),
 * a few days in transit, burn-in 1–3 days after receipt, a 48 h soak, racking,
 * cabling and site acceptance within about a week, and the exceptions a real
 * fleet has: dead on arrival (~0.4 % of what is received) and RMA, failures in
 * service, holds in quarantine, decommissioning. Every step of every asset is
 * planned first, then all steps of all assets are played in time order, so
 * nothing is dated in the future, the audit chain runs forward in time, and an
 * asset whose next step is still ahead simply is in that status today.
 *
 *   npm run seed:demo                     # ~2,000 assets
 *   npm run seed:demo -- --assets=500     # a smaller demo (same year, same rates)
 *   npm run seed:demo -- --force          # add another batch to a database that has assets
 *   npm run seed:demo -- --dry-run        # print what the demo would hold, write nothing
 */
import { createDatabase, tuneDatabase, type Db } from "../server/db/client";
import { migrate } from "../server/db/migrate";
import { env } from "../server/env";
import type { TActor, TClock, TDeps } from "../server/context";
import type { TRole } from "../server/auth/roles";
import { createManufacturer, createModel, createVendor } from "../server/domains/catalog/service";
import { createLocation } from "../server/domains/locations/service";
import { createAsset, updateAsset } from "../server/domains/assets/service";
import { transition } from "../server/domains/assets/lifecycle";
import { rackNow, rackPart } from "../server/domains/cabling/service";
import type { TAssetStatus } from "../server/domains/assets/status";
import { createUser } from "../server/domains/users/service";
import { recordEvidence, sanitise, sanitisationStatus } from "../server/domains/rma/sanitisation";
import { addBatchAssets, addHandoff, attachCertificate, closeBatch, createBatch } from "../server/domains/rma/disposal";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const assetsArg = process.argv.find((a) => a.startsWith("--assets="))?.split("=")[1];
const TOTAL = Number(assetsArg ?? 2000);
if (!Number.isInteger(TOTAL) || TOTAL < 50 || TOTAL > 100_000) {
  console.error(`seed:demo: --assets must be a whole number from 50 to 100000 (got ${assetsArg})`);
  process.exit(2);
}
const FORCE = process.argv.includes("--force");

/** The demo's year: it ends now, so no step is ever dated in the future. */
const END = Date.now();
const START = END - 365 * DAY;

class DemoClock implements TClock {
  t = START;
  now() {
    return new Date(this.t);
  }
}

// deterministic pseudo-random (mulberry32), so every demo looks the same apart from the dates
let seed = 42;
function rnd(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
const between = (lo: number, hi: number) => lo + rnd() * (hi - lo);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
/**
 * Spreads rare events evenly over the calls: about `rate` of them answer the
 * event's number (1, 2, …), the others 0; the first after about half a period.
 */
function quota(rate: number) {
  let n = 0;
  let hits = 0;
  return () => {
    n++;
    return Math.floor((n - 0.5) * rate + 0.5) > Math.floor((n - 1.5) * rate + 0.5) ? ++hits : 0;
  };
}

/**
 * A step done by hand waits for someone to be there: offices (procurement, the
 * receiving dock) work Monday to Friday 08:00–18:00 UTC, the datacenter floor
 * two shifts Monday to Saturday 06:00–22:00.
 */
function atWork(t: number, days: readonly number[], from: number, to: number): number {
  for (let i = 0; i < 14; i++) {
    const d = new Date(t);
    const h = d.getUTCHours() + d.getUTCMinutes() / 60;
    if (days.includes(d.getUTCDay()) && h >= from && h < to) return t;
    const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + (h >= from ? 1 : 0), from, 0, 0);
    t = next + Math.floor(rnd() * 90) * MIN;
  }
  return t;
}
const workTime = (t: number) => atWork(t, [1, 2, 3, 4, 5], 8, 18);
const floorTime = (t: number) => atWork(t, [1, 2, 3, 4, 5, 6], 6, 22);

// ---------------------------------------------------------------- the plan

type TStep =
  | { at: number; asset: number; kind: "create"; status: "PLANNED" | "ORDERED"; by: TRole }
  | { at: number; asset: number; kind: "move"; to: TAssetStatus; by: TRole; reason?: string }
  | { at: number; asset: number; kind: "rack" | "unrack" | "binned"; by: TRole };

interface TPlannedAsset {
  kind: "server" | "switch" | "dimm" | "drive";
  model: number; // index into the model list of its kind
  vendor: number;
  site: number;
  parent?: number;
}

const assets: TPlannedAsset[] = [];
const steps: TStep[] = [];
const lastAt: number[] = [];
/** Adds a step; an asset's steps always run forward in time (at least a minute apart). Returns when it happens. */
function add(step: TStep): number {
  const prev = lastAt[step.asset];
  if (prev !== undefined && step.at < prev + MIN) step.at = prev + MIN;
  lastAt[step.asset] = step.at;
  steps.push(step);
  return step.at;
}

const VENDORS = [
  { name: "Acme Distribution", sla: 5, lead: [32, 60] },
  { name: "Northwind Systems", sla: 3, lead: [30, 45] },
  { name: "Contoso Hardware", sla: 7, lead: [50, 86] },
] as const;
const FAILURES_DOA = ["no POST", "DIMM errors in burn-in", "PSU fault", "NIC link flaps", "fan failure", "damaged in transit"];
const FAILURES_SERVICE = ["uncorrectable memory errors", "PSU failure", "mainboard fault", "NVMe drive failed", "BMC unresponsive"];

const doa = quota(0.004);
const serviceRma = quota(0.02);
const hold = quota(0.012);
const serviceHold = quota(0.01);
const retire = quota(0.012);
const withParts = quota(0.06);

/** One server or switch from its order to wherever it is today (steps after now are dropped before anything is written). */
function planUnit(a: number, orderedAt: number, receivedAt: number, plannedAt: number | null): void {
  const s = (at: number, to: TAssetStatus, by: TRole, reason?: string) => add({ at, asset: a, kind: "move", to, by, reason });
  if (plannedAt !== null) {
    add({ at: plannedAt, asset: a, kind: "create", status: "PLANNED", by: "procurement" });
    s(orderedAt, "ORDERED", "procurement");
  } else {
    add({ at: orderedAt, asset: a, kind: "create", status: "ORDERED", by: "procurement" });
  }
  s(workTime(receivedAt - between(3, 12) * DAY), "IN_TRANSIT", "warehouse", "shipped");
  let t = s(receivedAt, "RECEIVED", "warehouse");
  const received = t;
  const isDoa = received < END - 5 * DAY && doa() > 0;
  const doaAt = isDoa ? pick(["RECEIVED", "BURN_IN", "BURN_IN", "BURN_IN", "CABLED", "SAT"] as const) : null;
  let afterRma = false;
  // install: burn-in, 48 h soak, rack, cable, site acceptance, service
  for (;;) {
    if (doaAt === "RECEIVED" && !afterRma) {
      t = s(workTime(t + between(1, 6) * HOUR), "FAILED", "warehouse", "damaged in transit");
      break;
    }
    t = s(floorTime(t + between(1, 3) * DAY), "BURN_IN", "technician");
    if (doaAt === "BURN_IN" && !afterRma) {
      t = s(floorTime(t + between(4, 40) * HOUR), "FAILED", "technician", pick(FAILURES_DOA));
      break;
    }
    // the soak ends when its 48 h clock runs out, weekend or not
    t = s(t + 48 * HOUR + between(0, 2) * HOUR, "READY_TO_RACK", "technician", "48 h burn-in passed");
    if (!afterRma && hold() > 0) {
      t = s(floorTime(t + between(1, 8) * HOUR), "QUARANTINE", "firmware", "firmware advisory: hold until the BMC update is approved");
      t = s(floorTime(t + between(2, 9) * DAY), "READY_TO_RACK", "firmware", "BMC firmware updated");
    }
    t = add({ at: floorTime(t + between(0.3, 2) * DAY), asset: a, kind: "rack", by: "technician" });
    t = s(t + between(5, 20) * MIN, "RACKED", "technician");
    t = s(floorTime(t + between(0.1, 1.2) * DAY), "CABLED", "technician");
    if (doaAt === "CABLED" && !afterRma) {
      t = s(floorTime(t + between(1, 6) * HOUR), "FAILED", "technician", pick(FAILURES_DOA));
      break;
    }
    t = s(floorTime(t + between(0.2, 1) * DAY), "SAT", "technician");
    if (doaAt === "SAT" && !afterRma) {
      t = s(floorTime(t + between(1, 6) * HOUR), "FAILED", "technician", "failed site acceptance: " + pick(FAILURES_DOA));
      break;
    }
    t = s(floorTime(t + between(2, 20) * HOUR), "IN_SERVICE", "technician", "site acceptance passed");
    if (afterRma) return;
    const sla = VENDORS[assets[a]!.vendor]!.sla;
    // every third failure in service is recent, so the demo has assets in RMA today
    const rmaNo = t < END - 30 * DAY ? serviceRma() : 0;
    if (rmaNo > 0) {
      // fails in service: pulled, sent back, the replacement goes through the install again
      const at = rmaNo % 3 === 0 ? END - between(0.2, 1) * (sla - 1) * DAY : t + between(10, (END - t) / DAY - 10) * DAY;
      t = s(floorTime(at), "RMA", "technician", pick(FAILURES_SERVICE));
      t = add({ at: t + 10 * MIN, asset: a, kind: "unrack", by: "technician" });
      t = s(workTime(t + (sla + between(-1, 4)) * DAY), "RECEIVED", "warehouse", "replacement received");
      afterRma = true;
      continue;
    }
    // security holds in service; every second one is recent and still open
    const holdNo = t < END - 20 * DAY ? serviceHold() : 0;
    if (holdNo > 0) {
      const at = holdNo % 2 === 0 ? END - between(1, 12) * DAY : t + between(5, (END - t) / DAY - 15) * DAY;
      t = s(floorTime(at), "QUARANTINE", "firmware", "security hold: TPM attestation failed");
      t = s(floorTime(t + between(2, 9) * DAY + (holdNo % 2 === 0 ? 30 * DAY : 0)), "IN_SERVICE", "firmware", "attestation passed after firmware update");
      return;
    }
    // retirements; every second one is recent, so some are being decommissioned today
    const retireNo = t < END - 120 * DAY ? retire() : 0;
    if (retireNo > 0) {
      const at = retireNo % 2 === 0 ? END - between(2, 15) * DAY : t + between(30, (END - t) / DAY - 20) * DAY;
      t = s(floorTime(at), "DECOMMISSIONING", "technician", "evaluation units returned");
      t = s(floorTime(t + between(1, 5) * DAY), "SANITIZED", "technician", "NIST 800-88 purge");
      t = add({ at: t + 15 * MIN, asset: a, kind: "unrack", by: "technician" });
      s(workTime(t + between(5, 25) * DAY), "DISPOSED", "warehouse", "recycler collected");
    }
    return;
  }
  // dead on arrival: returned to the vendor, the replacement goes through the install again
  t = s(workTime(t + between(0.5, 2) * DAY), "RMA", "warehouse", "DOA: returned to vendor");
  t = add({ at: t + 10 * MIN, asset: a, kind: "unrack", by: "technician" });
  t = s(workTime(t + (VENDORS[assets[a]!.vendor]!.sla + between(-2, 4)) * DAY), "RECEIVED", "warehouse", "replacement received");
  planAgain(a, t);
}

/** The install after a DOA replacement arrives (no second failure). */
function planAgain(a: number, from: number) {
  let t = from;
  const s = (at: number, to: TAssetStatus, reason?: string) => add({ at, asset: a, kind: "move", to, by: "technician", reason });
  t = s(floorTime(t + between(1, 3) * DAY), "BURN_IN");
  t = s(t + 48 * HOUR + between(0, 2) * HOUR, "READY_TO_RACK", "48 h burn-in passed");
  t = add({ at: floorTime(t + between(0.3, 2) * DAY), asset: a, kind: "rack", by: "technician" });
  t = s(t + between(5, 20) * MIN, "RACKED");
  t = s(floorTime(t + between(0.1, 1.2) * DAY), "CABLED");
  t = s(floorTime(t + between(0.2, 1) * DAY), "SAT");
  s(floorTime(t + between(2, 20) * HOUR), "IN_SERVICE", "site acceptance passed");
}

/** Parts inside a server (2 DIMMs, a drive) follow its steps a few minutes behind it. Only for servers without failures or holds. */
function planParts(parent: number, from: number, site: number) {
  const own = steps.slice(from).filter((x) => x.asset === parent && x.kind !== "rack" && x.kind !== "unrack" && x.kind !== "binned");
  for (const kind of ["dimm", "dimm", "drive"] as const) {
    const p = assets.push({ kind, model: 0, vendor: 0, site, parent }) - 1;
    for (const x of own) add({ ...x, asset: p, at: x.at + 2 * MIN });
  }
}

/** Purchase orders over the year; sizes scale with --assets, dates do not. */
function planOrders() {
  const serverPOs = 70;
  const sparePOs = 14;
  const partsPerServer = 0.06 * 3;
  const spareShare = 0.12;
  // (the orders not placed by today are left out: 4 % more per order makes up for them)
  const perServerPO = (1.04 * TOTAL * (1 - spareShare)) / (1 + partsPerServer) / serverPOs;
  const perSparePO = (TOTAL * spareShare) / sparePOs;
  const pos: { at: number; kind: "server" | "switch" | "spare"; size: number }[] = [];
  for (let i = 0; i < serverPOs; i++) {
    // a little more ordered later in the year (the fleet is growing); the last orders are not due yet
    const x = (i + rnd()) / serverPOs;
    pos.push({ at: START + 3 * DAY + Math.pow(x, 0.85) * 374 * DAY, kind: i % 9 === 4 ? "switch" : "server", size: Math.max(1, Math.round(perServerPO * between(0.4, 1.6))) });
  }
  for (let i = 0; i < sparePOs; i++) pos.push({ at: START + 10 * DAY + ((i + rnd()) / sparePOs) * 340 * DAY, kind: "spare", size: Math.max(1, Math.round(perSparePO * between(0.6, 1.4))) });
  pos.sort((a, b) => a.at - b.at);
  for (const po of pos) {
    const orderedAt = workTime(po.at);
    // orders in the last two months were planned first; those not yet due are still PLANNED
    const plannedAt = orderedAt > END - 60 * DAY ? workTime(orderedAt - between(5, 20) * DAY) : null;
    const first = plannedAt ?? orderedAt;
    if (first > END) continue;
    const vendor = po.kind === "switch" ? 1 : Math.floor(rnd() * VENDORS.length);
    const site = Math.floor(rnd() * 2);
    const [leadLo, leadHi] = VENDORS[vendor]!.lead;
    const lead = between(leadLo, leadHi - 10);
    const model = Math.floor(rnd() * 3);
    // an order arrives in shipments of up to 8 units over ten days, so installs flow rather than come in lumps
    let shipment = 0;
    for (let u = 0; u < po.size; u++) {
      if (u % 8 === 0) shipment = between(0, 10);
      const receivedAt = workTime(orderedAt + (lead + shipment) * DAY + between(0, 5) * HOUR);
      if (po.kind === "spare") {
        const a = assets.push({ kind: u % 3 === 2 ? "drive" : "dimm", model: 0, vendor: 0, site }) - 1;
        if (plannedAt !== null) {
          add({ at: plannedAt, asset: a, kind: "create", status: "PLANNED", by: "procurement" });
          add({ at: orderedAt, asset: a, kind: "move", to: "ORDERED", by: "procurement" });
        } else add({ at: orderedAt, asset: a, kind: "create", status: "ORDERED", by: "procurement" });
        add({ at: workTime(receivedAt - between(2, 5) * DAY), asset: a, kind: "move", to: "IN_TRANSIT", by: "warehouse", reason: "shipped" });
        add({ at: receivedAt, asset: a, kind: "move", to: "RECEIVED", by: "warehouse" });
        add({ at: receivedAt + between(10, 120) * MIN, asset: a, kind: "binned", by: "warehouse" });
        continue;
      }
      const a = assets.push({ kind: po.kind, model: po.kind === "switch" ? 0 : model, vendor, site }) - 1;
      const from = steps.length;
      planUnit(a, orderedAt + u * MIN, receivedAt + u * 3 * MIN, plannedAt === null ? null : plannedAt + u * MIN);
      const clean = steps.slice(from).every((x) => x.kind !== "move" || !["FAILED", "RMA", "QUARANTINE"].includes(x.to));
      if (po.kind === "server" && clean && withParts() > 0) planParts(a, from, site);
    }
  }
}

planOrders();
// play every step of every asset in time order; what is still ahead has not happened yet
const due = steps.filter((x) => x.at <= END).sort((a, b) => a.at - b.at); // stable: ties keep their planned order

if (process.argv.includes("--dry-run")) {
  // what the demo would hold today, without touching a database
  const status = new Map<number, TAssetStatus>();
  for (const x of due) if (x.kind === "create") status.set(x.asset, x.status);
  else if (x.kind === "move") status.set(x.asset, x.to);
  const counts = new Map<TAssetStatus, number>();
  for (const v of status.values()) counts.set(v, (counts.get(v) ?? 0) + 1);
  console.log(`seed:demo --dry-run: ${status.size} assets, ${due.length} steps; ${[...counts].map(([k, v]) => `${k} ${v}`).join(", ")}`);
  process.exit(0);
}

// ---------------------------------------------------------------- the database

const url = env().DATABASE_URL;
await migrate(url);
const database = createDatabase(url);
await tuneDatabase(database);
const clock = new DemoClock();
const deps: TDeps = { db: database.db, provider: database.provider, clock };
const admin: TActor = { type: "system", id: "seed-demo", name: "Demo seed", role: "admin" };

if ((await database.db.asset.count()) > 0 && !FORCE) {
  console.error("seed:demo: this database already has assets; run with --force to add another demo batch");
  process.exit(1);
}
const tag = Date.now().toString(36).slice(-4).toUpperCase();
const started = Date.now();
clock.t = START - 2 * DAY;

// people (password for all demo users: demo-password-123); their names appear on every step they took
const people = new Map<TRole, TActor>();
for (const [username, displayName, role] of [
  ["wanda", "Wanda Warehouse", "warehouse"],
  ["tom", "Tom Technician", "technician"],
  ["petra", "Petra Procurement", "procurement"],
  ["fiona", "Fiona Firmware", "firmware"],
  ["victor", "Victor Viewer", "viewer"],
] as const) {
  const name = `${username}${FORCE ? tag.toLowerCase() : ""}`;
  await createUser(deps, admin, { username: name, displayName, role, password: "demo-password-123" }).catch(() => {});
  const u = await database.db.user.findUnique({ where: { username: name }, select: { id: true } });
  people.set(role, u ? { type: "user", id: u.id, name: displayName, role } : { type: "system", id: `demo-${role}`, name: displayName, role });
}
const actor = (role: TRole) => people.get(role) ?? admin;

// catalogue
const mf = async (name: string) => (await database.db.manufacturer.findUnique({ where: { name } })) ?? createManufacturer(deps, admin, { name });
const dell = await mf("Dell");
const hpe = await mf("HPE");
const arista = await mf("Arista");
const samsung = await mf("Samsung");
const micron = await mf("Micron");
const model = async (m: Parameters<typeof createModel>[2]) =>
  (await database.db.hardwareModel.findFirst({ where: { manufacturerId: m.manufacturerId, partNumber: m.partNumber.toUpperCase() } })) ?? createModel(deps, admin, m);
const models = {
  server: [
    await model({ manufacturerId: dell.id, name: "PowerEdge R760", kind: "SERVER", partNumber: "PE-R760", heightU: 2, nominalPowerW: 1100 }),
    await model({ manufacturerId: dell.id, name: "PowerEdge R660", kind: "SERVER", partNumber: "PE-R660", heightU: 1, nominalPowerW: 800 }),
    await model({ manufacturerId: hpe.id, name: "ProLiant DL380 Gen11", kind: "SERVER", partNumber: "P52534-B21", heightU: 2, nominalPowerW: 1000 }),
  ],
  switch: [await model({ manufacturerId: arista.id, name: "7050CX3-32S", kind: "SWITCH", partNumber: "DCS-7050CX3-32S", heightU: 1, nominalPowerW: 350 })],
  dimm: [await model({ manufacturerId: samsung.id, name: "64GB DDR5-4800 RDIMM", kind: "DIMM", partNumber: "M321R8GA0BB0-CQK" })],
  drive: [await model({ manufacturerId: micron.id, name: "7450 PRO 3.84TB NVMe", kind: "DRIVE", partNumber: "MTFDKCC3T8TFR" })],
};
const vendorIds: string[] = [];
for (const v of VENDORS) {
  vendorIds.push(((await database.db.vendor.findUnique({ where: { name: v.name } })) ?? (await createVendor(deps, admin, { name: v.name, rmaSlaDays: v.sla, contactEmail: `rma@${v.name.split(" ")[0]!.toLowerCase()}.example` }))).id);
}

// places: 2 sites, 2 halls each with 20 racks, a warehouse room with bins
const sites: { id: string; racks: { id: string; nextU: number }[]; bins: string[] }[] = [];
for (const [code, name] of [["FRA1", "Frankfurt 1"], ["AMS2", "Amsterdam 2"]] as const) {
  const site = await createLocation(deps, admin, { kind: "SITE", code: FORCE ? `${code}-${tag}` : code, name });
  const place = { id: site.id, racks: [] as { id: string; nextU: number }[], bins: [] as string[] };
  for (const hall of ["HALL-A", "HALL-B"]) {
    const room = await createLocation(deps, admin, { kind: "ROOM", code: hall, name: hall === "HALL-A" ? "Hall A" : "Hall B", parentId: site.id });
    for (let r = 1; r <= 20; r++) {
      const rack = await createLocation(deps, admin, { kind: "RACK", code: `R${String(r).padStart(2, "0")}`, name: `Rack ${r}`, parentId: room.id, heightU: 42 });
      place.racks.push({ id: rack.id, nextU: 3 }); // U1–U2 hold the top-of-rack patch panel
    }
  }
  const wh = await createLocation(deps, admin, { kind: "ROOM", code: "WAREHOUSE", name: "Warehouse", parentId: site.id });
  for (let b = 1; b <= 12; b++) place.bins.push((await createLocation(deps, admin, { kind: "BIN", code: `B-${String(b).padStart(2, "0")}`, name: `Bin ${b}`, parentId: wh.id })).id);
  sites.push(place);
}

/**
 * Runs a batch of steps in one database transaction: the services' own
 * transactions join it (their `$transaction` runs on the open one), which
 * halves the time a step takes. A failing step rolls its batch back and stops the seed.
 */
async function inOneTransaction(fn: (d: TDeps) => Promise<void>) {
  await database.db.$transaction(
    async (tx) => {
      // both forms of $transaction: a callback runs on the open transaction, an array of queries is awaited in it
      const join = (f: ((t: typeof tx) => unknown) | Promise<unknown>[]) => (Array.isArray(f) ? Promise.all(f) : f(tx));
      const db = new Proxy(tx, { get: (o, k) => (k === "$transaction" ? join : Reflect.get(o, k)) }) as unknown as Db;
      await fn({ ...deps, db });
    },
    { maxWait: 60_000, timeout: 600_000 },
  );
}

/** A free position in one of the site's racks (U3 up to U40), taken. */
function reserveRackUnit(site: { racks: { id: string; nextU: number }[] }, heightU: number): { rackId: string; rackUnit: number } | null {
  const rack = site.racks.find((r) => r.nextU + heightU - 1 <= 40 && rnd() < 0.35) ?? site.racks.find((r) => r.nextU + heightU - 1 <= 40);
  if (!rack) return null;
  const pos = { rackId: rack.id, rackUnit: rack.nextU };
  rack.nextU += Math.max(heightU, 1);
  return pos;
}

const ids: (string | undefined)[] = [];
const racked = new Map<number, { rackId: string; rackUnit: number }>();
let serialNo = 0;
async function play(d: TDeps, step: TStep) {
  clock.t = step.at;
  const p = assets[step.asset]!;
  const who = actor(step.by);
  const site = sites[p.site]!;
  if (step.kind === "create") {
    serialNo++;
    const m = models[p.kind][p.model]!;
    const prefix = p.kind === "dimm" ? "S" : p.kind === "drive" ? "M" : m.manufacturerId === dell.id ? "DL" : m.manufacturerId === hpe.id ? "CZ" : "JPE";
    const isUnit = p.kind === "server" || p.kind === "switch";
    const created = await createAsset(d, who, {
      serial: `${prefix}${tag}${String(serialNo).padStart(6, "0")}`,
      modelId: m.id,
      assetTag: isUnit ? `IL-${tag}-${String(serialNo).padStart(6, "0")}` : undefined,
      status: step.status,
      vendorId: vendorIds[p.vendor],
      parentId: p.parent === undefined ? undefined : ids[p.parent],
      // ordered to a site; parts are where their server is
      locationId: p.parent === undefined ? site.id : undefined,
    });
    ids[step.asset] = created.id;
  } else if (step.kind === "move" && step.to === "RACKED" && p.parent !== undefined) {
    await rackPart(d, who, { assetId: ids[step.asset]!, reason: step.reason });
  } else if (step.kind === "move" && step.to === "RACKED") {
    // RACKED is the placement step's move: the rack and U the rack step chose
    const pos = racked.get(step.asset) ?? reserveRackUnit(site, models[p.kind][p.model]!.heightU);
    if (!pos) throw new Error(`seed: no rack of the site has room for asset ${step.asset}`);
    await rackNow(d, who, { assetId: ids[step.asset]!, rackId: pos.rackId, rackUnit: pos.rackUnit });
  } else if (step.kind === "move" && step.to === "SANITIZED") {
    // the sanitisation step: evidence for every storage device, then the move
    const assetId = ids[step.asset]!;
    for (const serial of (await sanitisationStatus(d, assetId)).missing)
      await recordEvidence(d, who, { serial, hostAssetId: assetId, method: "PURGE", technique: "CRYPTO_ERASE", tool: "nwipe", toolVersion: "0.35", verification: "PASSED", operator: who.name, performedAt: clock.now() });
    await sanitise(d, who, { assetId });
  } else if (step.kind === "move" && step.to === "DISPOSED") {
    // the disposal step: a batch of one with its hand-off and the recycler's certificate
    const b = await createBatch(d, who, { recycler: "GreenCycle GmbH", certification: "R2v3" });
    await addBatchAssets(d, who, { id: b.id, items: [{ code: ids[step.asset]!, weightKg: 24, sealNumber: `S-${serialNo}-${step.asset}` }] });
    await addHandoff(d, who, { id: b.id, fromParty: "Warehouse", toParty: "GreenCycle driver", signature: who.name });
    await attachCertificate(d, who, { id: b.id, filename: "certificate.pdf", contentBase64: Buffer.from("%PDF-1.4\n%%EOF\n").toString("base64") });
    await closeBatch(d, who, { id: b.id });
  } else if (step.kind === "move") {
    await transition(d, who, { assetId: ids[step.asset]!, to: step.to, reason: step.reason });
  } else if (step.kind === "rack") {
    // the position only: the RACKED move that follows puts the asset there (the placement step)
    const pos = reserveRackUnit(site, models[p.kind][p.model]!.heightU);
    if (pos) racked.set(step.asset, pos);
  } else {
    // unracked (RMA, retirement) or put away on receipt: into a warehouse bin
    await updateAsset(d, who, { id: ids[step.asset]!, data: { locationId: pick(site.bins), rackUnit: null } });
  }
}

const BATCH = 500;
for (let i = 0; i < due.length; i += BATCH) {
  await inOneTransaction(async (d) => {
    for (const step of due.slice(i, i + BATCH)) await play(d, step);
  });
  const last = due[Math.min(i + BATCH, due.length) - 1]!;
  process.stderr.write(`seed:demo: ${Math.min(i + BATCH, due.length)}/${due.length} steps (${new Date(last.at).toISOString().slice(0, 10)})\n`);
}

const made = ids.filter(Boolean).length;
const byStatus = await database.db.asset.groupBy({ by: ["status"], _count: true });
console.log(`seed:demo: ${made} assets, ${due.length} steps from ${new Date(START).toISOString().slice(0, 10)} to now, in ${((Date.now() - started) / 1000).toFixed(1)} s; ${byStatus.map((s) => `${s.status} ${s._count}`).join(", ")}`);
console.log("demo users (password demo-password-123): wanda (warehouse), tom (technician), petra (procurement), fiona (firmware), victor (viewer)");
await database.close();
