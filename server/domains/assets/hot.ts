/**
 * The assets domain's hot reads as prepared statements (server/db/hot.ts), for
 * the paths a scanner or an integration calls many times a second. Each has
 * the ORM form it replaces beside it in ./service.ts, used where there is no
 * prepared-statement reader (inside a transaction); both return the same
 * TAssetSummary, and assets/hot.int.test.ts holds them equal on both databases.
 */
import type { THotQuery } from "../../db/hot";

/** what summarySelect in ./service.ts reads, flattened */
export interface THotSummaryRow {
  id: string;
  serial: string;
  assetTag: string | null;
  status: string;
  version: number;
  rackUnit: number | null;
  parentId: string | null;
  updatedAt: Date;
  createdAt: Date;
  modelId: string;
  modelName: string;
  modelKind: string;
  manufacturer: string;
  locationId: string | null;
  locationPath: string | null;
  locationKind: string | null;
}

/** findByCode: assets whose tag or serial is the scanned code (tag and serial normalised by the caller) */
export const LOOKUP_BY_CODE: THotQuery = {
  name: "assets_lookup_by_code",
  sqlite: `SELECT a.id, a.serial, a.assetTag, a.status, a.version, a.rackUnit, a.parentId, a.updatedAt, a.createdAt,
      m.id AS modelId, m.name AS modelName, m.kind AS modelKind, mf.name AS manufacturer,
      l.id AS locationId, l.path AS locationPath, l.kind AS locationKind
    FROM "Asset" a JOIN "HardwareModel" m ON m.id = a.modelId JOIN "Manufacturer" mf ON mf.id = m.manufacturerId
      LEFT JOIN "Location" l ON l.id = a.locationId
    WHERE a.assetTag = ? OR a.serial = ? LIMIT 20`,
  postgresql: `SELECT a.id, a.serial, a."assetTag", a.status, a.version, a."rackUnit", a."parentId", a."updatedAt", a."createdAt",
      m.id AS "modelId", m.name AS "modelName", m.kind AS "modelKind", mf.name AS manufacturer,
      l.id AS "locationId", l.path AS "locationPath", l.kind AS "locationKind"
    FROM "Asset" a JOIN "HardwareModel" m ON m.id = a."modelId" JOIN "Manufacturer" mf ON mf.id = m."manufacturerId"
      LEFT JOIN "Location" l ON l.id = a."locationId"
    WHERE a."assetTag" = $1 OR a.serial = $2 LIMIT 20`,
};

// ---------------------------------------------------------------- the asset list page

/** The filters of the asset list (listAssets in ./service.ts, already validated): which are present decides the statement. */
export interface THotListFilter {
  status?: string[];
  modelId?: string;
  locationId?: string;
  parentId?: string;
  /** the normalised prefix of a serial or an asset tag */
  q?: string;
  sort: "updatedAt" | "createdAt" | "serial" | "assetTag" | "status";
  dir: "asc" | "desc";
}

const SUMMARY_COLUMNS = {
  sqlite: `a.id, a.serial, a.assetTag, a.status, a.version, a.rackUnit, a.parentId, a.updatedAt, a.createdAt,
      m.id AS modelId, m.name AS modelName, m.kind AS modelKind, mf.name AS manufacturer,
      l.id AS locationId, l.path AS locationPath, l.kind AS locationKind`,
  postgresql: `a.id, a.serial, a."assetTag", a.status, a.version, a."rackUnit", a."parentId", a."updatedAt", a."createdAt",
      m.id AS "modelId", m.name AS "modelName", m.kind AS "modelKind", mf.name AS manufacturer,
      l.id AS "locationId", l.path AS "locationPath", l.kind AS "locationKind"`,
};
const SUMMARY_FROM = {
  sqlite: `FROM "Asset" a JOIN "HardwareModel" m ON m.id = a.modelId JOIN "Manufacturer" mf ON mf.id = m.manufacturerId LEFT JOIN "Location" l ON l.id = a.locationId`,
  postgresql: `FROM "Asset" a JOIN "HardwareModel" m ON m.id = a."modelId" JOIN "Manufacturer" mf ON mf.id = m."manufacturerId" LEFT JOIN "Location" l ON l.id = a."locationId"`,
};

const listQueries = new Map<string, { list: THotQuery; count: THotQuery }>();

