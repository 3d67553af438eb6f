/** Firmware's tRPC procedures (thin: parse, call a service). */
import { procedure, router } from "../../trpc";
import { ADMIN_ONLY } from "../../auth/roles";
import {
  assetFirmware,
  assetPosture,
  baselineRevisions,
  decideFirmwareFinding,
  drift,
  exportBaselines,
  firmwareLag,
  fleet,
  fleetPosture,
  hbomFor,
  importBaselines,
  listBaselines,
  listFirmwareFindings,
  listPosturePolicies,
  posturePolicyRevisions,
  revokePostureWaiver,
  saveBaseline,
  savePosturePolicy,
  waivePosture,
} from "./service";
import {
  ZAssetPosture,
  ZFindingDecision,
  ZFindingQuery,
  ZFindings,
  ZFirmwareFinding,
  ZFleetPosture,
  ZHbomFile,
  ZModelKey,
  ZPolicyQuery,
  ZPosturePolicies,
  ZPosturePolicyInput,
  ZPosturePolicyOut,
  ZPostureQuery,
  ZWaiverInput,
  ZWaiverRevoke,
} from "./schema";
import { createCampaign, getCampaign, listCampaigns, pauseCampaign, startCampaign } from "./campaign";
import { ZCampaignAction, ZCampaignCreate, ZCampaignDetail, ZCampaignId, ZCampaignQuery, ZCampaigns } from "./campaign-schema";
import { FIRMWARE_READERS, FIRMWARE_WRITERS, ZAssetId, ZBaselineDoc, ZBaselineInput, ZBaselineItems, ZBaselineKey, ZBaselineOut, ZBaselineQuery, ZDriftOut, ZDriftQuery, ZFleetOut, ZFleetQuery, ZImportOut, ZInventoryOut, ZLagOut, ZLagQuery } from "./schema";

const W = FIRMWARE_WRITERS;
const R = FIRMWARE_READERS;

export const firmwareRouter = router({
  baselines: procedure(R).input(ZBaselineQuery).output(ZBaselineItems).query(async ({ ctx, input }) => ({ items: await listBaselines(ctx.deps, input) })),
  revisions: procedure(R).input(ZBaselineKey).output(ZBaselineItems).query(async ({ ctx, input }) => ({ items: await baselineRevisions(ctx.deps, input.modelId, input.component) })),
  saveBaseline: procedure(W).input(ZBaselineInput).output(ZBaselineOut).mutation(({ ctx, input }) => saveBaseline(ctx.deps, ctx.actor, input)),
  exportBaselines: procedure(R).output(ZBaselineDoc).query(({ ctx }) => exportBaselines(ctx.deps)),
  importBaselines: procedure(W).input(ZBaselineDoc).output(ZImportOut).mutation(({ ctx, input }) => importBaselines(ctx.deps, ctx.actor, input)),
  drift: procedure(R).input(ZDriftQuery).output(ZDriftOut).query(({ ctx, input }) => drift(ctx.deps, input)),
  fleet: procedure(R).input(ZFleetQuery).output(ZFleetOut).query(({ ctx, input }) => fleet(ctx.deps, input)),
  lag: procedure(R).input(ZLagQuery).output(ZLagOut).query(({ ctx, input }) => firmwareLag(ctx.deps, input)),
  asset: procedure(R).input(ZAssetId).output(ZInventoryOut).query(({ ctx, input }) => assetFirmware(ctx.deps, input.assetId)),
  posturePolicies: procedure(R).input(ZPolicyQuery).output(ZPosturePolicies).query(async ({ ctx, input }) => ({ items: await listPosturePolicies(ctx.deps, input) })),
  posturePolicyRevisions: procedure(R).input(ZModelKey).output(ZPosturePolicies).query(async ({ ctx, input }) => ({ items: await posturePolicyRevisions(ctx.deps, input.modelId) })),
  savePosturePolicy: procedure(W).input(ZPosturePolicyInput).output(ZPosturePolicyOut).mutation(({ ctx, input }) => savePosturePolicy(ctx.deps, ctx.actor, input)),
  posture: procedure(R).input(ZPostureQuery).output(ZFleetPosture).query(({ ctx, input }) => fleetPosture(ctx.deps, input)),
  assetPosture: procedure(R).input(ZAssetId).output(ZAssetPosture).query(({ ctx, input }) => assetPosture(ctx.deps, input.assetId)),
  waivePosture: procedure(ADMIN_ONLY).input(ZWaiverInput).output(ZAssetPosture).mutation(({ ctx, input }) => waivePosture(ctx.deps, ctx.actor, input)),
  revokePostureWaiver: procedure(ADMIN_ONLY).input(ZWaiverRevoke).output(ZAssetPosture).mutation(({ ctx, input }) => revokePostureWaiver(ctx.deps, ctx.actor, input)),
  findings: procedure(R).input(ZFindingQuery).output(ZFindings).query(async ({ ctx, input }) => ({ items: await listFirmwareFindings(ctx.deps, input) })),
  decideFinding: procedure(W).input(ZFindingDecision).output(ZFirmwareFinding).mutation(({ ctx, input }) => decideFirmwareFinding(ctx.deps, ctx.actor, input)),
  assetHbom: procedure(R).input(ZAssetId).output(ZHbomFile).query(({ ctx, input }) => hbomFor(ctx.deps, { assetId: input.assetId })),
  campaigns: procedure(R).input(ZCampaignQuery).output(ZCampaigns).query(async ({ ctx, input }) => ({ items: await listCampaigns(ctx.deps, input) })),
  campaign: procedure(R).input(ZCampaignId).output(ZCampaignDetail).query(({ ctx, input }) => getCampaign(ctx.deps, input.id)),
  createCampaign: procedure(W).input(ZCampaignCreate).output(ZCampaignDetail).mutation(({ ctx, input }) => createCampaign(ctx.deps, ctx.actor, input)),
  startCampaign: procedure(W).input(ZCampaignAction).output(ZCampaignDetail).mutation(({ ctx, input }) => startCampaign(ctx.deps, ctx.actor, input)),
  pauseCampaign: procedure(W).input(ZCampaignAction).output(ZCampaignDetail).mutation(({ ctx, input }) => pauseCampaign(ctx.deps, ctx.actor, input)),
});
