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
