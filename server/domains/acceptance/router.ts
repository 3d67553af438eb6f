/** Site acceptance (SAT) and its KPIs: tRPC procedures (thin: parse, call a service). */
import { ANY_ROLE } from "../../auth/roles";
import { procedure, router } from "../../trpc";
import { doaEvidence, doaKpi, installKpi } from "./kpi";
import {
  SAT_TEMPLATE_WRITERS,
  SAT_WRITERS,
  ZAcceptanceKpiQuery,
  ZAssetId,
  ZDoaEvidenceOut,
  ZDoaKpiOut,
  ZInstallKpiOut,
  ZRunId,
  ZSatFail,
  ZSatRerun,
  ZSatResultsInput,
  ZSatRunItems,
  ZSatRunOut,
  ZSatRunQuery,
  ZSatRunStart,
  ZSatSignOff,
  ZSatTemplateInput,
  ZSatTemplateItems,
  ZSatTemplateOut,
  ZSatTemplateQuery,
} from "./schema";
import { failRun, getRun, getTemplate, listRuns, listTemplates, recordResults, rerun, saveTemplate, signOff, startRun } from "./service";

export const acceptanceRouter = router({
  templates: procedure(ANY_ROLE).input(ZSatTemplateQuery).output(ZSatTemplateItems).query(async ({ ctx, input }) => ({ items: await listTemplates(ctx.deps, input) })),
  template: procedure(ANY_ROLE).input(ZRunId).output(ZSatTemplateOut).query(({ ctx, input }) => getTemplate(ctx.deps, input.id)),
  saveTemplate: procedure(SAT_TEMPLATE_WRITERS).input(ZSatTemplateInput).output(ZSatTemplateOut).mutation(({ ctx, input }) => saveTemplate(ctx.deps, ctx.actor, input)),
  runs: procedure(ANY_ROLE).input(ZSatRunQuery).output(ZSatRunItems).query(({ ctx, input }) => listRuns(ctx.deps, input)),
  run: procedure(ANY_ROLE).input(ZRunId).output(ZSatRunOut).query(({ ctx, input }) => getRun(ctx.deps, input.id)),
  start: procedure(SAT_WRITERS).input(ZSatRunStart).output(ZSatRunOut).mutation(({ ctx, input }) => startRun(ctx.deps, ctx.actor, input)),
  record: procedure(SAT_WRITERS).input(ZSatResultsInput).output(ZSatRunOut).mutation(({ ctx, input }) => recordResults(ctx.deps, ctx.actor, input)),
  signOff: procedure(SAT_WRITERS).input(ZSatSignOff).output(ZSatRunOut).mutation(({ ctx, input }) => signOff(ctx.deps, ctx.actor, input)),
  fail: procedure(SAT_WRITERS).input(ZSatFail).output(ZSatRunOut).mutation(({ ctx, input }) => failRun(ctx.deps, ctx.actor, input)),
  rerun: procedure(SAT_WRITERS).input(ZSatRerun).output(ZSatRunOut).mutation(({ ctx, input }) => rerun(ctx.deps, ctx.actor, input)),
  doa: procedure(ANY_ROLE).input(ZAcceptanceKpiQuery).output(ZDoaKpiOut).query(({ ctx, input }) => doaKpi(ctx.deps, input)),
  doaEvidence: procedure(ANY_ROLE).input(ZAssetId).output(ZDoaEvidenceOut).query(({ ctx, input }) => doaEvidence(ctx.deps, input.assetId)),
  installTime: procedure(ANY_ROLE).input(ZAcceptanceKpiQuery).output(ZInstallKpiOut).query(({ ctx, input }) => installKpi(ctx.deps, input)),
});
