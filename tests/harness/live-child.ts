/**
 * A separate process that changes an asset (a real lifecycle transition), for
 * cross-process live-update tests: `node tsx/cli tests/harness/live-child.ts DATABASE_URL ASSET_ID TO`.
 * Prints "committed <ms since epoch>" after the transaction committed.
 */
import { createDatabase, tuneDatabase } from "../../server/db/client";
import { systemClock } from "../../server/context";
import { transition } from "../../server/domains/assets/lifecycle";
import { ZAssetStatus } from "../../server/domains/assets/schema";

const [url, assetId, to] = process.argv.slice(2);
if (!url || !assetId || !to) throw new Error("usage: live-child.ts DATABASE_URL ASSET_ID TO_STATUS");
const database = createDatabase(url);
await tuneDatabase(database);
await transition({ db: database.db, provider: database.provider, clock: systemClock }, { type: "system", id: "live-child", name: "Other process", role: "admin" }, { assetId, to: ZAssetStatus.parse(to) });
console.log(`committed ${Date.now()}`);
await database.close();
