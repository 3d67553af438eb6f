/**
 * npm run seed:demo — a believable demo in the database at DATABASE_URL:
 * 2 sites with rooms, racks and bins, vendors, models, and ~2,000 assets in
 * every status, with histories written through the real lifecycle (events and
 * audit chain included), backdated over the last months.
 * Refuses to run on a database that already has assets (use --force to add more).
 */
import { createDatabase, tuneDatabase } from "../server/db/client";
import { migrate } from "../server/db/migrate";
import { env } from "../server/env";
import type { TActor, TClock, TDeps } from "../server/context";
import { createManufacturer, createModel, createVendor } from "../server/domains/catalog/service";
import { createLocation } from "../server/domains/locations/service";
import { createAsset } from "../server/domains/assets/service";
import { transition } from "../server/domains/assets/lifecycle";
import type { TAssetStatus } from "../server/domains/assets/status";
import { createUser } from "../server/domains/users/service";

const TOTAL = Number(process.argv.find((a) => a.startsWith("--assets="))?.split("=")[1] ?? 2000);

class DemoClock implements TClock {
  t = Date.now() - 200 * 86_400_000;
  now() {
    return new Date(this.t);
  }
}
// deterministic pseudo-random, so every demo looks the same
let seed = 42;
const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

const MAIN: TAssetStatus[] = ["RECEIVED", "BURN_IN", "READY_TO_RACK", "RACKED", "CABLED", "SAT", "IN_SERVICE", "DECOMMISSIONING", "SANITIZED", "DISPOSED"];
/** target status → weight */
const MIX: [TAssetStatus, number][] = [
  ["PLANNED", 3], ["ORDERED", 5], ["IN_TRANSIT", 5], ["RECEIVED", 8], ["BURN_IN", 6], ["READY_TO_RACK", 5], ["RACKED", 4], ["CABLED", 3], ["SAT", 3],
  ["IN_SERVICE", 45], ["DECOMMISSIONING", 2], ["SANITIZED", 1], ["DISPOSED", 2], ["FAILED", 2], ["RMA", 2], ["QUARANTINE", 1],
];
function target(): TAssetStatus {
  const total = MIX.reduce((s, [, w]) => s + w, 0);
  let r = rnd() * total;
  for (const [s, w] of MIX) if ((r -= w) < 0) return s;
  return "IN_SERVICE";
}
/** The moves from RECEIVED to a target (exceptions branch off the main line). */
function pathTo(t: TAssetStatus): TAssetStatus[] {
  if (MAIN.includes(t)) return MAIN.slice(1, MAIN.indexOf(t) + 1);
  if (t === "FAILED") return ["BURN_IN", "FAILED"];
  if (t === "RMA") return ["BURN_IN", "FAILED", "RMA"];
  if (t === "QUARANTINE") return ["BURN_IN", "READY_TO_RACK", "QUARANTINE"];
  return [];
}

const url = env().DATABASE_URL;
await migrate(url);
const database = createDatabase(url);
await tuneDatabase(database);
const clock = new DemoClock();
const deps: TDeps = { db: database.db, provider: database.provider, clock };
const admin: TActor = { type: "system", id: "seed-demo", name: "Demo seed", role: "admin" };

if ((await database.db.asset.count()) > 0 && !process.argv.includes("--force")) {
  console.error("seed:demo: this database already has assets; run with --force to add another demo batch");
  process.exit(1);
}
const tag = Date.now().toString(36).slice(-4).toUpperCase();
const started = Date.now();

// people (password for all demo users: demo-password-123)
for (const [username, displayName, role] of [
  ["wanda", "Wanda Warehouse", "warehouse"],
  ["tom", "Tom Technician", "technician"],
  ["petra", "Petra Procurement", "procurement"],
  ["fiona", "Fiona Firmware", "firmware"],
  ["victor", "Victor Viewer", "viewer"],
] as const) {
  await createUser(deps, admin, { username: `${username}${process.argv.includes("--force") ? tag.toLowerCase() : ""}`, displayName, role, password: "demo-password-123" }).catch(() => {});
}

// catalogue
const mf = async (name: string) => (await database.db.manufacturer.findUnique({ where: { name } })) ?? createManufacturer(deps, admin, { name });
const dell = await mf("Dell");
const hpe = await mf("HPE");
const arista = await mf("Arista");
const samsung = await mf("Samsung");
const micron = await mf("Micron");
const model = async (m: Parameters<typeof createModel>[2]) =>
  (await database.db.hardwareModel.findFirst({ where: { manufacturerId: m.manufacturerId, partNumber: m.partNumber.toUpperCase() } })) ?? createModel(deps, admin, m);
const servers = [
  await model({ manufacturerId: dell.id, name: "PowerEdge R760", kind: "SERVER", partNumber: "PE-R760", heightU: 2, nominalPowerW: 1100 }),
  await model({ manufacturerId: dell.id, name: "PowerEdge R660", kind: "SERVER", partNumber: "PE-R660", heightU: 1, nominalPowerW: 800 }),
  await model({ manufacturerId: hpe.id, name: "ProLiant DL380 Gen11", kind: "SERVER", partNumber: "P52534-B21", heightU: 2, nominalPowerW: 1000 }),
];
const switchModel = await model({ manufacturerId: arista.id, name: "7050CX3-32S", kind: "SWITCH", partNumber: "DCS-7050CX3-32S", heightU: 1, nominalPowerW: 350 });
const dimm = await model({ manufacturerId: samsung.id, name: "64GB DDR5-4800 RDIMM", kind: "DIMM", partNumber: "M321R8GA0BB0-CQK" });
const drive = await model({ manufacturerId: micron.id, name: "7450 PRO 3.84TB NVMe", kind: "DRIVE", partNumber: "MTFDKCC3T8TFR" });
const vendors = [];
for (const [name, sla] of [["Acme Distribution", 5], ["Northwind Systems", 3], ["Contoso Hardware", 7]] as const) {
  vendors.push((await database.db.vendor.findUnique({ where: { name } })) ?? (await createVendor(deps, admin, { name, rmaSlaDays: sla, contactEmail: `rma@${name.split(" ")[0]!.toLowerCase()}.example` })));
}

