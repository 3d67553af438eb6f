/** Small, explicit fixtures for integration tests (real database, fake clock). */
import type { TActor, TClock, TDeps } from "../../server/context";
import type { TRole } from "../../server/auth/roles";
import type { TTestDb } from "./db";
import { bmcClients } from "../../agents/clients";
import { createManufacturer, createModel, createVendor } from "../../server/domains/catalog/service";
import { createLocation } from "../../server/domains/locations/service";

export class FakeClock implements TClock {
  constructor(public t = new Date("2026-01-05T08:00:00Z")) {}
  now() {
    return new Date(this.t);
  }
  advance(ms: number) {
    this.t = new Date(this.t.getTime() + ms);
  }
}

/** Real database, the given clock, and the real BMC protocol clients (they talk to ipmi_sim and the Redfish simulator). */
export function depsFor(t: TTestDb, clock: TClock = new FakeClock()): TDeps {
  return { db: t.db, provider: t.provider, clock, bmc: bmcClients };
}

export function actor(role: TRole, id = `test-${role}`): TActor {
  return { type: "system", id, name: `Test ${role}`, role };
}

export async function seedCatalog(deps: TDeps) {
  const admin = actor("admin");
  const dell = await createManufacturer(deps, admin, { name: "Dell" });
  const server = await createModel(deps, admin, { manufacturerId: dell.id, name: "PowerEdge R760", kind: "SERVER", partNumber: "R760", heightU: 2, nominalPowerW: 800 });
  const dimm = await createModel(deps, admin, { manufacturerId: dell.id, name: "64GB DDR5 RDIMM", kind: "DIMM", partNumber: "SNP-64G" });
  const vendor = await createVendor(deps, admin, { name: "Acme Distribution" });
  const site = await createLocation(deps, admin, { kind: "SITE", code: "FRA1", name: "Frankfurt 1" });
  const room = await createLocation(deps, admin, { kind: "ROOM", code: "HALL-A", name: "Hall A", parentId: site.id });
  const rack = await createLocation(deps, admin, { kind: "RACK", code: "R01", name: "Rack 01", parentId: room.id, heightU: 42 });
  const bin = await createLocation(deps, admin, { kind: "BIN", code: "B-01", name: "Bin 01", parentId: site.id });
  return { dell, server, dimm, vendor, site, room, rack, bin };
}
