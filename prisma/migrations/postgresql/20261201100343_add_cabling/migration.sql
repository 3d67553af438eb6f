-- AlterTable
ALTER TABLE "Location" ADD COLUMN     "maxWeightKg" INTEGER,
ADD COLUMN     "powerBudgetW" INTEGER;

-- AlterTable
ALTER TABLE "HardwareModel" ADD COLUMN     "interfaceTemplate" TEXT,
ADD COLUMN     "weightKg" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "RackPlacement" (
    "id" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "rackId" TEXT NOT NULL,
    "rackUnit" INTEGER NOT NULL,
    "face" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "plannedBy" TEXT NOT NULL,
    "rackedBy" TEXT,
    "rackedAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RackPlacement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeviceInterface" (
    "id" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "mac" TEXT,
    "source" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeviceInterface_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Cable" (
    "id" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "aAssetId" TEXT NOT NULL,
    "aPort" TEXT NOT NULL,
    "bAssetId" TEXT NOT NULL,
    "bPort" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "lengthM" DOUBLE PRECISION NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "observed" TEXT,
    "checkedAt" TIMESTAMP(3),
    "verifiedAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Cable_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CablingWaiver" (
    "id" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "waivedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CablingWaiver_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "RackPlacement_assetId_key" ON "RackPlacement"("assetId");

-- CreateIndex
CREATE INDEX "RackPlacement_rackId_rackUnit_idx" ON "RackPlacement"("rackId", "rackUnit");

-- CreateIndex
CREATE INDEX "DeviceInterface_mac_idx" ON "DeviceInterface"("mac");

-- CreateIndex
CREATE UNIQUE INDEX "DeviceInterface_assetId_name_key" ON "DeviceInterface"("assetId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Cable_label_key" ON "Cable"("label");

-- CreateIndex
CREATE INDEX "Cable_bAssetId_idx" ON "Cable"("bAssetId");

-- CreateIndex
CREATE UNIQUE INDEX "Cable_aAssetId_aPort_key" ON "Cable"("aAssetId", "aPort");

-- CreateIndex
CREATE UNIQUE INDEX "Cable_bAssetId_bPort_key" ON "Cable"("bAssetId", "bPort");

-- CreateIndex
CREATE UNIQUE INDEX "CablingWaiver_assetId_key" ON "CablingWaiver"("assetId");