// places: 2 sites, 2 halls each with 10 racks, a warehouse room with bins
const racks: { id: string; nextU: number }[] = [];
const bins: string[] = [];
for (const [code, name] of [["FRA1", "Frankfurt 1"], ["AMS2", "Amsterdam 2"]] as const) {
  const siteCode = process.argv.includes("--force") ? `${code}-${tag}` : code;
  const site = await createLocation(deps, admin, { kind: "SITE", code: siteCode, name });
  for (const hall of ["HALL-A", "HALL-B"]) {
    const room = await createLocation(deps, admin, { kind: "ROOM", code: hall, name: hall.replace("-", " ").toLowerCase().replace(/^./, (c) => c.toUpperCase()), parentId: site.id });
    for (let r = 1; r <= 10; r++) {
      const rack = await createLocation(deps, admin, { kind: "RACK", code: `R${String(r).padStart(2, "0")}`, name: `Rack ${r}`, parentId: room.id, heightU: 42 });
      racks.push({ id: rack.id, nextU: 1 });
    }
  }
  const wh = await createLocation(deps, admin, { kind: "ROOM", code: "WAREHOUSE", name: "Warehouse", parentId: site.id });
  for (let b = 1; b <= 12; b++) bins.push((await createLocation(deps, admin, { kind: "BIN", code: `B-${String(b).padStart(2, "0")}`, name: `Bin ${b}`, parentId: wh.id })).id);
}

const RACKED_OR_LATER = new Set<TAssetStatus>(["RACKED", "CABLED", "SAT", "IN_SERVICE", "DECOMMISSIONING"]);
let made = 0;
let lastReported = 0;
let serialNo = 0;
const roleActor = (role: TActor["role"]): TActor => ({ type: "system", id: `demo-${role}`, name: `Demo ${role}`, role });
while (made < TOTAL) {
  const isSwitch = rnd() < 0.08;
  const m = isSwitch ? switchModel : pick(servers);
  const goal = target();
  clock.t += Math.floor(rnd() * 3 * 3_600_000);
  const initial: TAssetStatus = ["PLANNED", "ORDERED", "IN_TRANSIT"].includes(goal) ? goal : "RECEIVED";
  let placement: { locationId?: string; rackUnit?: number } = { locationId: pick(bins) };
  if (RACKED_OR_LATER.has(goal)) {
    const rack = racks.find((r) => r.nextU + m.heightU - 1 <= 40 && rnd() < 0.5) ?? racks.find((r) => r.nextU + m.heightU - 1 <= 40);
    if (rack) {
      placement = { locationId: rack.id, rackUnit: rack.nextU };
      rack.nextU += m.heightU;
    }
  }
  serialNo++;
  const prefix = m.manufacturerId === dell.id ? "DL" : m.manufacturerId === hpe.id ? "CZ" : "JPE";
  const a = await createAsset(deps, roleActor("warehouse"), {
    serial: `${prefix}${tag}${String(serialNo).padStart(6, "0")}`,
    modelId: m.id,
    assetTag: `IL-${tag}-${String(serialNo).padStart(6, "0")}`,
    status: initial as "PLANNED",
    vendorId: pick(vendors).id,
    ...(initial === "RECEIVED" ? placement : {}),
  });
  made++;
  if (initial === "RECEIVED") {
    for (const to of pathTo(goal)) {
      clock.t += Math.floor((0.2 + rnd() * 2) * 86_400_000);
      const role = to === "RMA" || to === "DISPOSED" ? "warehouse" : "technician";
      await transition(deps, roleActor(role), { assetId: a.id, to, reason: to === "FAILED" ? pick(["no POST", "DIMM errors in burn-in", "PSU fault", "NIC link flaps"]) : undefined });
    }
  }
  // parts for a third of the servers: 2 DIMMs and 1 drive, following their server's path
  if (!isSwitch && initial === "RECEIVED" && rnd() < 0.33 && made < TOTAL - 3) {
    for (let i = 0; i < 3 && made < TOTAL; i++) {
      serialNo++;
      const pm = i < 2 ? dimm : drive;
      const part = await createAsset(deps, roleActor("warehouse"), { serial: `${i < 2 ? "S" : "M"}${tag}${String(serialNo).padStart(7, "0")}`, modelId: pm.id, status: "RECEIVED", parentId: a.id });
      for (const to of pathTo(goal).filter((s) => s !== "FAILED" && s !== "RMA")) await transition(deps, roleActor(to === "DISPOSED" ? "warehouse" : "technician"), { assetId: part.id, to });
      made++;
    }
  }
  if (Math.floor(made / 250) !== Math.floor(lastReported / 250)) process.stderr.write(`seed:demo: ${made}/${TOTAL} assets\n`);
  lastReported = made;
}
const byStatus = await database.db.asset.groupBy({ by: ["status"], _count: true });
console.log(`seed:demo: ${made} assets in ${((Date.now() - started) / 1000).toFixed(1)} s; ${byStatus.map((s) => `${s.status} ${s._count}`).join(", ")}`);
console.log("demo users (password demo-password-123): wanda (warehouse), tom (technician), petra (procurement), fiona (firmware), victor (viewer)");
await database.close();
