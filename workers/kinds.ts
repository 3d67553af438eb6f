/** Every job kind the workers run. A new kind is defined beside the service it calls and listed here. */
import type { TJobKind } from "../server/jobs/queue";
import { kpiFoldJob } from "../server/domains/acceptance/kpi";
import { expireCommandJob } from "../server/domains/bmc/commands";
import { BURNIN_JOBS } from "../server/domains/burnin/service";
import { firmwareInventoryJob } from "../server/domains/firmware/service";
import { CAMPAIGN_JOBS } from "../server/domains/firmware/campaign";
import { printJob } from "../server/domains/warehouse/printing";
import { breachScanJob } from "../server/domains/rma/service";
import { housekeeping } from "./housekeeping";

export const JOB_KINDS: readonly TJobKind[] = [housekeeping, expireCommandJob, printJob, kpiFoldJob, firmwareInventoryJob, ...BURNIN_JOBS, ...CAMPAIGN_JOBS, breachScanJob] as readonly TJobKind[];
