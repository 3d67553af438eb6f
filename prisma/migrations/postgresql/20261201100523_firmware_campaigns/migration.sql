-- AlterTable
ALTER TABLE "BmcCommand" ADD COLUMN     "params" TEXT;

-- CreateTable
CREATE TABLE "FirmwareCampaign" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "component" TEXT NOT NULL,
    "targetVersion" TEXT NOT NULL,
    "imageUri" TEXT NOT NULL,
    "transferProtocol" TEXT,
    "windowDays" TEXT NOT NULL,
    "windowStart" INTEGER NOT NULL,
    "windowEnd" INTEGER NOT NULL,
    "maxInFlight" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "currentWave" INTEGER NOT NULL,
    "waves" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "FirmwareCampaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FirmwareCampaignAsset" (
    "id" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "rackId" TEXT,
    "wave" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "commandId" TEXT,
    "quarantined" BOOLEAN NOT NULL,
    "fromVersion" TEXT,
    "error" TEXT,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FirmwareCampaignAsset_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FirmwareCampaign_status_updatedAt_id_idx" ON "FirmwareCampaign"("status", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "FirmwareCampaignAsset_campaignId_wave_status_idx" ON "FirmwareCampaignAsset"("campaignId", "wave", "status");

-- CreateIndex
CREATE INDEX "FirmwareCampaignAsset_assetId_status_idx" ON "FirmwareCampaignAsset"("assetId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "FirmwareCampaignAsset_campaignId_assetId_key" ON "FirmwareCampaignAsset"("campaignId", "assetId");
