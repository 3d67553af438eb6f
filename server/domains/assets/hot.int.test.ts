/**
 * The prepared-statement scan lookup (./hot.ts, server/db/hot.ts) answers
 * exactly what the ORM query it replaces answers, on both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import type { TDeps } from "../../context";
import { hotDb } from "../../db/hot";
import { createManufacturer, createModel } from "../catalog/service";
import { createAsset, findByCode } from "./service";

describe.each(DATABASES)("prepared scan lookup on %s", (provider) => {
  let t: TTestDb;
  const deps = (): TDeps => depsFor(t, new FakeClock());

  beforeAll(async () => {
    t = await freshDatabase(provider);
    const cat = await seedCatalog(deps());
    const admin = actor("admin");
    const hpe = await createManufacturer(deps(), admin, { name: "HPE" });
    const dl = await createModel(deps(), admin, { manufacturerId: hpe.id, name: "DL380", kind: "SERVER", partNumber: "DL380", heightU: 2 });
    await createAsset(deps(), admin, { serial: "HOT-1", modelId: cat.server.id, assetTag: "IL-HOT-1", locationId: cat.rack.id, rackUnit: 10, status: "RECEIVED" });
    await createAsset(deps(), admin, { serial: "SAME-SN", modelId: cat.server.id, locationId: cat.bin.id });
    await createAsset(deps(), admin, { serial: "SAME-SN", modelId: dl.id }); // same serial, another manufacturer, no location
    await createAsset(deps(), admin, { serial: "IL-HOT-2", modelId: dl.id }); // a serial that looks like a tag
    await createAsset(deps(), admin, { serial: "TAGGED", modelId: dl.id, assetTag: "IL-HOT-2" });
  });
  afterAll(() => t?.close());

  it("is used for plain reads", () => {
    expect(hotDb(t.db)?.provider).toBe(provider);
  });

  it.each(["il-hot-1", " hot-1 ", "same-sn", "SAME-SN", "IL-HOT-2", "nothing", "", "%", "IL-HOT-1'--"])("finds the same as the ORM for %j", async (code) => {
    const sort = (xs: { id: string }[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));
    const prepared = await findByCode(deps(), code);
    const orm = await findByCode(deps(), code, { orm: true });
    expect(sort(prepared)).toEqual(sort(orm));
    for (const a of prepared) {
      expect(a.updatedAt).toBeInstanceOf(Date);
      expect(typeof a.version).toBe("number");
    }
  });

  it("reads what was committed a moment ago (no stale statement cache)", async () => {
    const cat = await t.db.hardwareModel.findFirstOrThrow({ where: { name: "PowerEdge R760" } });
    expect(await findByCode(deps(), "HOT-NEW")).toEqual([]);
    await createAsset(deps(), actor("admin"), { serial: "HOT-NEW", modelId: cat.id });
    const found = await findByCode(deps(), "HOT-NEW");
    expect(found.map((a) => a.serial)).toEqual(["HOT-NEW"]);
    expect(found[0]!.location).toBeNull();
  });
});
