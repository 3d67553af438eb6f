/**
 * npm run bench:warehouse — the warehouse issue's figures in one run, one JSON line at the end:
 *   - receiving scans over HTTP (bench/warehouse-scan.ts): 50 concurrent scanners, scan → acknowledgement
 *     p50/p95/p99 (target p95 ≤ 25 ms) and scans/s (target ≥ 500), beside one lifecycle transition;
 *   - an RFID sweep of 10 k EPCs reconciled (target ≤ 200 ms) and a 100-label PDF (target ≤ 2 s)
 *     (bench/warehouse-inventory.ts);
 * both on SQLite with 1 M assets (--quick: the smaller sizes each part documents).
 */
import { runInventoryBench } from "./warehouse-inventory";
import { runScanBench } from "./warehouse-scan";

const quick = process.argv.includes("--quick");
const scan = await runScanBench({ quick });
const inventory = await runInventoryBench({ quick });
console.log(
  JSON.stringify({
    bench: "warehouse",
    results: { scan: scan.results, inventory: inventory.results },
    baseline: { scan: scan.baseline, inventory: inventory.baseline },
    targets: [...scan.targets, ...inventory.targets],
  }),
);
