/**
 * The asset list page's prepared statements (./hot.ts assetListQuery) answer
 * exactly what the ORM query they replace answers (rows, order, total), on
 * both databases: every filter, every sort column both ways (NULL asset tags
 * and equal timestamps included), pages, and prefix searches (on PostgreSQL the
 * ORM's LIKE does not escape % and _, and the prepared statement matches it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import type { TDeps } from "../../context";
import { ASSET_SORT_FIELDS, type TAssetListInput } from "./schema";
import { createAsset, listAssets } from "./service";

describe.each(DATABASES)("prepared asset list on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock(new Date("2026-03-01T10:00:00Z"));
  const deps = (): TDeps => depsFor(t, clock);
  let cat: Awaited<ReturnType<typeof seedCatalog>>;
  let parentId = "";

  beforeAll(async () => {
    t = await freshDatabase(provider);
    cat = await seedCatalog(deps());
    const admin = actor("admin");
    const statuses = ["RECEIVED", "PLANNED", "IN_TRANSIT", "RECEIVED"] as const;
    for (let i = 0; i < 24; i++) {
      // every third one shares its timestamp with the one before (ties broken by id)
      if (i % 3) clock.advance(60_000);
      // DIMMs (every fourth) after the first server are its parts
      const part = i % 4 === 0 && parentId !== "";
      const a = await createAsset(deps(), admin, {
        serial: `LST-${String(i).padStart(3, "0")}${i % 5 === 0 ? "_X" : ""}`,
        modelId: i % 4 === 0 ? cat.dimm.id : cat.server.id,
        ...(i % 3 === 0 ? {} : { assetTag: `IL-LST-${String(24 - i).padStart(3, "0")}` }),
        locationId: i % 2 ? cat.rack.id : cat.bin.id,
        ...(i % 2 && i < 20 ? { rackUnit: i * 2 } : {}),
        status: statuses[i % statuses.length],
        ...(part ? { parentId } : {}),
      });
      if (i === 1) parentId = a.id;
    }
  });
  afterAll(() => t?.close());

  const inputs: TAssetListInput[] = [
    {},
    { pageSize: 5, page: 3 },
    { pageSize: 200 },
    { status: ["RECEIVED"] },
    { status: ["RECEIVED", "IN_TRANSIT"], pageSize: 4, page: 2 },
    { status: ["SAT"] },
    { q: "lst-00" },
    { q: "il-lst-01", sort: "assetTag", dir: "asc" },
    { q: "LST-000_" },
    { q: "%" },
    { q: "_" },
    { page: 99 },
  ];
  for (const sort of ASSET_SORT_FIELDS) for (const dir of ["asc", "desc"] as const) inputs.push({ sort, dir, pageSize: 7, page: 2 }, { sort, dir, pageSize: 200 });

  it.each(inputs.map((i) => [JSON.stringify(i), i] as const))("answers %s as the ORM does", async (_, input) => {
    const prepared = await listAssets(deps(), input);
    const orm = await listAssets(deps(), input, { orm: true });
    expect(prepared).toEqual(orm);
  });

  it("answers the model, location and parent filters as the ORM does", async () => {
    for (const input of [{ modelId: cat.dimm.id }, { locationId: cat.rack.id, sort: "serial" as const }, { parentId }, { modelId: cat.server.id, locationId: cat.bin.id, status: ["IN_TRANSIT" as const], q: "LST" }]) {
      const prepared = await listAssets(deps(), input);
      expect(prepared.total).toBeGreaterThan(0);
      expect(prepared).toEqual(await listAssets(deps(), input, { orm: true }));
    }
  });
});
