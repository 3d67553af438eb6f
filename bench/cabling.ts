/**
 * Cabling benchmark: the cable plan reconciled against the LLDP views of 48- and 96-port switches
 * (pure, per view), and the elevation of a full 48 U rack rendered by the service (database reads
 * and the SVG, on a fresh SQLite database). `npm run bench:cabling`: ends with one JSON line.
 * The site agent's SNMP walk and switches-per-minute are measured by bench/lldp.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createDatabase } from "../server/db/client";
import { migrate } from "../server/db/migrate";
import { systemClock, SYSTEM_ACTOR, type TDeps } from "../server/context";
import type { TLldpView } from "../server/contracts/lldp";
import { createAsset } from "../server/domains/assets/service";
import { transition } from "../server/domains/assets/lifecycle";
import { createManufacturer, createModel } from "../server/domains/catalog/service";
import { createLocation } from "../server/domains/locations/service";
import { rackElevation, rackNow, reconcileCables } from "../server/domains/cabling/service";

const mac = (i: number, j: number) => `02:00:${(i >> 8).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")}:00:${j.toString(16).padStart(2, "0")}`;

function switchCase(ports: number) {
  const devices = [{ assetId: "sw", label: "SW", names: ["sw"], interfaces: [] as { name: string; mac: string | null }[] }];
  const cables = [];
  const neighbors: TLldpView["neighbors"] = [];
  for (let p = 1; p <= ports; p++) {
    devices.push({ assetId: `h${p}`, label: `H${p}`, names: [`h${p}`], interfaces: [{ name: "eth0", mac: mac(p, 0) }, { name: "eth1", mac: mac(p, 1) }] });
    cables.push({ id: `c${p}`, a: { assetId: "sw", port: `Ethernet${p}` }, b: { assetId: `h${p}`, port: "eth0" } });
    // every tenth port swapped with its neighbour, every 25th missing: the slow paths too
    const q = p % 10 === 0 ? p - 1 : p % 10 === 9 ? p + 1 : p;
    if (p % 25 !== 0) neighbors.push({ localPortNum: p, localPortId: `Ethernet${p}`, chassisId: mac(q, 0), chassisIdSubtype: "mac", portId: mac(q, 0), portIdSubtype: "mac", portDesc: "eth0", sysName: `h${q}` });
  }
  const view: TLldpView = { sysName: "sw", chassisId: "02:ff:00:00:00:00", localPorts: Array.from({ length: ports }, (_, i) => ({ portNum: i + 1, portId: `Ethernet${i + 1}`, portIdSubtype: "ifname" as const, portDesc: `Ethernet${i + 1}`, ifName: `Ethernet${i + 1}` })), neighbors };
  return { plan: { devices, cables }, views: [{ assetId: "sw", view }] };
}

function timeIt(fn: () => void, minMs = 400): number {
  for (let i = 0; i < 200; i++) fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    fn();
    n++;
  }
  return (performance.now() - t0) / n;
}

export async function benchCabling(): Promise<{ results: Record<string, number>; targets: { metric: string; target: string; actual: number; met: boolean }[] }> {
  const results: Record<string, number> = {};
  for (const ports of [48, 96]) {
    const c = switchCase(ports);
    const check = reconcileCables(c.plan, c.views);
    if (check.filter((r) => r.status === "VERIFIED").length < ports * 0.7) throw new Error(`bench: the ${ports}-port case reconciled wrongly`);
    results[`reconcile${ports}PortMs`] = +timeIt(() => reconcileCables(c.plan, c.views)).toFixed(3);
  }
  // a 48 U rack filled with 1 U servers and a switch, racked through the placement step
  const dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-bench-cabling-"));
  const url = `file:${path.join(dir, "bench.db")}`;
  await migrate(url);
  const database = createDatabase(url);
  const deps: TDeps = { db: database.db, provider: database.provider, clock: systemClock };
  try {
    const m = await createManufacturer(deps, SYSTEM_ACTOR, { name: "Bench" });
    const model = await createModel(deps, SYSTEM_ACTOR, { manufacturerId: m.id, name: "1U server", kind: "SERVER", partNumber: "B1U", heightU: 1, typicalPowerW: 350 });
    const site = await createLocation(deps, SYSTEM_ACTOR, { kind: "SITE", code: "BEN", name: "Bench" });
    const room = await createLocation(deps, SYSTEM_ACTOR, { kind: "ROOM", code: "R", name: "Room", parentId: site.id });
    const rack = await createLocation(deps, SYSTEM_ACTOR, { kind: "RACK", code: "K48", name: "48U", parentId: room.id, heightU: 48, powerBudgetW: 20_000 });
    const tech = { ...SYSTEM_ACTOR, role: "technician" as const };
    for (let u = 1; u <= 48; u++) {
      if (u > 40) break; // the top 8 U stay free
      const a = await createAsset(deps, SYSTEM_ACTOR, { serial: `BENCH${u}`, modelId: model.id });
      for (const to of ["BURN_IN", "READY_TO_RACK"] as const) await transition(deps, tech, { assetId: a.id, to });
      await rackNow(deps, tech, { assetId: a.id, rackId: rack.id, rackUnit: u });
    }
    const samples: number[] = [];
    for (let i = 0; i < 60; i++) {
      const t0 = performance.now();
      const e = await rackElevation(deps, rack.id);
      samples.push(performance.now() - t0);
      if (e.devices.length !== 40) throw new Error("bench: the elevation lost devices");
    }
    samples.sort((a, b) => a - b);
    results.elevation48UP50Ms = +samples[Math.floor(samples.length / 2)]!.toFixed(2);
    results.elevation48UP95Ms = +samples[Math.floor(samples.length * 0.95)]!.toFixed(2);
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const targets = [
    { metric: "elevation48UP50Ms", target: "≤ 50 ms server time (median; service: reads + SVG, in-process, not over HTTP)", actual: results.elevation48UP50Ms!, met: results.elevation48UP50Ms! <= 50 },
    { metric: "reconcile96PortMs", target: "≤ 5 ms per 96-port switch view (≥ 12,000 switches/min of reconcile per core)", actual: results.reconcile96PortMs!, met: results.reconcile96PortMs! <= 5 },
  ];
  return { results, targets };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { results, targets } = await benchCabling();
  results.load1 = os.loadavg()[0]!;
  console.log(JSON.stringify({ bench: "cabling", results, baseline: null, targets }));
}
