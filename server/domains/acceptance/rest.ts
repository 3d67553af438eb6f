/** Site acceptance (SAT) and its KPIs: REST routes (/api/v1), built from ./schema.ts; server/rest assembles them. */
import { ANY_ROLE } from "../../auth/roles";
import { route, type TRoute } from "../../rest/route";
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
  ZSatResultsBody,
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

const NO_RUN = "No such SAT run";
const reasonBody = ZSatFail.omit({ id: true });
const signBody = ZSatSignOff.omit({ id: true });

export const acceptanceRestRoutes: TRoute[] = [
  route({ method: "GET", path: "/sat/templates", operationId: "listSatTemplates", summary: "SAT checklist templates (the latest version of each, or every version with latestOnly=false)", roles: ANY_ROLE, query: ZSatTemplateQuery, response: ZSatTemplateItems, handler: async (deps, _a, { query }) => ({ items: await listTemplates(deps, query) }) }),
  route({ method: "GET", path: "/sat/templates/{id}", operationId: "getSatTemplate", summary: "One SAT template version with its items", roles: ANY_ROLE, params: ZRunId, response: ZSatTemplateOut, notFound: "No such SAT template", handler: (deps, _a, { params }) => getTemplate(deps, params.id) }),
  route({ method: "POST", path: "/sat/templates", operationId: "saveSatTemplate", summary: "Create a SAT checklist template, or a new version of the one with this name (items: YES_NO, MEASURE with limits and unit, NOTE, SIGNATURE)", roles: SAT_TEMPLATE_WRITERS, body: ZSatTemplateInput, response: ZSatTemplateOut, status: 201, handler: (deps, actor, { body }) => saveTemplate(deps, actor, body) }),
  route({ method: "GET", path: "/sat/runs", operationId: "listSatRuns", summary: "SAT runs, newest first", roles: ANY_ROLE, query: ZSatRunQuery, response: ZSatRunItems, handler: (deps, _a, { query }) => listRuns(deps, query) }),
  route({ method: "GET", path: "/sat/runs/{id}", operationId: "getSatRun", summary: "One SAT run: its checklist, answers, and what still blocks the pass", roles: ANY_ROLE, params: ZRunId, response: ZSatRunOut, notFound: NO_RUN, handler: (deps, _a, { params }) => getRun(deps, params.id) }),
  route({ method: "POST", path: "/sat/runs", operationId: "startSatRun", summary: "Start a SAT run for one asset or every Cabled/SAT asset of a rack (Cabled assets move to SAT)", roles: SAT_WRITERS, body: ZSatRunStart, response: ZSatRunOut, status: 201, handler: (deps, actor, { body }) => startRun(deps, actor, body) }),
  route({ method: "POST", path: "/sat/runs/{id}/results", operationId: "recordSatResults", summary: "Save answers to checklist items (part-filled is fine; an answer with no value clears it)", roles: SAT_WRITERS, params: ZRunId, body: ZSatResultsBody, response: ZSatRunOut, notFound: NO_RUN, handler: (deps, actor, { params, body }) => recordResults(deps, actor, { id: params.id, ...body }) }),
  route({ method: "POST", path: "/sat/runs/{id}/sign-off", operationId: "signOffSatRun", summary: "Pass and sign off: refused (409) while an item fails or a required one is unanswered; the assets move SAT → IN_SERVICE", roles: SAT_WRITERS, params: ZRunId, body: signBody, response: ZSatRunOut, notFound: NO_RUN, handler: (deps, actor, { params, body }) => signOff(deps, actor, { id: params.id, ...body }) }),
  route({ method: "POST", path: "/sat/runs/{id}/fail", operationId: "failSatRun", summary: "Fail an open SAT run with a reason (the assets stay in SAT)", roles: SAT_WRITERS, params: ZRunId, body: reasonBody, response: ZSatRunOut, notFound: NO_RUN, handler: (deps, actor, { params, body }) => failRun(deps, actor, { id: params.id, reason: body.reason }) }),
  route({ method: "POST", path: "/sat/runs/{id}/rerun", operationId: "rerunSatRun", summary: "Run a failed SAT again, with a reason: a new run of the same assets on the latest checklist version", roles: SAT_WRITERS, params: ZRunId, body: ZSatRerun.omit({ id: true }), response: ZSatRunOut, status: 201, notFound: NO_RUN, handler: (deps, actor, { params, body }) => rerun(deps, actor, { id: params.id, reason: body.reason }) }),
  route({ method: "GET", path: "/kpis/doa", operationId: "kpiDoa", summary: "DOA rate (FAILED before first IN_SERVICE ÷ RECEIVED, by month of receipt) per vendor, model and month, with the DOA assets", roles: ANY_ROLE, query: ZAcceptanceKpiQuery, response: ZDoaKpiOut, handler: (deps, _a, { query }) => doaKpi(deps, query) }),
  route({ method: "GET", path: "/kpis/doa/{assetId}", operationId: "kpiDoaEvidence", summary: "One asset's DOA evidence: the failing event and its burn-in evidence", roles: ANY_ROLE, params: ZAssetId, response: ZDoaEvidenceOut, notFound: "No such asset", handler: (deps, _a, { params }) => doaEvidence(deps, params.assetId) }),
  route({ method: "GET", path: "/kpis/installation-time", operationId: "kpiInstallationTime", summary: "Installation time RECEIVED → SAT passed, p50/p90 per site and month, with the installations", roles: ANY_ROLE, query: ZAcceptanceKpiQuery, response: ZInstallKpiOut, handler: (deps, _a, { query }) => installKpi(deps, query) }),
];