/**
 * The list page's statements for this shape of filter (one prepared statement per shape, a handful in
 * practice) and their parameters; the same rows in the same order as the ORM query in listAssets:
 * ORDER BY the sort column, then id, in the same direction, with each database's own NULL order (as the
 * ORM leaves it); the prefix match as the ORM writes it (a range on SQLite, LIKE on PostgreSQL).
 */
export function assetListQuery(f: THotListFilter, page: { skip: number; take: number }, provider: "sqlite" | "postgresql") {
  const shape = [f.status?.length ? "s" : "", f.modelId ? "m" : "", f.locationId ? "l" : "", f.parentId ? "p" : "", f.q !== undefined ? "q" : "", f.sort, f.dir].join(":");
  let qs = listQueries.get(shape);
  if (!qs) {
    const build = (dialect: "sqlite" | "postgresql") => {
      let n = 0;
      const p = (type = "text") => (dialect === "sqlite" ? "?" : `$${++n}::${type}`);
      const col = (c: string) => (dialect === "sqlite" ? `a.${c}` : `a."${c}"`);
      const where: string[] = [];
      if (f.status?.length) where.push(dialect === "sqlite" ? `a.status IN (SELECT value FROM json_each(?))` : `a.status = ANY(${p("text[]")})`);
      if (f.modelId) where.push(`${col("modelId")} = ${p()}`);
      if (f.locationId) where.push(`${col("locationId")} = ${p()}`);
      if (f.parentId) where.push(`${col("parentId")} = ${p()}`);
      if (f.q !== undefined)
        where.push(
          dialect === "sqlite"
            ? `((a.serial >= ? AND a.serial < ?) OR (a.assetTag >= ? AND a.assetTag < ?))`
            : `(a.serial LIKE ${p()} OR a."assetTag" LIKE ${p()})`,
        );
      const whereSql = where.length ? `WHERE ${where.join(" AND ")}` : "";
      const dir = f.dir === "asc" ? "ASC" : "DESC";
      const list = `SELECT ${SUMMARY_COLUMNS[dialect]} ${SUMMARY_FROM[dialect]} ${whereSql} ORDER BY ${col(f.sort)} ${dir}, a.id ${dir} LIMIT ${p("int")} OFFSET ${p("int")}`;
      const count = `SELECT COUNT(*) AS n FROM "Asset" a ${whereSql}`;
      return { list, count };
    };
    const s = build("sqlite");
    const pg = build("postgresql");
    const id = listQueries.size;
    qs = { list: { name: `assets_list_${id}`, sqlite: s.list, postgresql: pg.list }, count: { name: `assets_count_${id}`, sqlite: s.count, postgresql: pg.count } };
    listQueries.set(shape, qs);
  }
  const params: (string | number)[] = [];
  if (f.status?.length) params.push(provider === "sqlite" ? JSON.stringify(f.status) : (f.status as unknown as string));
  if (f.modelId) params.push(f.modelId);
  if (f.locationId) params.push(f.locationId);
  if (f.parentId) params.push(f.parentId);
  if (f.q !== undefined) {
    if (provider === "sqlite") params.push(f.q, `${f.q}\u{10FFFF}`, f.q, `${f.q}\u{10FFFF}`);
    // as the ORM's startsWith sends it (it does not escape % and _)
    else params.push(`${f.q}%`, `${f.q}%`);
  }
  return { list: qs.list, count: qs.count, listParams: [...params, page.take, page.skip], countParams: params };
}

/** Every asset not disposed with its model and site (the firmware drift recompute reads the fleet at once). */
export const HOT_FLEET_ASSETS: THotQuery = {
  name: "assets_fleet_sites",
  sqlite: `SELECT a."id" AS "id", a."serial" AS "serial", a."assetTag" AS "assetTag", a."status" AS "status", a."modelId" AS "modelId", CASE WHEN l."kind" = 'SITE' THEN l."id" ELSE l."siteId" END AS "siteId"
    FROM "Asset" a LEFT JOIN "Location" l ON l."id" = a."locationId" WHERE a."status" <> 'DISPOSED'`,
  postgresql: `SELECT a."id" AS "id", a."serial" AS "serial", a."assetTag" AS "assetTag", a."status" AS "status", a."modelId" AS "modelId", CASE WHEN l."kind" = 'SITE' THEN l."id" ELSE l."siteId" END AS "siteId"
    FROM "Asset" a LEFT JOIN "Location" l ON l."id" = a."locationId" WHERE a."status" <> 'DISPOSED'`,
};
