/**
 * The firmware domain's hot read (server/db/hot.ts): the whole observed inventory at once, for the drift
 * recompute over the fleet. The ORM form is beside it in ./service.ts (observedFirmware); the firmware
 * integration test holds the two equal on both databases.
 */
import type { THotQuery } from "../../db/hot";

/** lastSeenAt read as "observedAt" so both readers return a Date */
export const HOT_OBSERVED: THotQuery = {
  name: "firmware_observed_all",
  sqlite: `SELECT "assetId" AS "assetId", "component" AS "component", "version" AS "version", "lastSeenAt" AS "observedAt" FROM "FirmwareObserved"`,
  postgresql: `SELECT "assetId" AS "assetId", "component" AS "component", "version" AS "version", "lastSeenAt" AS "observedAt" FROM "FirmwareObserved"`,
};
