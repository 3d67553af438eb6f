/** Firmware update campaigns (zod): plan, start, pause, status (server/domains/firmware/campaign.ts). */
import { z } from "zod";

export const CAMPAIGN_STATUSES = ["DRAFT", "SCHEDULED", "RUNNING", "PAUSED", "COMPLETED", "FAILED"] as const;
export type TCampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const CAMPAIGN_ASSET_STATUSES = ["PENDING", "UPDATING", "VERIFYING", "DONE", "FAILED"] as const;
export type TCampaignAssetStatus = (typeof CAMPAIGN_ASSET_STATUSES)[number];

const id = z.string().trim().min(1, "Required").max(64);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "A time as HH:MM (24 h, UTC)");

/** The maintenance window, in UTC: the days it opens (0 = Sunday … 6 = Saturday) and its start and end; an end before the start crosses midnight. */
export const ZCampaignWindow = z
  .object({
    days: z.array(z.number().int().min(0, "Days are 0 (Sunday) to 6 (Saturday)").max(6, "Days are 0 (Sunday) to 6 (Saturday)")).min(1, "Pick at least one day").max(7),
    start: hhmm,
    end: hhmm,
  })
  .refine((w) => w.start !== w.end, { message: "The window's end must differ from its start", path: ["end"] });
export type TCampaignWindow = z.infer<typeof ZCampaignWindow>;

export const ZCampaignCreate = z
  .object({
    name: z.string().trim().min(1, "Name the campaign").max(200),
    modelId: id,
    component: z.string().trim().min(1, "Name the component as the BMC reports it (e.g. BIOS)").max(200),
    targetVersion: z.string().trim().min(1, "Pick the target release from the baseline").max(200),
    imageUri: z
      .string()
      .trim()
      .max(2000)
      .regex(/^https?:\/\/\S+$/i, "An http:// or https:// URL the site's BMCs can reach"),
    /** the assets to update; or racks: every asset of the model in them */
    assetIds: z.array(id).max(5000).default([]),
    rackIds: z.array(id).max(500).default([]),
    window: ZCampaignWindow,
    maxInFlight: z.number().int().min(1, "At least 1").max(100, "At most 100"),
  })
  .refine((c) => c.assetIds.length + c.rackIds.length > 0, { message: "Select racks or assets", path: ["assetIds"] });
export type TCampaignCreate = z.input<typeof ZCampaignCreate>;

export const ZCampaignId = z.object({ id });
export const ZCampaignAction = z.object({
  id,
  /** the campaign version the caller saw; CONFLICT when it changed since */
  expectedVersion: z.number().int().nonnegative().optional(),
});
export const ZCampaignVersion = z.object({ expectedVersion: z.number().int().nonnegative().optional() });
export const ZCampaignQuery = z.object({ status: z.enum(CAMPAIGN_STATUSES).optional() });

export const ZCampaignAsset = z.object({
  assetId: z.string(),
  serial: z.string(),
  assetTag: z.string().nullable(),
  assetStatus: z.string(),
  rackId: z.string().nullable(),
  rackName: z.string().nullable(),
  wave: z.number().int(),
  status: z.enum(CAMPAIGN_ASSET_STATUSES),
  /** a pending in-service asset outside its window waits for it */
  waitingForWindow: z.boolean(),
  fromVersion: z.string().nullable(),
  observed: z.string().nullable(),
  error: z.string().nullable(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});
export const ZCampaign = z.object({
  id: z.string(),
  name: z.string(),
  modelId: z.string(),
  modelName: z.string(),
  component: z.string(),
  targetVersion: z.string(),
  imageUri: z.string(),
  window: ZCampaignWindow,
  windowOpen: z.boolean(),
  maxInFlight: z.number().int(),
  status: z.enum(CAMPAIGN_STATUSES),
  reason: z.string().nullable(),
  currentWave: z.number().int(),
  waves: z.number().int(),
  version: z.number().int(),
  counts: z.record(z.enum(CAMPAIGN_ASSET_STATUSES), z.number().int()),
  createdBy: z.string(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});
export type TCampaign = z.infer<typeof ZCampaign>;
export const ZCampaignDetail = ZCampaign.extend({ assets: z.array(ZCampaignAsset) });
export type TCampaignDetail = z.infer<typeof ZCampaignDetail>;
export const ZCampaigns = z.object({ items: z.array(ZCampaign) });
